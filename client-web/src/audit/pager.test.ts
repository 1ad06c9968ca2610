// Keyset paging: each page asked with the previous page's next_before_id; the end is a
// page without one; an old query's late answer is dropped; a failed page can be retried.

import { describe, expect, it } from 'vitest';
import { createPager, type Page } from './pager';

type E = { id: number };
const ids = (from: number, n: number): E[] => Array.from({ length: n }, (_, i) => ({ id: from - i }));

/** A trail of `total` events (ids total…1), pages of `size`, as the server pages it. */
function server(total: number, size: number) {
  const asked: (number | undefined)[] = [];
  const fetch = async (before: number | undefined): Promise<Page<E>> => {
    asked.push(before);
    const top = before ? before - 1 : total;
    const items = ids(top, Math.max(0, Math.min(size, top)));
    return { items, next: items.length === size ? items[items.length - 1]!.id : undefined };
  };
  return { fetch, asked };
}

describe('pager', () => {
  it('walks the whole trail by before_id and stops at the end', async () => {
    const p = createPager<E>();
    const s = server(250, 100);
    await p.reset(s.fetch);
    expect(p.getState().items).toHaveLength(100);
    expect(p.getState().done).toBe(false);
    await p.more();
    await p.more();
    expect(s.asked).toEqual([undefined, 151, 51]);
    expect(p.getState().items.map((x) => x.id)).toEqual(ids(250, 250).map((x) => x.id));
    expect(p.getState().done).toBe(true);
    await p.more(); // nothing more is asked
    expect(s.asked).toHaveLength(3);
  });

  it('a full last page is followed by an empty one, which ends it', async () => {
    const p = createPager<E>();
    const s = server(200, 100);
    await p.reset(s.fetch);
    await p.more();
    expect(p.getState().done).toBe(false);
    await p.more();
    expect(p.getState().done).toBe(true);
    expect(p.getState().items).toHaveLength(200);
  });

  it('asks for one page at a time', async () => {
    const p = createPager<E>();
    const s = server(500, 100);
    await p.reset(s.fetch);
    await Promise.all([p.more(), p.more(), p.more()]);
    expect(s.asked).toEqual([undefined, 401]);
  });

  it('drops the answer of a query replaced meanwhile', async () => {
    const p = createPager<E>();
    let release!: (x: Page<E>) => void;
    const slow = () => new Promise<Page<E>>((r) => (release = r));
    const first = p.reset(slow);
    await p.reset(async () => ({ items: [{ id: 5 }], next: undefined }));
    release({ items: [{ id: 999 }], next: 998 });
    await first;
    expect(p.getState().items).toEqual([{ id: 5 }]);
    expect(p.getState().done).toBe(true);
  });

  it('keeps what it has when a page fails, and retries that page', async () => {
    const p = createPager<E>();
    const s = server(300, 100);
    let fail = false;
    await p.reset(async (b) => {
      if (fail) throw new Error('offline');
      return s.fetch(b);
    });
    fail = true;
    await p.more();
    expect(p.getState().error).toBeInstanceOf(Error);
    expect(p.getState().items).toHaveLength(100);
    fail = false;
    await p.more();
    expect(p.getState().error).toBeUndefined();
    expect(p.getState().items).toHaveLength(200);
    expect(s.asked).toEqual([undefined, 201]);
  });

  it('never shows an event twice (a page overlapping the last)', async () => {
    const p = createPager<E>();
    await p.reset(async (b) => (b ? { items: [{ id: 3 }, { id: 2 }], next: undefined } : { items: [{ id: 4 }, { id: 3 }], next: 3 }));
    await p.more();
    expect(p.getState().items.map((x) => x.id)).toEqual([4, 3, 2]);
  });

  it('replaces one item in place', async () => {
    const p = createPager<{ id: number; state: string }>();
    await p.reset(async () => ({ items: [{ id: 2, state: 'open' }, { id: 1, state: 'open' }] }));
    p.update((x) => x.id === 1, { id: 1, state: 'acked' });
    expect(p.getState().items).toEqual([{ id: 2, state: 'open' }, { id: 1, state: 'acked' }]);
  });
});
