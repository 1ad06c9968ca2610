// Messages written but not yet acknowledged, and drafts: both kept in the browser's
// storage per user, so a reload or a crash while offline loses nothing typed. Cleared
// at logout: office computers are shared.

import type { UiError } from '../errors';
import type { Attachment } from '../files/types';
import type { KeyValueStorage } from '../i18n';

export interface Pending {
  clientId: string;
  channelId: number;
  text: string;
  replyTo?: number;
  mentions?: number[];
  mentionAll?: boolean;
  secrecy?: number;
  /** A file message (text empty): the blob is uploaded and its keys shared (src/files). */
  attachment?: Attachment;
  /** The sender saw the dlp_warning and sends it anyway (§4.25). */
  dlpAck?: boolean;
  /** ms since epoch, when written */
  createdAt: number;
  /** queued: waits for the connection; sending: on the wire, no answer yet; failed: refused */
  status: 'queued' | 'sending' | 'failed';
  error?: UiError;
}

export interface LocalStore extends KeyValueStorage {
  removeItem(key: string): void;
}

const outboxKey = (userId: number) => `govchat.outbox.${userId}`;
const draftsKey = (userId: number) => `govchat.drafts.${userId}`;

function read<T>(storage: LocalStore | undefined, key: string): T | undefined {
  try {
    const raw = storage?.getItem(key);
    return raw ? (JSON.parse(raw) as T) : undefined;
  } catch {
    return undefined;
  }
}

function write(storage: LocalStore | undefined, key: string, value: unknown) {
  try {
    storage?.setItem(key, JSON.stringify(value));
  } catch {
    /* storage full or disabled: the state still holds for this page */
  }
}

export function loadOutbox(storage: LocalStore | undefined, userId: number): Pending[] {
  const v = read<unknown>(storage, outboxKey(userId));
  if (!Array.isArray(v)) return [];
  return v
    .filter(
      (p): p is Pending =>
        p && typeof p.clientId === 'string' && Number.isSafeInteger(p.channelId) && typeof p.text === 'string',
    )
    .map((p) => (p.status === 'sending' ? { ...p, status: 'queued' as const } : p));
}

export function saveOutbox(storage: LocalStore | undefined, userId: number, outbox: readonly Pending[]) {
  if (outbox.length === 0) {
    try {
      storage?.removeItem(outboxKey(userId));
    } catch {
      /* ignore */
    }
    return;
  }
  write(storage, outboxKey(userId), outbox);
}

export function loadDrafts(storage: LocalStore | undefined, userId: number): Record<number, string> {
  const v = read<Record<string, unknown>>(storage, draftsKey(userId));
  const out: Record<number, string> = {};
  if (v && typeof v === 'object') for (const [k, d] of Object.entries(v)) if (typeof d === 'string' && d) out[Number(k)] = d;
  return out;
}

export function saveDrafts(storage: LocalStore | undefined, userId: number, drafts: Record<number, string>) {
  write(storage, draftsKey(userId), drafts);
}

export function clearLocal(storage: LocalStore | undefined, userId: number) {
  try {
    storage?.removeItem(outboxKey(userId));
    storage?.removeItem(draftsKey(userId));
  } catch {
    /* ignore */
  }
}

/** The send codes after which the outcome is unknown or only delayed: the message stays
 * in the outbox and goes again (same client id) — PROTOCOL.md §7.7. */
export function sendRetryable(code: string): boolean {
  return code === 'internal' || code === 'unavailable' || code === 'rate_limited' || code === 'network';
}
