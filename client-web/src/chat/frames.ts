// What comes in over the socket: the hello built at each connect, connection state
// changes, and the frames — welcome, message, ack, error, read, resync, channel. Frames
// that are not chat's own go to deps.onOtherFrame (the socket is shared with notices).
// It follows the reconnect algorithm of PROTOCOL.md §7.7.

import { localError, type UiError } from '../errors';
import type { Loaders } from './loaders';
import { sendRetryable } from './outbox';
import type { Sending } from './sending';
import type { ConnState, SocketHandlers } from './socket';
import type { ChatContext } from './state';
import { changesMembers } from '../groups/lines';
import { findMessage, heldOf, keepsLive, mergeMessages, rangesOf, withGone, type Timeline } from './timeline';
import type { ExpiredData } from '../secrecy/types';
import type { AckData, ChannelEvent, ErrorData, Frame, HelloData, Message, ReadData, ResumePos, ResyncData } from './types';
import { applyReactions } from '../reactions/store';
import type { ReactionsData } from '../reactions/types';

export function createSocketHandlers(ctx: ChatContext, loaders: Loaders, sending: Sending): SocketHandlers {
  const { deps, ops, pendingReads } = ctx;
  const { me } = deps;
  const { scheduleListRefresh } = loaders;

  function hello(): HelloData {
    // Only the open channel resumes over the socket; the others reload their newest
    // page when next opened, and their unread counts come from the channel list.
    const state = ctx.state;
    const id = state.activeId;
    const t = id === undefined ? undefined : state.timelines[id];
    // Short of the live end (opened at a search hit) there is nothing live to resume.
    if (id === undefined || !t || t.loading || t.messages.length === 0 || t.hasNewer) return {};
    const epoch = state.channels.find((c) => c.id === id)?.epoch;
    const pos: ResumePos = { channel_id: id, last_seq: heldOf(t), ...(epoch ? { epoch } : {}) };
    return { resume: [pos] };
  }

  function onConnState(conn: ConnState, retryInMs?: number) {
    if (conn !== 'online') {
      // Whatever was on the wire is unanswered: it goes again after the next welcome.
      if (ctx.state.outbox.some((p) => p.status === 'sending')) {
        ctx.setOutbox(ctx.state.outbox.map((p) => (p.status === 'sending' ? { ...p, status: 'queued' } : p)));
      }
      for (const [ref, op] of ops) {
        if (op.kind === 'edit' || op.kind === 'recall') {
          ctx.clearT(op.timer);
          op.resolve(localError('network', ctx.now()));
        } else if (op.kind === 'react') {
          ctx.clearT(op.timer);
          op.settle(localError('network', ctx.now()));
        }
        ops.delete(ref);
      }
    }
    ctx.set({ conn, retryInMs, everOnline: ctx.state.everOnline || conn === 'online' });
    if (conn === 'expired') deps.onExpired?.();
  }

  function onFrame(f: Frame) {
    switch (f.type) {
      case 'welcome':
        onWelcome();
        break;
      case 'message':
        onMessage(f.data as Message);
        break;
      case 'ack':
        onAck(f.ref, f.data as AckData);
        break;
      case 'error':
        onError(f.ref, f.data as ErrorData);
        break;
      case 'read':
        onRead(f.data as ReadData);
        break;
      case 'resync':
        onResync(f.data as ResyncData);
        break;
      case 'channel':
        onChannelEvent(f.data as ChannelEvent);
        break;
      case 'reactions':
        applyReactions(ctx, f.data as ReactionsData);
        break;
      case 'expired':
        onExpired(f.data as ExpiredData);
        break;
      default:
        deps.onOtherFrame?.(f);
    }
  }

  function onWelcome() {
    deps.onWelcome?.();
    void loaders.loadChannels();
    // Edits and recalls made while away are not replayed: refresh what is on screen,
    // and let other channels reload their newest page when next opened.
    const timelines: Record<number, Timeline> = {};
    const id = ctx.state.activeId;
    if (id !== undefined && ctx.state.timelines[id]) {
      timelines[id] = ctx.state.timelines[id]!;
      // A timeline opened at a search hit stays where the reader is; its newer pages
      // come as they scroll down.
      if (!timelines[id]!.hasNewer) void loaders.loadNewest(id);
    }
    ctx.set({ timelines });
    sending.flush();
    for (const [channelId, seq] of pendingReads) sending.sendRead(channelId, seq);
  }

  function onMessage(m: Message) {
    if (!m || !Number.isSafeInteger(m.channel_id) || !Number.isSafeInteger(m.seq)) return;
    const t = ctx.state.timelines[m.channel_id];
    if (t) {
      // An upsert, never a "newest page": a message ahead of a gap (out of order in a
      // cluster, or missed) must not push out the history held. While the newest page
      // is loading, the message is kept too: the page may have been answered before it.
      const before = heldOf(t);
      if (keepsLive(t, m.seq)) ctx.setTimeline(m.channel_id, { ...t, messages: mergeMessages(t.messages, [m]) });
      if (!t.loading && !t.hasNewer && m.seq > before + 1 && t.messages.length > 0) void loaders.catchUp(m.channel_id);
    }
    if (m.sender_id === me.id && m.client_id && ctx.state.outbox.some((p) => p.clientId === m.client_id)) {
      ctx.setOutbox(ctx.state.outbox.filter((p) => p.clientId !== m.client_id));
    }
    const known = ctx.patchChannel(m.channel_id, (c) => {
      const isNew = m.seq > c.last_seq;
      const c2 = { ...c, last_seq: Math.max(c.last_seq, m.seq) };
      if (isNew || c.latest?.seq === m.seq) c2.latest = m;
      if (isNew && m.sender_id !== me.id && m.seq > c.read_seq && !m.recalled_at && m.kind !== 'system') c2.unread = c.unread + 1;
      if (!isNew && m.recalled_at && m.seq > c.read_seq && m.sender_id !== me.id && c.unread > 0) c2.unread = c.unread - 1;
      return c2;
    });
    if (!known) scheduleListRefresh();
    // A system line saying who came or went: the member list held is out of date.
    if (changesMembers(m) && ctx.state.members[m.channel_id]) void loaders.loadMembers(m.channel_id);
  }

  function onAck(ref: string | undefined, a: AckData) {
    if (!ref) return;
    const op = ops.get(ref);
    if (!op) return;
    ops.delete(ref);
    switch (op.kind) {
      case 'send': {
        const p = ctx.state.outbox.find((x) => x.clientId === op.clientId);
        if (!p) return;
        ctx.setOutbox(ctx.state.outbox.filter((x) => x.clientId !== op.clientId));
        sending.flush();
        // The message frame normally comes too; if it was missed, show the message now.
        const t = ctx.state.timelines[p.channelId];
        if (t && !t.loading && !findMessage(t, a.seq)) {
          onMessage({
            channel_id: p.channelId,
            seq: a.seq,
            sender_id: me.id,
            client_id: p.clientId,
            text: p.text,
            reply_to: p.replyTo,
            mentions: p.mentions,
            mention_all: p.mentionAll,
            secrecy: p.secrecy ?? 0,
            created_at: a.created_at ?? new Date(ctx.now()).toISOString(),
            ...(p.attachment ? { attachment: p.attachment } : {}),
          });
        }
        return;
      }
      case 'edit':
      case 'recall':
        ctx.clearT(op.timer);
        op.resolve(undefined);
        return;
      case 'read':
        if (pendingReads.get(op.channelId) === op.seq) pendingReads.delete(op.channelId);
        return;
      case 'react':
        ctx.clearT(op.timer);
        op.settle(undefined, a);
        return;
    }
  }

  function onError(ref: string | undefined, d: ErrorData) {
    if (!ref) return;
    const op = ops.get(ref);
    if (!op) return;
    ops.delete(ref);
    const e: UiError = { code: d?.code || 'internal', at: ctx.now(), retryAfter: d?.retry_after, field: d?.field, ...(d?.rules ? { rules: d.rules } : {}) };
    switch (op.kind) {
      case 'send': {
        const retry = sendRetryable(e.code);
        ctx.setOutbox(
          ctx.state.outbox.map((p) =>
            p.clientId === op.clientId ? { ...p, status: retry ? 'queued' : 'failed', error: retry ? undefined : e } : p,
          ),
        );
        if (!retry) sending.flush();
        if (retry) sending.pause(e.code === 'rate_limited' ? Math.max(1, e.retryAfter ?? 1) * 1000 : 5000);
        return;
      }
      case 'edit':
      case 'recall':
        ctx.clearT(op.timer);
        op.resolve(e);
        return;
      case 'read':
        // not_member: the channel is gone; anything else: try again after reconnect.
        if (e.code === 'not_member') pendingReads.delete(op.channelId);
        return;
      case 'react':
        ctx.clearT(op.timer);
        op.settle(e);
        return;
    }
  }

  function onRead(r: ReadData) {
    const known = ctx.patchChannel(r.channel_id, (c) => {
      if (r.seq <= c.read_seq) return c;
      return { ...c, read_seq: r.seq, unread: r.seq >= c.last_seq ? 0 : c.unread };
    });
    const c = ctx.state.channels.find((x) => x.id === r.channel_id);
    if (!known || (c && r.seq < c.last_seq && c.unread > 0)) scheduleListRefresh();
  }

  function onResync(r: ResyncData) {
    if (ctx.state.timelines[r.channel_id]) {
      const { [r.channel_id]: _, ...rest } = ctx.state.timelines;
      ctx.set({ timelines: rest });
      if (ctx.state.activeId === r.channel_id) void loaders.loadNewest(r.channel_id);
    }
    scheduleListRefresh();
  }

  /** Messages deleted by retention (§7.5): out of the timeline, the channel's preview and
   * the search results, and remembered as gone so their hole is not a gap to fetch. */
  function onExpired(d: ExpiredData) {
    if (!d || !Number.isSafeInteger(d.channel_id) || !Array.isArray(d.seqs) || d.seqs.length === 0) return;
    const id = d.channel_id;
    const ranges = rangesOf(d.seqs);
    const t = ctx.state.timelines[id];
    if (t) ctx.setTimeline(id, withGone(t, ranges));
    const dead = new Set(d.seqs);
    const s = ctx.state.search;
    if (s?.results.some((m) => m.channel_id === id && dead.has(m.seq))) {
      ctx.set({ search: { ...s, results: s.results.filter((m) => m.channel_id !== id || !dead.has(m.seq)) } });
    }
    const c = ctx.state.channels.find((x) => x.id === id);
    if (c?.latest && dead.has(c.latest.seq)) {
      // The preview showed a deleted message: the list's answer has the one before it.
      ctx.patchChannel(id, ({ latest: _, ...rest }) => rest);
      scheduleListRefresh();
    } else if (c && c.unread > 0 && d.seqs.some((q) => q > c.read_seq)) {
      scheduleListRefresh(); // unread ones were deleted: the server counts again
    }
  }

  function onChannelEvent(ev: ChannelEvent) {
    if (ev.event === 'left' || ev.event === 'joined') {
      const { [ev.channel_id]: _, ...members } = ctx.state.members;
      ctx.set({ members });
    } else if (ctx.state.members[ev.channel_id]) {
      void loaders.loadMembers(ev.channel_id);
    }
    scheduleListRefresh();
  }

  return { hello, frame: onFrame, state: onConnState };
}
