// A channel's timeline as the client holds it: messages ascending by seq, no duplicates,
// possibly with holes while a catch-up is on its way. Pure functions, so that the merge
// rules (the heart of "no gap, no duplicate") are tested on their own.

import type { Message } from './types';

export interface Timeline {
  messages: Message[];
  /** The server has messages older than the first one held. */
  hasOlder: boolean;
  loading: boolean;
  loadingOlder: boolean;
  /** Opened at a message (a search hit) short of the live end: the server has messages
   * newer than the last one held, loaded page by page as the reader scrolls down. While
   * set, live messages beyond the last one held are not kept (they would leave a hole). */
  hasNewer?: boolean;
  loadingNewer?: boolean;
  /** Seqs known to be deleted (retention: an `expired` frame, or missing from a page the
   * server answered, §7.7), as sorted, merged, inclusive ranges: a hole there is not a
   * gap to catch up, and a reply to one says the original was deleted. */
  gone?: Range[];
}

/** An inclusive range of seqs [from, to]. */
export type Range = readonly [number, number];

export const EMPTY_TIMELINE: Timeline = { messages: [], hasOlder: false, loading: true, loadingOlder: false };

/** Inserts or replaces messages by seq; the newer version of a message (edited,
 * recalled) wins over an older copy, so a late history page cannot undo a live recall. */
export function mergeMessages(held: readonly Message[], incoming: readonly Message[]): Message[] {
  if (incoming.length === 0) return held as Message[];
  const bySeq = new Map<number, Message>();
  for (const m of held) bySeq.set(m.seq, m);
  for (const m of incoming) {
    const old = bySeq.get(m.seq);
    bySeq.set(m.seq, old ? newer(old, m) : m);
  }
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

function stamp(m: Message): number {
  // A recall is final; otherwise the later edit is the newer version.
  if (m.recalled_at) return Number.MAX_SAFE_INTEGER;
  return m.edited_at ? Date.parse(m.edited_at) : 0;
}

function newer(a: Message, b: Message): Message {
  return stamp(b) >= stamp(a) ? b : a;
}

/** The highest seq up to which the timeline has every message from its first one (seqs
 * known deleted count as had): what a resume asks the server to continue from. 0 when
 * empty. */
export function heldSeq(messages: readonly Message[], gone: readonly Range[] = []): number {
  if (messages.length === 0) return 0;
  let held = messages[0]!.seq;
  for (let i = 1; i < messages.length; i++) {
    const next = messages[i]!.seq;
    if (next !== held + 1 && !covered(gone, held + 1, next - 1)) break;
    held = next;
  }
  // Deleted right after the last one held: nothing to catch up there either.
  const after = gone.find((r) => r[0] <= held + 1 && r[1] > held);
  return after ? after[1] : held;
}

/** heldSeq of a timeline. */
export function heldOf(t: Timeline): number {
  return heldSeq(t.messages, t.gone);
}

/** Whether every seq in [from, to] is known deleted (merged ranges: one holds them all). */
export function covered(gone: readonly Range[] | undefined, from: number, to: number): boolean {
  if (from > to) return true;
  return (gone ?? []).some((r) => r[0] <= from && r[1] >= to);
}

export function isGone(t: Timeline | undefined, seq: number): boolean {
  return covered(t?.gone, seq, seq);
}

/** Sorted seqs as ranges: [3,4,5,9] → [[3,5],[9,9]]. */
export function rangesOf(seqs: readonly number[]): Range[] {
  const sorted = [...new Set(seqs)].filter(Number.isSafeInteger).sort((a, b) => a - b);
  const out: [number, number][] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s === last[1] + 1) last[1] = s;
    else out.push([s, s]);
  }
  return out;
}

/** Two sets of ranges as one, sorted and merged (touching ranges join). */
export function mergeRanges(a: readonly Range[], b: readonly Range[]): Range[] {
  const all = [...a, ...b].map((r) => [r[0], r[1]] as [number, number]).sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const r of all) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else out.push(r);
  }
  return out;
}

/** The seqs in [lo, hi] that a page the server answered does not hold: deleted (§7.7:
 * no tombstones are kept, so a hole inside an answered range is a deletion). */
export function pageGaps(page: readonly Message[], lo: number, hi: number): Range[] {
  const gaps: [number, number][] = [];
  let at = lo;
  for (const m of page) {
    if (m.seq < lo || m.seq > hi) continue;
    if (m.seq > at) gaps.push([at, m.seq - 1]);
    at = Math.max(at, m.seq + 1);
  }
  if (at <= hi) gaps.push([at, hi]);
  return gaps;
}

/** Seqs deleted: their messages leave the timeline and the seqs are remembered as gone.
 * Applied before a page is merged, so the merge already knows the page's holes. (The
 * ranges live as long as the timeline: at most about one per message a page held.) */
export function withGone(t: Timeline, ranges: readonly Range[]): Timeline {
  if (ranges.length === 0) return t;
  const messages = t.messages.filter((m) => !covered(ranges, m.seq, m.seq));
  return { ...t, messages, gone: mergeRanges(t.gone ?? [], ranges) };
}

/** What an answered page says was deleted: the seqs of [lo, hi] it does not hold (lo and
 * hi default to the page's own lowest and highest seq). */
export function withPageGaps(t: Timeline, page: readonly Message[], lo?: number, hi?: number): Timeline {
  if (page.length === 0 && (lo === undefined || hi === undefined)) return t;
  const from = lo ?? page[0]!.seq;
  const to = hi ?? page[page.length - 1]!.seq;
  return withGone(t, pageGaps(page, from, to));
}

export function lastSeq(messages: readonly Message[]): number {
  return messages.length ? messages[messages.length - 1]!.seq : 0;
}

/** Adds the newest page of a channel. When it does not touch what is held (more was
 * missed than a page), the held messages older than the page are dropped: keeping them
 * would leave a hole in the middle of the timeline that scrolling could never fill.
 * Messages newer than the page (live ones that came while it was on its way) stay. */
export function withNewestPage(t: Timeline | undefined, page: readonly Message[], hasOlder: boolean): Timeline {
  const held = t?.messages ?? [];
  const first = page[0]?.seq;
  // Whether the page touches is decided by the held messages older than it: a live
  // message newer than the page must not hide a hole below the page.
  const below = first === undefined ? held : held.filter((m) => m.seq < first);
  const touches = first === undefined || below.length === 0 || lastSeq(below) >= first - 1 || covered(t?.gone, lastSeq(below) + 1, first - 1);
  const messages = touches ? mergeMessages(held, page) : mergeMessages(held.filter((m) => m.seq >= first), page);
  const older = touches && held.length > 0 && first !== undefined && held[0]!.seq < first ? t!.hasOlder : hasOlder;
  return { ...(t?.gone ? { gone: t.gone } : {}), messages, hasOlder: older, loading: false, loadingOlder: false };
}

export function withOlderPage(t: Timeline, page: readonly Message[], hasOlder: boolean): Timeline {
  return { ...t, messages: mergeMessages(t.messages, page), hasOlder, loadingOlder: false };
}

export function findMessage(t: Timeline | undefined, seq: number): Message | undefined {
  if (!t) return undefined;
  // Binary search: timelines are sorted by seq.
  let lo = 0;
  let hi = t.messages.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const m = t.messages[mid]!;
    if (m.seq === seq) return m;
    if (m.seq < seq) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

/** The messages around one (GET …/messages?around=SEQ) join what is held when the two
 * touch or overlap, so no hole opens; otherwise they replace it — the held messages
 * are elsewhere in the channel, and keeping both would leave a hole between them. */
export function withAroundPage(
  t: Timeline | undefined,
  page: readonly Message[],
  hasOlder: boolean,
  hasNewer: boolean,
): Timeline {
  const held = t?.messages ?? [];
  const base = { loading: false, loadingOlder: false, loadingNewer: false };
  if (page.length === 0) return { ...base, ...(t?.gone ? { gone: t.gone } : {}), messages: held as Message[], hasOlder: t?.hasOlder ?? hasOlder, hasNewer: t?.hasNewer ?? hasNewer };
  const p0 = page[0]!.seq;
  const p1 = lastSeq(page);
  const h0 = held[0]?.seq;
  // The held part without a hole: messages past it are live ones waiting for a catch-up.
  const h1 = heldSeq(held, t?.gone);
  if (h0 === undefined || p1 < h0 - 1 || p0 > h1 + 1) {
    // At the live end, live messages that came after the page was answered stay.
    const messages = hasNewer ? [...page] : mergeMessages(page, held.filter((m) => m.seq > p1));
    return { ...base, ...(t?.gone ? { gone: t.gone } : {}), messages, hasOlder, hasNewer };
  }
  const newer = p1 >= h1 ? hasNewer : Boolean(t!.hasNewer);
  const merged = mergeMessages(held, page);
  return {
    ...base,
    // Short of the live end nothing is kept past the first hole.
    messages: newer ? merged.filter((m) => m.seq <= heldSeq(merged, t!.gone)) : merged,
    ...(t!.gone ? { gone: t!.gone } : {}),
    hasOlder: p0 <= h0 ? hasOlder : t!.hasOlder,
    hasNewer: newer,
  };
}

/** A page of newer messages (…/messages?after=<last held>): when the server has none
 * beyond it, the timeline has reached the live end again. */
export function withNewerPage(t: Timeline, page: readonly Message[], hasNewer: boolean): Timeline {
  return { ...t, messages: mergeMessages(t.messages, page), hasNewer, loadingNewer: false };
}

/** Whether a live message goes into the timeline: always, unless the timeline stops
 * short of the live end and the message lies beyond what is held (a newer page will
 * bring it, in order). Edits and recalls of held messages always go in. */
export function keepsLive(t: Timeline, seq: number): boolean {
  return !t.hasNewer || seq <= lastSeq(t.messages);
}
