// Reactions as the screens show them, worked out from a message and the server's allowed
// set: the chips with counts, whose they are, the optimistic toggle, and the curated
// emoji of the composer's panel. Pure, so it is tested without a browser.

import type { Message, Reaction } from '../chat/types';

export interface Chip {
  reaction: string;
  count: number;
  /** The person reacted with it: the chip is highlighted and a click takes it back. */
  mine: boolean;
  userIds: number[];
}

/** The chips under a message, in the order the server sends (its allowed set's). Only
 * reactions someone holds; with `allowed` known, only those still allowed. */
export function chipsOf(m: Pick<Message, 'reactions'>, meId: number, allowed?: readonly string[]): Chip[] {
  const out: Chip[] = [];
  for (const r of m.reactions ?? []) {
    if (!r || typeof r.reaction !== 'string' || !Array.isArray(r.user_ids) || r.user_ids.length === 0) continue;
    if (allowed && !allowed.includes(r.reaction)) continue;
    out.push({ reaction: r.reaction, count: r.user_ids.length, mine: r.user_ids.includes(meId), userIds: r.user_ids });
  }
  return out;
}

export function holds(m: Pick<Message, 'reactions'>, meId: number, reaction: string): boolean {
  return !!m.reactions?.some((r) => r.reaction === reaction && r.user_ids.includes(meId));
}

/** The reactions after the person adds (on) or removes one, as the server will answer:
 * in the allowed set's order, the person last among those who gave it, none left empty. */
export function toggled(reactions: readonly Reaction[] | undefined, allowed: readonly string[], meId: number, reaction: string, on: boolean): Reaction[] {
  const by = new Map<string, number[]>();
  for (const r of reactions ?? []) by.set(r.reaction, r.user_ids.filter((id) => id !== meId || r.reaction !== reaction));
  if (on) by.set(reaction, [...(by.get(reaction) ?? []), meId]);
  const order = [...allowed, ...[...by.keys()].filter((k) => !allowed.includes(k))];
  const out: Reaction[] = [];
  for (const k of order) {
    const ids = by.get(k);
    if (ids && ids.length > 0) out.push({ reaction: k, user_ids: ids });
  }
  return out;
}

/** Whether a message takes reactions: a person's message, not recalled, not a system line. */
export function canReact(m: Message): boolean {
  return !m.recalled_at && m.kind !== 'system';
}

/** Who gave a reaction, as names: the first `max` and how many more. */
export function whoReacted(userIds: readonly number[], nameOf: (id: number) => string, max = 20): { names: string[]; more: number } {
  return { names: userIds.slice(0, max).map(nameOf), more: Math.max(0, userIds.length - max) };
}

/** Puts `insert` in place of the selection [start, end) of `text`; the caret after it. */
export function insertAtCaret(text: string, start: number, end: number, insert: string): { text: string; caret: number } {
  const a = Math.max(0, Math.min(start, text.length));
  const b = Math.max(a, Math.min(end, text.length));
  return { text: text.slice(0, a) + insert + text.slice(b), caret: a + insert.length };
}

/** The composer's emoji: a small set of what office chat uses, as text, in rows of eight. */
export const EMOJI: readonly string[] = [
  '😀', '😄', '😂', '🙂', '😊', '😉', '😍', '🤔',
  '😅', '😭', '😮', '😴', '👍', '👌', '👏', '🙏',
  '💪', '🤝', '✌️', '👋', '🎉', '🌹', '❤️', '🔥',
  '✅', '❌', '⭕', '❗', '❓', '⚠️', '💯', '📌',
  '📎', '📅', '⏰', '📞', '📄', '☕', '🌞', '🌙',
];
export const EMOJI_COLUMNS = 8;

/** The index the arrow keys, Home and End move to in a grid of `n` items. */
export function gridMove(i: number, key: string, n: number, columns = EMOJI_COLUMNS): number | undefined {
  switch (key) {
    case 'ArrowRight':
      return Math.min(n - 1, i + 1);
    case 'ArrowLeft':
      return Math.max(0, i - 1);
    case 'ArrowDown':
      return i + columns < n ? i + columns : i;
    case 'ArrowUp':
      return i - columns >= 0 ? i - columns : i;
    case 'Home':
      return 0;
    case 'End':
      return n - 1;
  }
  return undefined;
}
