// What the 待办 page shows, as pure functions: the order (by due time, none last), which
// items are overdue now, and the groups by deadline in Beijing days (已逾期 / 今天 / 明天 /
// 本周内 / 以后 / 无截止时间). No DOM here.

import type { TodoItem } from './types';

const BEIJING_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;

/** The Beijing calendar day of an instant, as a day number. */
export function beijingDay(ms: number): number {
  return Math.floor((ms + BEIJING_OFFSET_MS) / DAY_MS);
}

/** Overdue: its due time has passed and it is still to be done. Worked out again on the
 * client, because time passes while the page is open. */
export function isOverdue(it: TodoItem, now: number): boolean {
  return it.state !== 'done' && !!it.due && Date.parse(it.due) <= now;
}

/** The server's order: earliest due first, those without one last; then when it was
 * given, kind and id. */
export function compareTodos(a: TodoItem, b: TodoItem): number {
  const da = a.due ? Date.parse(a.due) : Infinity;
  const db = b.due ? Date.parse(b.due) : Infinity;
  if (da !== db) return da < db ? -1 : 1;
  const ca = Date.parse(a.created_at);
  const cb = Date.parse(b.created_at);
  if (ca !== cb) return ca < cb ? -1 : 1;
  if (a.kind !== b.kind) return a.kind < b.kind ? -1 : 1;
  return a.id - b.id;
}

export function sortTodos(items: readonly TodoItem[]): TodoItem[] {
  return [...items].sort(compareTodos);
}

export type GroupKey = 'overdue' | 'today' | 'tomorrow' | 'week' | 'later' | 'none';
export const GROUP_ORDER: readonly GroupKey[] = ['overdue', 'today', 'tomorrow', 'week', 'later', 'none'];

export function groupOf(it: TodoItem, now: number): GroupKey {
  if (!it.due) return 'none';
  const due = Date.parse(it.due);
  if (isOverdue(it, now)) return 'overdue';
  const days = beijingDay(due) - beijingDay(now);
  if (days <= 0) return 'today';
  if (days === 1) return 'tomorrow';
  if (days < 7) return 'week';
  return 'later';
}

export interface TodoGroup {
  key: GroupKey;
  items: TodoItem[];
}

/** The items by deadline group, each group in the list's order; empty groups left out. */
export function groupTodos(items: readonly TodoItem[], now: number): TodoGroup[] {
  const by = new Map<GroupKey, TodoItem[]>();
  for (const it of sortTodos(items)) {
    const k = groupOf(it, now);
    by.set(k, [...(by.get(k) ?? []), it]);
  }
  return GROUP_ORDER.filter((k) => by.has(k)).map((k) => ({ key: k, items: by.get(k)! }));
}

/** How many are still to be done (the badge). */
export function openCount(items: readonly TodoItem[]): number {
  return items.filter((it) => it.state !== 'done').length;
}

/** Where an item leads: a notice, a message in its channel, or another path of the app. */
export type TodoTarget =
  | { kind: 'notice'; id: number }
  | { kind: 'message'; channelId: number; seq: number }
  | { kind: 'path'; path: string };

export function targetOf(it: TodoItem): TodoTarget {
  if (it.kind === 'notice') return { kind: 'notice', id: it.id };
  if (it.kind === 'message' && it.channel_id && it.seq) return { kind: 'message', channelId: it.channel_id, seq: it.seq };
  // Only a path inside the app: never another origin.
  return { kind: 'path', path: it.link.startsWith('/') && !it.link.startsWith('//') ? it.link : '/todos' };
}

/** The assigner's view: open ones first (by due), then done ones, the latest done first. */
export function splitAssigned(items: readonly TodoItem[]): { open: TodoItem[]; done: TodoItem[] } {
  const open = sortTodos(items.filter((it) => it.state !== 'done'));
  const done = items
    .filter((it) => it.state === 'done')
    .sort((a, b) => Date.parse(b.done_at ?? '') - Date.parse(a.done_at ?? ''));
  return { open, done };
}
