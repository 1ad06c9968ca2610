// How a notice reads in a list and who may publish: pure functions, no DOM.

import type { Me } from '../api';
import type { Channel } from '../chat/types';
import type { Notice } from './types';

/** The reader's state of a notice, as a list row shows it. */
export type RowState =
  | 'withdrawn' // 已撤回
  | 'stale' // 已确认旧版本 — 需重新确认
  | 'pending' // 待确认
  | 'confirmed' // 已确认
  | 'info' // 无需确认
  | 'author'; // not a recipient: the author's or a tally viewer's copy

export function rowState(n: Notice): RowState {
  if (n.status === 'withdrawn') return 'withdrawn';
  const r = n.receipt;
  if (!r) return 'author';
  if (n.pending) return r.confirmed_revision && r.confirmed_revision < n.revision ? 'stale' : 'pending';
  if (!n.needs_confirm) return 'info';
  if (r.confirmed_at && (r.confirmed_revision ?? 0) >= n.revision) return 'confirmed';
  return r.confirmed_revision && r.confirmed_revision < n.revision ? 'stale' : 'pending';
}

export function isUrgent(n: { priority?: string }): boolean {
  return n.priority === 'urgent';
}

/** Pinned order: urgent first, then the nearest deadline (none last), then newest. */
export function comparePinned(a: Notice, b: Notice): number {
  const u = Number(isUrgent(b)) - Number(isUrgent(a));
  if (u) return u;
  const da = a.deadline ? Date.parse(a.deadline) : Infinity;
  const db = b.deadline ? Date.parse(b.deadline) : Infinity;
  if (da !== db) return da < db ? -1 : 1;
  return b.id - a.id;
}

/** The channels a person may publish to: a leader any of theirs, anybody else those they
 * administer. Direct conversations and archived channels are never targets. */
export function publishableChannels(me: Pick<Me, 'role'>, channels: readonly Channel[]): Channel[] {
  return channels.filter((c) => c.kind !== 'direct' && !c.archived && (me.role === 'leader' || c.role === 'admin'));
}

/** Leaders may address anyone; channel administrators only their channels. */
export function canPublish(me: Pick<Me, 'role'>, channels: readonly Channel[]): boolean {
  return me.role === 'leader' || publishableChannels(me, channels).length > 0;
}

/** Whether a leader may also pick departments, party organisations and people. */
export function canTargetOrg(me: Pick<Me, 'role'>): boolean {
  return me.role === 'leader';
}

/** Counts of a tally as shares of the whole, in whole percent, for the bar. */
export function tallyShares(t: { total: number; confirmed: number; seen: number; unseen: number }): {
  confirmed: number;
  seen: number;
  unseen: number;
} {
  const total = t.total || t.confirmed + t.seen + t.unseen;
  if (!total) return { confirmed: 0, seen: 0, unseen: 0 };
  const confirmed = Math.round((t.confirmed * 100) / total);
  const seen = Math.min(100 - confirmed, Math.round((t.seen * 100) / total));
  return { confirmed, seen, unseen: 100 - confirmed - seen };
}
