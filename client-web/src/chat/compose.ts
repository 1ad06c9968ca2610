// What the composer sends: the checks the server would make, done first so a person
// hears at once why a message cannot go, and the mentions picked from the member list.

import type { Attachment } from '../files/types';
import { MAX_FRAME_BYTES, MAX_TEXT_CHARS, PROTOCOL_VERSION, type SendData } from './types';

export type ComposeProblem = 'empty' | 'too_long' | 'too_large';

/** Characters as the server counts them (code points, not UTF-16 units). */
export function charCount(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

export function utf8Bytes(text: string): number {
  return new TextEncoder().encode(text).length;
}

// Control characters (C0, DEL, C1) but tab and line breaks: the server refuses them, and
// they only ever arrive by accident, pasted from another program, invisible.
const CONTROL_RE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

/** The text without the invisible control characters the server would refuse. */
export function stripControls(text: string): string {
  return text.replace(CONTROL_RE, '');
}

/** Why this text cannot be sent as it is, or undefined when it can. */
export function checkText(text: string, frameData?: unknown): ComposeProblem | undefined {
  if (text.trim() === '') return 'empty';
  if (charCount(text) > MAX_TEXT_CHARS) return 'too_long';
  if (frameData !== undefined) {
    const frame = { v: PROTOCOL_VERSION, type: 'send', ref: 's:' + 'x'.repeat(40), data: frameData };
    if (utf8Bytes(JSON.stringify(frame)) > MAX_FRAME_BYTES) return 'too_large';
  }
  return undefined;
}

export interface MentionPick {
  userId: number;
  name: string;
}

/** The name that stands for @all in Chinese text, whatever the interface language. */
export const MENTION_ALL_ZH = '所有人';

/** The picks whose "@name" is still in the text: a mention deleted by editing the text
 * is no longer sent. */
export function mentionsIn(text: string, picks: readonly MentionPick[]): number[] {
  // Longest names first, each found one taken out of the text: "@王建国" must not also
  // count as a mention of 王建.
  const found = new Set<MentionPick>();
  let rest = text;
  for (const p of [...picks].filter((p) => p.name).sort((a, b) => b.name.length - a.name.length)) {
    const tag = '@' + p.name;
    if (rest.includes(tag)) {
      found.add(p);
      rest = rest.split(tag).join('\n');
    }
  }
  return [...new Set(picks.filter((p) => found.has(p)).map((p) => p.userId))];
}

/** The "@query" being typed just before the caret, if any: what completion should match. */
export function mentionQuery(text: string, caret: number): { start: number; query: string } | undefined {
  const before = text.slice(0, caret);
  const at = before.lastIndexOf('@');
  if (at < 0) return undefined;
  const query = before.slice(at + 1);
  // A mention is a short run without spaces; "@" inside an e-mail address is not one.
  if (query.length > 16 || /\s/.test(query)) return undefined;
  if (at > 0 && /[A-Za-z0-9._%+-]/.test(before[at - 1]!)) return undefined;
  return { start: at, query };
}

/** Replaces the "@query" before the caret by "@name " and says where the caret goes. */
export function applyMention(text: string, caret: number, name: string): { text: string; caret: number } {
  const q = mentionQuery(text, caret);
  if (!q) return { text, caret };
  const inserted = '@' + name + ' ';
  return { text: text.slice(0, q.start) + inserted + text.slice(caret), caret: q.start + inserted.length };
}

/** A client id unique per sender: the server answers a retry with the same id with the
 * first ack, so a message resent after a drop is stored once. */
export function newClientId(random: () => string = randomHex): string {
  return `web-${Date.now().toString(36)}-${random()}`;
}

function randomHex(): string {
  const b = new Uint8Array(8);
  crypto.getRandomValues(b);
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
}

export function sendData(p: {
  channelId: number;
  clientId: string;
  text: string;
  replyTo?: number;
  mentions?: number[];
  mentionAll?: boolean;
  secrecy?: number;
  attachment?: Attachment;
  dlpAck?: boolean;
}): SendData {
  const d: SendData = { channel_id: p.channelId, client_id: p.clientId, text: p.text };
  if (p.attachment) {
    // The frame names the blobs; sizes are the server's own record.
    const a = p.attachment;
    d.attachment = { blob_id: a.blob_id, commitment: a.commitment, ...(a.thumb_blob_id ? { thumb_blob_id: a.thumb_blob_id } : {}) };
  }
  if (p.replyTo) d.reply_to = p.replyTo;
  if (p.mentions && p.mentions.length) d.mentions = p.mentions;
  if (p.mentionAll) d.mention_all = true;
  if (p.secrecy) d.secrecy = p.secrecy;
  if (p.dlpAck) d.dlp_ack = true;
  return d;
}
