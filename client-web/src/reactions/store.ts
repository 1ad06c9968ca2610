// Reactions in the chat store: a toggle sent as a `react` frame and shown at once
// (optimistic), the ack's and the live `reactions` frames applied by revision, so a frame
// overtaken by a later one never shows over it (PROTOCOL.md §7.5 `reactions`).

import { localError, type UiError } from '../errors';
import type { ChatContext } from '../chat/state';
import { findMessage } from '../chat/timeline';
import { PROTOCOL_VERSION, type Frame, type Reaction } from '../chat/types';
import { holds, toggled } from './model';
import type { ReactData, ReactionsData } from './types';

const OP_TIMEOUT_MS = 15_000;

/** The highest revision seen per message, per chat store. */
const revisions = new WeakMap<ChatContext, Map<string, number>>();

function revs(ctx: ChatContext): Map<string, number> {
  let m = revisions.get(ctx);
  if (!m) {
    m = new Map();
    revisions.set(ctx, m);
  }
  return m;
}

const key = (channelId: number, seq: number) => `${channelId}:${seq}`;

/** Replaces a held message's reactions; false when the message is not held. */
function setReactions(ctx: ChatContext, channelId: number, seq: number, reactions: Reaction[]): boolean {
  const t = ctx.state.timelines[channelId];
  const m = findMessage(t, seq);
  if (!t || !m) return false;
  const next = { ...m };
  if (reactions.length > 0) next.reactions = reactions;
  else delete next.reactions;
  ctx.setTimeline(channelId, { ...t, messages: t.messages.map((x) => (x.seq === seq ? next : x)) });
  return true;
}

/** Applies a `reactions` frame or a `react` ack, unless a later revision was applied. */
export function applyReactions(ctx: ChatContext, d: ReactionsData | undefined): void {
  if (!d || !Number.isSafeInteger(d.channel_id) || !Number.isSafeInteger(d.seq) || !Array.isArray(d.reactions)) return;
  const k = key(d.channel_id, d.seq);
  const seen = revs(ctx).get(k) ?? 0;
  if (typeof d.rev === 'number' && d.rev < seen) return;
  if (typeof d.rev === 'number') revs(ctx).set(k, d.rev);
  setReactions(ctx, d.channel_id, d.seq, d.reactions);
}

export type Reactions = ReturnType<typeof createReactions>;

export function createReactions(ctx: ChatContext, sendFrame: (f: Frame) => boolean) {
  let refSeq = 0;

  /** Adds or takes back the person's reaction; resolves with the refusal, if any. */
  function toggle(channelId: number, seq: number, reaction: string, allowed: readonly string[]): Promise<UiError | undefined> {
    const { me } = ctx.deps;
    const m = findMessage(ctx.state.timelines[channelId], seq);
    const on = !(m && holds(m, me.id, reaction));
    const before = m?.reactions ?? [];
    const revAtStart = revs(ctx).get(key(channelId, seq)) ?? 0;
    if (m) setReactions(ctx, channelId, seq, toggled(m.reactions, allowed, me.id, reaction, on));
    // A refusal puts back what was shown, unless the channel has moved on meanwhile.
    const undo = () => {
      if ((revs(ctx).get(key(channelId, seq)) ?? 0) === revAtStart) setReactions(ctx, channelId, seq, before);
    };
    return new Promise((resolve) => {
      const ref = `x:${++refSeq}`;
      const data: ReactData = { channel_id: channelId, seq, reaction, on };
      if (!sendFrame({ v: PROTOCOL_VERSION, type: 'react', ref, data })) {
        undo();
        resolve(localError('network', ctx.now()));
        return;
      }
      const timer = ctx.setT(() => {
        if (ctx.ops.delete(ref)) {
          undo();
          resolve(localError('unavailable', ctx.now()));
        }
      }, OP_TIMEOUT_MS);
      ctx.ops.set(ref, {
        kind: 'react',
        timer,
        settle: (e, answer) => {
          if (e) undo();
          else applyReactions(ctx, answer as ReactionsData);
          resolve(e);
        },
      });
    });
  }

  return { toggle };
}
