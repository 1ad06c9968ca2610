import { describe, expect, it } from 'vitest';
import { msg, msgs } from './testkit';
import { EMPTY_TIMELINE, findMessage, heldOf, heldSeq, isGone, keepsLive, lastSeq, mergeMessages, mergeRanges, pageGaps, rangesOf, withAroundPage, withGone, withNewerPage, withNewestPage, withOlderPage, type Timeline } from './timeline';
import type { Message } from './types';

const seqs = (ms: readonly Message[]) => ms.map((m) => m.seq);
const tl = (messages: Message[], hasOlder = false): Timeline => ({ messages, hasOlder, loading: false, loadingOlder: false });

const RECALLED = { text: '', recalled_at: '2026-11-24T01:17:05Z', recalled_by: 3 };

describe('mergeMessages', () => {
  it('inserts by seq without duplicates, whatever the order of arrival', () => {
    const held = [msg(1), msg(2), msg(5)];
    const out = mergeMessages(held, [msg(4), msg(2), msg(3), msg(6), msg(6)]);
    expect(seqs(out)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('returns the held array untouched when nothing comes in', () => {
    const held = [msg(1)];
    expect(mergeMessages(held, [])).toBe(held);
  });

  it('does not change its inputs', () => {
    const held = [msg(1), msg(3)];
    mergeMessages(held, [msg(2)]);
    expect(seqs(held)).toEqual([1, 3]);
  });

  const cases: { name: string; held: Partial<Message>; incoming: Partial<Message>; wins: 'held' | 'incoming' }[] = [
    { name: 'a recall wins over a later stale page', held: RECALLED, incoming: {}, wins: 'held' },
    { name: 'a recall wins over a stale edited copy', held: RECALLED, incoming: { text: '改', edited_at: '2026-11-24T02:00:00Z' }, wins: 'held' },
    { name: 'a recall replaces the original', held: {}, incoming: RECALLED, wins: 'incoming' },
    { name: 'an edit replaces the original', held: {}, incoming: { text: '改', edited_at: '2026-11-24T01:15:00Z' }, wins: 'incoming' },
    { name: 'the original does not undo an edit', held: { text: '改', edited_at: '2026-11-24T01:15:00Z' }, incoming: {}, wins: 'held' },
    {
      name: 'the later edit wins',
      held: { text: '第二次', edited_at: '2026-11-24T01:20:00Z' },
      incoming: { text: '第一次', edited_at: '2026-11-24T01:15:00Z' },
      wins: 'held',
    },
    {
      name: 'a later edit replaces an earlier one',
      held: { text: '第一次', edited_at: '2026-11-24T01:15:00Z' },
      incoming: { text: '第二次', edited_at: '2026-11-24T01:20:00Z' },
      wins: 'incoming',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const held = msg(7, c.held);
      const incoming = msg(7, c.incoming);
      const out = mergeMessages([msg(6), held], [incoming]);
      expect(out).toHaveLength(2);
      expect(out[1]).toBe(c.wins === 'held' ? held : incoming);
    });
  }
});

describe('heldSeq', () => {
  const cases: { name: string; seqs: number[]; held: number }[] = [
    { name: 'empty', seqs: [], held: 0 },
    { name: 'one message', seqs: [7], held: 7 },
    { name: 'contiguous', seqs: [1, 2, 3, 4], held: 4 },
    { name: 'contiguous from a later start (newest page only)', seqs: [40, 41, 42], held: 42 },
    { name: 'a hole stops it', seqs: [1, 2, 3, 5, 6], held: 3 },
    { name: 'a hole right after the first', seqs: [10, 12, 13], held: 10 },
    { name: 'several holes', seqs: [1, 3, 5], held: 1 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const ms = c.seqs.map((s) => msg(s));
      expect(heldSeq(ms)).toBe(c.held);
    });
  }

  it('lastSeq is the newest seq held, holes or not', () => {
    expect(lastSeq([])).toBe(0);
    expect(lastSeq([msg(1), msg(2), msg(9)])).toBe(9);
  });
});

describe('withNewestPage', () => {
  it('fills an empty (loading) timeline', () => {
    const t = withNewestPage(EMPTY_TIMELINE, msgs(51, 100), true);
    expect(seqs(t.messages)).toEqual(seqs(msgs(51, 100)));
    expect(t).toMatchObject({ hasOlder: true, loading: false, loadingOlder: false });
  });

  it('works without a timeline at all', () => {
    const t = withNewestPage(undefined, msgs(1, 3), false);
    expect(seqs(t.messages)).toEqual([1, 2, 3]);
    expect(t.hasOlder).toBe(false);
  });

  it('an empty channel gives an empty, loaded timeline', () => {
    expect(withNewestPage(EMPTY_TIMELINE, [], false)).toEqual({ messages: [], hasOlder: false, loading: false, loadingOlder: false });
  });

  it('merges a page that overlaps what is held, keeping older history and its hasOlder', () => {
    const t = withNewestPage(tl(msgs(1, 60), false), msgs(41, 90), true);
    expect(seqs(t.messages)).toEqual(seqs(msgs(1, 90)));
    // The page says there are older ones; they are held already, from seq 1.
    expect(t.hasOlder).toBe(false);
  });

  it('merges a page that starts right after what is held', () => {
    const t = withNewestPage(tl(msgs(1, 50), false), msgs(51, 100), true);
    expect(seqs(t.messages)).toEqual(seqs(msgs(1, 100)));
    expect(t.hasOlder).toBe(false);
  });

  it('replaces held messages the page does not touch, so no hole is left in the middle', () => {
    const t = withNewestPage(tl(msgs(1, 50), false), msgs(151, 200), true);
    expect(seqs(t.messages)).toEqual(seqs(msgs(151, 200)));
    expect(t.hasOlder).toBe(true);
  });

  it('a live message newer than the page does not make an old part count as touching', () => {
    // Held: 1..50 and a live 201 that arrived while the newest page (151..200) was on its way.
    const t = withNewestPage(tl([...msgs(1, 50), msg(201)], false), msgs(151, 200), true);
    expect(heldSeq(t.messages)).toBe(201);
    expect(seqs(t.messages)).toEqual(seqs(msgs(151, 201)));
    expect(t.hasOlder).toBe(true);
  });

  it('a recall held live survives the newest page that still has the text', () => {
    const recalled = msg(100, RECALLED);
    const t = withNewestPage(tl([...msgs(51, 99), recalled], true), msgs(51, 100), true);
    expect(findMessage(t, 100)).toBe(recalled);
  });
});

describe('withOlderPage', () => {
  it('prepends an older page and takes its hasOlder', () => {
    const t = withOlderPage({ ...tl(msgs(51, 100), true), loadingOlder: true }, msgs(1, 50), false);
    expect(seqs(t.messages)).toEqual(seqs(msgs(1, 100)));
    expect(t).toMatchObject({ hasOlder: false, loadingOlder: false, loading: false });
  });
});

describe('findMessage', () => {
  const t = tl([msg(3), msg(5), msg(8), msg(13)]);
  for (const s of [3, 5, 8, 13]) it(`finds seq ${s}`, () => expect(findMessage(t, s)?.seq).toBe(s));
  for (const s of [0, 4, 14]) it(`misses seq ${s}`, () => expect(findMessage(t, s)).toBeUndefined());
  it('misses in no timeline', () => expect(findMessage(undefined, 1)).toBeUndefined());
});

describe('opening at a message (around)', () => {
  const range = (a: number, b: number) => msgs(a, b);

  it('replaces a timeline it does not touch, and stops short of the live end', () => {
    const live = tl(range(151, 200), true);
    const out = withAroundPage(live, range(26, 75), true, true);
    expect(seqs(out.messages)).toEqual(seqs(range(26, 75)));
    expect(out.hasOlder).toBe(true);
    expect(out.hasNewer).toBe(true);
    expect(out.loading).toBe(false);
  });

  it('joins a timeline it overlaps, keeping the older side the held one knew', () => {
    const live = tl(range(151, 200), true);
    const out = withAroundPage(live, range(126, 175), true, true);
    expect(seqs(out.messages)).toEqual(seqs(range(126, 200)));
    expect(out.hasOlder).toBe(true);
    expect(out.hasNewer).toBe(false); // the held part reached the live end
  });

  it('joins a timeline it only touches, without a hole', () => {
    const live = tl(range(51, 100), true);
    const out = withAroundPage(live, range(1, 50), false, true);
    expect(heldSeq(out.messages)).toBe(100);
    expect(out.hasOlder).toBe(false);
    expect(out.hasNewer).toBe(false);
  });

  it('keeps live messages that arrived after a page that reaches the end', () => {
    const loadingWithLive: Timeline = { ...EMPTY_TIMELINE, messages: [msg(201)] };
    const out = withAroundPage(loadingWithLive, range(151, 200), true, false);
    expect(lastSeq(out.messages)).toBe(201);
    expect(heldSeq(out.messages)).toBe(201);
  });

  it('drops what lies past a hole while short of the live end', () => {
    const detached: Timeline = { ...tl([...range(26, 75), msg(90)], true), hasNewer: true };
    const out = withAroundPage(detached, range(50, 60), true, true);
    expect(seqs(out.messages)).toEqual(seqs(range(26, 75)));
    expect(out.hasNewer).toBe(true);
  });

  it('an empty answer leaves the timeline as it was', () => {
    const held = tl(range(1, 10));
    const out = withAroundPage(held, [], false, false);
    expect(seqs(out.messages)).toEqual(seqs(range(1, 10)));
  });

  it('pages newer until it joins the live end, without holes or duplicates', () => {
    let t = withAroundPage(undefined, range(26, 75), true, true);
    // Live messages beyond the window are not kept while detached; edits of held ones are.
    expect(keepsLive(t, 201)).toBe(false);
    expect(keepsLive(t, 70)).toBe(true);
    for (let from = 75; t.hasNewer; from += 50) {
      const page = range(from + 1, Math.min(from + 50, 200));
      t = withNewerPage(t, page, lastSeq(page) < 200);
      expect(heldSeq(t.messages)).toBe(lastSeq(t.messages));
    }
    expect(seqs(t.messages)).toEqual(seqs(range(26, 200)));
    expect(keepsLive(t, 201)).toBe(true);
    // And older, down to the start.
    t = withOlderPage(t, range(1, 25), false);
    expect(seqs(t.messages)).toEqual(seqs(range(1, 200)));
    expect(t.hasOlder).toBe(false);
  });

  it('the newest page after opening elsewhere goes back to the live end', () => {
    const detached = withAroundPage(undefined, range(26, 75), true, true);
    const out = withNewestPage(detached, range(151, 200), true);
    expect(seqs(out.messages)).toEqual(seqs(range(151, 200)));
    expect(out.hasNewer).toBeFalsy();
  });
});

describe('deleted seqs (retention)', () => {
  it('turns seqs into merged ranges and finds a page’s holes', () => {
    expect(rangesOf([9, 3, 4, 5, 5])).toEqual([
      [3, 5],
      [9, 9],
    ]);
    expect(mergeRanges([[3, 5]], [[6, 8], [1, 1]])).toEqual([
      [1, 1],
      [3, 8],
    ]);
    const page = msgs(1, 10).filter((m) => ![3, 4, 8].includes(m.seq));
    expect(pageGaps(page, 1, 10)).toEqual([
      [3, 4],
      [8, 8],
    ]);
    // An after=X page: what lies between X and its first message is gone too.
    expect(pageGaps(msgs(5, 6), 2, 6)).toEqual([[2, 4]]);
  });

  it('counts known-deleted seqs as held, so a resume passes over them', () => {
    const held = msgs(1, 10).filter((m) => ![4, 5].includes(m.seq));
    expect(heldSeq(held)).toBe(3);
    expect(heldSeq(held, [[4, 5]])).toBe(10);
    // Deleted right after the last message held.
    expect(heldSeq(msgs(1, 10), [[11, 14]])).toBe(14);
  });

  it('withGone drops the messages and remembers the seqs; a quote to one says so', () => {
    const t = withGone({ messages: msgs(1, 10), hasOlder: false, loading: false, loadingOlder: false }, [[2, 3]]);
    expect(t.messages.map((m) => m.seq)).toEqual([1, 4, 5, 6, 7, 8, 9, 10]);
    expect(isGone(t, 3)).toBe(true);
    expect(isGone(t, 4)).toBe(false);
    expect(heldOf(t)).toBe(10);
  });

  it('a newest page that skips deleted seqs still touches what is held', () => {
    const held: Timeline = { messages: msgs(1, 10), hasOlder: false, loading: false, loadingOlder: false, gone: [[11, 12]] };
    const t = withNewestPage(held, msgs(13, 20), true);
    expect(t.messages.map((m) => m.seq)).toEqual([...msgs(1, 10), ...msgs(13, 20)].map((m) => m.seq));
    expect(t.hasOlder).toBe(false);
  });
});
