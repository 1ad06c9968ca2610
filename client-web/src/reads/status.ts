// Read status from read positions (PROTOCOL.md §4.14): for a message, who of the members
// was asked to read it and who has. One set of positions per channel gives every
// message's status by comparison, without a request per message. No DOM here.

import type { ChannelKind, Message } from '../chat/types';
import type { ReadMove, ReadPosition } from './types';

/** A member's position, with when they joined in milliseconds. */
export interface Position {
  seq: number;
  joinedAt: number;
}

/** One channel's positions by user id. */
export type Positions = ReadonlyMap<number, Position>;

export function toPositions(reads: readonly ReadPosition[]): Map<number, Position> {
  const out = new Map<number, Position>();
  for (const r of reads ?? []) {
    if (!Number.isSafeInteger(r.user_id) || !Number.isSafeInteger(r.seq)) continue;
    const joined = Date.parse(r.joined_at);
    out.set(r.user_id, { seq: r.seq, joinedAt: Number.isFinite(joined) ? joined : 0 });
  }
  return out;
}

/** Positions after a reads frame: each move raises a member's position (never lowers it:
 * frames from different server nodes may cross). `unknown` is true when a move names
 * someone not held — they joined since, and the positions should be fetched again. */
export function applyMoves(pos: Positions, moves: readonly ReadMove[]): { next: Map<number, Position>; changed: boolean; unknown: boolean } {
  const next = new Map(pos);
  let changed = false;
  let unknown = false;
  for (const m of moves ?? []) {
    if (!m || !Number.isSafeInteger(m.user_id) || !Number.isSafeInteger(m.seq)) continue;
    const p = next.get(m.user_id);
    if (!p) {
      unknown = true;
      continue;
    }
    if (m.seq > p.seq) {
      next.set(m.user_id, { ...p, seq: m.seq });
      changed = true;
    }
  }
  return { next, changed, unknown };
}

/** Who was asked to read a message and who has, each by user id in ascending order. */
export interface ReadStatus {
  read: number[];
  unread: number[];
}

/** Whether a message has a read status at all: not a recalled one, not a line the server
 * wrote. */
export function hasReadStatus(m: Message): boolean {
  return !m.recalled_at && m.kind !== 'system';
}

/** The read status of m: the members but its sender who had joined when it was sent,
 * split by whether their position has reached it. Undefined for a message without one. */
export function readStatus(m: Message, pos: Positions): ReadStatus | undefined {
  if (!hasReadStatus(m)) return undefined;
  const sent = Date.parse(m.created_at);
  const read: number[] = [];
  const unread: number[] = [];
  for (const [id, p] of pos) {
    if (id === m.sender_id) continue;
    if (Number.isFinite(sent) && p.joinedAt > sent) continue; // joined later: never asked
    (p.seq >= m.seq ? read : unread).push(id);
  }
  read.sort((a, b) => a - b);
  unread.sort((a, b) => a - b);
  return { read, unread };
}

/** What the mark under one's own message says. */
export type ReadLabel =
  | { kind: 'direct'; read: boolean }
  | { kind: 'all_read' }
  | { kind: 'unread'; n: number }
  | { kind: 'none' };

export function readLabel(channelKind: ChannelKind, st: ReadStatus | undefined): ReadLabel {
  if (!st || st.read.length + st.unread.length === 0) return { kind: 'none' };
  if (channelKind === 'direct') return { kind: 'direct', read: st.unread.length === 0 };
  if (st.unread.length === 0) return { kind: 'all_read' };
  return { kind: 'unread', n: st.unread.length };
}
