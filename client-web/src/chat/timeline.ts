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
}

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

/** The highest seq up to which the timeline has every message from its first one:
 * what a resume asks the server to continue from. 0 when empty. */
export function heldSeq(messages: readonly Message[]): number {
  if (messages.length === 0) return 0;
  let held = messages[0]!.seq;
  for (let i = 1; i < messages.length; i++) {
    if (messages[i]!.seq !== held + 1) break;
    held = messages[i]!.seq;
  }
  return held;
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
  const touches = first === undefined || below.length === 0 || lastSeq(below) >= first - 1;
  const messages = touches ? mergeMessages(held, page) : mergeMessages(held.filter((m) => m.seq >= first), page);
  const older = touches && held.length > 0 && first !== undefined && held[0]!.seq < first ? t!.hasOlder : hasOlder;
  return { messages, hasOlder: older, loading: false, loadingOlder: false };
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
  if (page.length === 0) return { ...base, messages: held as Message[], hasOlder: t?.hasOlder ?? hasOlder, hasNewer: t?.hasNewer ?? hasNewer };
  const p0 = page[0]!.seq;
  const p1 = lastSeq(page);
  const h0 = held[0]?.seq;
  // The held part without a hole: messages past it are live ones waiting for a catch-up.
  const h1 = heldSeq(held);
  if (h0 === undefined || p1 < h0 - 1 || p0 > h1 + 1) {
    // At the live end, live messages that came after the page was answered stay.
    const messages = hasNewer ? [...page] : mergeMessages(page, held.filter((m) => m.seq > p1));
    return { ...base, messages, hasOlder, hasNewer };
  }
  const newer = p1 >= h1 ? hasNewer : Boolean(t!.hasNewer);
  const merged = mergeMessages(held, page);
  return {
    ...base,
    // Short of the live end nothing is kept past the first hole.
    messages: newer ? merged.slice(0, heldSeq(merged) - merged[0]!.seq + 1) : merged,
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
