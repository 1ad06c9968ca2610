// What the person writes and sends over the socket: drafts, the outbox and its flushing,
// send / retry / discard, edits and recalls, and read marks. The answers (ack and error
// frames) come back through frames.ts, which settles the ops registered here.

import { defaultLevel } from '../secrecy/compose';
import { localError, type UiError } from '../errors';
import type { Attachment } from '../files/types';
import { checkText, newClientId, sendData, stripControls, type ComposeProblem } from './compose';
import { saveDrafts, type Pending } from './outbox';
import { draftsToKeep } from '../protect/storage';
import type { ChatContext } from './state';
import { lastSeq } from './timeline';
import { PROTOCOL_VERSION, type EditData, type Frame, type RecallData } from './types';

const OP_TIMEOUT_MS = 15_000;
const MAX_IN_FLIGHT = 8;

export type Sending = ReturnType<typeof createSending>;

/** `sendFrame` puts a frame on the socket; false if it could not. */
export function createSending(ctx: ChatContext, sendFrame: (f: Frame) => boolean) {
  const { me, storage } = ctx.deps;
  let refSeq = 0;
  let flushTimer: unknown;
  let draftTimer: unknown;
  let pausedUntil = 0;

  function scheduleFlush(ms: number) {
    if (flushTimer !== undefined) ctx.clearT(flushTimer);
    flushTimer = ctx.setT(() => {
      flushTimer = undefined;
      flush();
    }, ms);
  }

  /** Holds the outbox back for `ms` (a retryable refusal), then flushes. */
  function pause(ms: number) {
    pausedUntil = Math.max(pausedUntil, ctx.now() + ms);
    scheduleFlush(ms);
  }

  /** Sends queued messages in the order written, a few at a time: a long outbox after
   * a day offline must not trip the server's frame rate limit (PROTOCOL.md §7.7). */
  function flush() {
    if (ctx.state.conn !== 'online') return;
    if (ctx.now() < pausedUntil) {
      scheduleFlush(pausedUntil - ctx.now());
      return;
    }
    let changed = false;
    let inFlight = ctx.state.outbox.filter((p) => p.status === 'sending').length;
    const outbox = ctx.state.outbox.map((p) => {
      if (p.status !== 'queued' || inFlight >= MAX_IN_FLIGHT) return p;
      inFlight++;
      const ref = `s:${++refSeq}:${p.clientId}`;
      const data = sendData({ ...p });
      if (!sendFrame({ v: PROTOCOL_VERSION, type: 'send', ref, data })) return p;
      ctx.ops.set(ref, { kind: 'send', clientId: p.clientId });
      changed = true;
      return { ...p, status: 'sending' as const };
    });
    if (changed) ctx.setOutbox(outbox);
  }

  function send(
    channelId: number,
    text: string,
    opts: { replyTo?: number; mentions?: number[]; mentionAll?: boolean; secrecy?: number } = {},
  ): ComposeProblem | undefined {
    const clientId = newClientId();
    text = stripControls(text);
    const p: Pending = { clientId, channelId, text, ...opts, createdAt: ctx.now(), status: 'queued' };
    const problem = checkText(text, sendData({ ...p }));
    if (problem) return problem;
    ctx.setOutbox([...ctx.state.outbox, p]);
    setDraft(channelId, '');
    flush();
    return undefined;
  }

  /** A file message: the upload queue (src/files/upload.ts) has uploaded the blob and
   * shared its keys; the message goes like any other, through the outbox. */
  function sendAttachment(channelId: number, attachment: Attachment, clientId: string): ComposeProblem | undefined {
    if (ctx.state.outbox.some((p) => p.clientId === clientId)) return undefined; // already queued
    // A file goes at the channel's usual level (its upload may outlive the composer's choice).
    const c = ctx.state.channels.find((x) => x.id === channelId);
    const secrecy = c ? defaultLevel(c) : 0;
    const p: Pending = { clientId, channelId, text: '', attachment, createdAt: ctx.now(), status: 'queued', ...(secrecy ? { secrecy } : {}) };
    const frame = sendData({ ...p });
    const problem = checkText('-', frame); // the frame's size; an attachment needs no text
    if (problem) return problem;
    ctx.setOutbox([...ctx.state.outbox, p]);
    flush();
    return undefined;
  }

  /** Sends a failed message again; dlpAck: the sender read the dlp_warning and sends it anyway. */
  function retry(clientId: string, dlpAck = false) {
    ctx.setOutbox(
      ctx.state.outbox.map((p) =>
        p.clientId === clientId && p.status === 'failed' ? { ...p, status: 'queued', error: undefined, ...(dlpAck ? { dlpAck: true } : {}) } : p,
      ),
    );
    flush();
  }

  function discard(clientId: string) {
    ctx.setOutbox(ctx.state.outbox.filter((p) => p.clientId !== clientId || p.status === 'sending'));
  }

  function request2(kind: 'edit' | 'recall', data: unknown): Promise<UiError | undefined> {
    return new Promise((resolve) => {
      const ref = `${kind[0]}:${++refSeq}`;
      if (!sendFrame({ v: PROTOCOL_VERSION, type: kind, ref, data })) {
        resolve(localError('network', ctx.now()));
        return;
      }
      const timer = ctx.setT(() => {
        if (ctx.ops.delete(ref)) resolve(localError('unavailable', ctx.now()));
      }, OP_TIMEOUT_MS);
      ctx.ops.set(ref, { kind, resolve, timer });
    });
  }

  function edit(channelId: number, seq: number, text: string, mentions: number[] = []): Promise<UiError | undefined> | ComposeProblem {
    text = stripControls(text);
    const problem = checkText(text, { channel_id: channelId, seq, text, mentions });
    if (problem) return problem;
    return request2('edit', { channel_id: channelId, seq, text, ...(mentions.length ? { mentions } : {}) } satisfies EditData);
  }

  function recall(channelId: number, seq: number): Promise<UiError | undefined> {
    return request2('recall', { channel_id: channelId, seq } satisfies RecallData);
  }

  function sendRead(channelId: number, seq: number) {
    const ref = `r:${++refSeq}`;
    if (sendFrame({ v: PROTOCOL_VERSION, type: 'read', ref, data: { channel_id: channelId, seq } })) {
      ctx.ops.set(ref, { kind: 'read', channelId, seq });
    }
  }

  /** Marks everything shown in the channel as read, here and on the person's other devices. */
  function markRead(channelId: number) {
    const t = ctx.state.timelines[channelId];
    const c = ctx.state.channels.find((x) => x.id === channelId);
    if (!t || t.loading || !c) return;
    const seq = Math.max(lastSeq(t.messages), 0);
    if (seq <= c.read_seq && c.unread === 0) return;
    if (seq <= c.read_seq) {
      ctx.patchChannel(channelId, (x) => ({ ...x, unread: 0 }));
      return;
    }
    ctx.patchChannel(channelId, (x) => ({ ...x, read_seq: seq, unread: seq >= x.last_seq ? 0 : x.unread }));
    ctx.pendingReads.set(channelId, seq);
    sendRead(channelId, seq);
  }

  function setDraft(channelId: number, text: string) {
    const drafts = { ...ctx.state.drafts };
    if (text) drafts[channelId] = text;
    else delete drafts[channelId];
    ctx.set({ drafts });
    if (draftTimer !== undefined) ctx.clearT(draftTimer);
    draftTimer = ctx.setT(() => {
      draftTimer = undefined;
      if (!ctx.forgotten) saveDrafts(storage, me.id, draftsToKeep(ctx.state.drafts, ctx.deps.keep));
    }, text ? 400 : 0);
  }

  return {
    flush,
    pause,
    send,
    sendAttachment,
    retry,
    discard,
    edit,
    recall,
    sendRead,
    markRead,
    setDraft,
    /** Cancels the pending flush and draft save, writing a pending draft now (on dispose). */
    stop() {
      for (const id of [flushTimer, draftTimer]) if (id !== undefined) ctx.clearT(id);
      if (draftTimer !== undefined && !ctx.forgotten) saveDrafts(storage, me.id, draftsToKeep(ctx.state.drafts, ctx.deps.keep));
    },
  };
}
