import { describe, expect, it } from 'vitest';
import { createRequest } from '../api';
import { err, fakeFetch, type Handler } from '../testing';
import { createNoticeStore, pendingCount, pinnedIn, TALLY_DEBOUNCE_MS } from './store';
import { notice, tally } from './testkit';
import type { Notice } from './types';

/** Timers run by hand. */
function clock(start = Date.parse('2026-11-23T02:00:00Z')) {
  let now = start;
  let seq = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => now,
    setTimeout: (fn: () => void, ms: number) => {
      timers.set(++seq, { at: now + ms, fn });
      return seq;
    },
    clearTimeout: (id: unknown) => void timers.delete(id as number),
    async advance(ms: number) {
      now += ms;
      for (const [id, t] of [...timers].sort((a, b) => a[1].at - b[1].at)) {
        if (t.at <= now) {
          timers.delete(id);
          t.fn();
        }
      }
      await settle();
    },
    pending: () => timers.size,
  };
}

const settle = () => new Promise((r) => setTimeout(r, 0));
const frame = (data: unknown) => ({ v: 1, type: 'notice', data });

function setup(routes: Record<string, Handler>) {
  const { fetch, calls } = fakeFetch(routes);
  const c = clock();
  const store = createNoticeStore({ request: createRequest(fetch), meId: 5, now: c.now, setTimeout: c.setTimeout, clearTimeout: c.clearTimeout });
  const count = (method: string, url: string) => calls.filter((x) => x.method === method && x.url === '/api/v1' + url).length;
  return { store, calls, clock: c, count };
}

const PENDING = 'GET /api/v1/notices?box=pending&limit=200';

describe('the 待确认 list', () => {
  it('loads on start, counts, and pins by channel', async () => {
    const list: Notice[] = [
      notice({ id: 1, channels: [10], deadline: '2026-11-30T09:00:00Z' }),
      notice({ id: 2, channels: [10, 11], deadline: '2026-11-25T09:00:00Z' }),
      notice({ id: 3, channels: [10], priority: 'urgent' }),
      notice({ id: 4, channels: [11] }),
    ];
    const esc = { notice_id: 9, title: '旧通知', deadline: '2026-11-20T09:00:00Z', people: [{ user_id: 6, username: 'liuyang', display_name: '刘洋' }], created_at: 'x' };
    const { store } = setup({ [PENDING]: () => ({ status: 200, body: { notices: list, has_more: false, escalations: [esc] } }) });
    store.start();
    await settle();
    const s = store.getState();
    expect(pendingCount(s)).toBe(4);
    expect(s.escalations).toEqual([esc]);
    expect(pinnedIn(s, 10).map((n) => n.id)).toEqual([3, 2, 1]);
    expect(pinnedIn(s, 11).map((n) => n.id)).toEqual([2, 4]);
    expect(pinnedIn(s, 12)).toEqual([]);
  });

  it('follows has_more to fetch the whole list', async () => {
    const { store, count } = setup({
      [PENDING]: () => ({ status: 200, body: { notices: [notice({ id: 9 }), notice({ id: 8 })], has_more: true } }),
      'GET /api/v1/notices?box=pending&before=8&limit=200': () => ({ status: 200, body: { notices: [notice({ id: 3 })], has_more: false } }),
    });
    await store.loadBox('pending');
    expect(store.getState().pending.items.map((n) => n.id)).toEqual([9, 8, 3]);
    expect(count('GET', '/notices?box=pending&limit=200')).toBe(1);
  });

  it('keeps the list and shows the error when loading fails', async () => {
    const { store } = setup({ [PENDING]: () => ({ status: 503, body: err('unavailable') }) });
    await store.loadBox('pending');
    expect(store.getState().pending.error?.code).toBe('unavailable');
  });
});

describe('opening and confirming', () => {
  it('opens a notice, says seen once, confirms, and unpins it', async () => {
    let n = notice({ id: 7 });
    const { store, calls } = setup({
      [PENDING]: () => ({ status: 200, body: { notices: n.pending ? [n] : [], has_more: false } }),
      'GET /api/v1/notices/7': () => ({ status: 200, body: n }),
      'GET /api/v1/notices/7/revisions': () => ({ status: 200, body: { revisions: [{ revision: 1, title: n.title, body: n.body, created_at: n.created_at }] } }),
      'POST /api/v1/notices/7/seen': () => ({ status: 200, body: { delivered_at: 'd', seen_at: 's', seen_revision: 1 } }),
      'POST /api/v1/notices/7/confirm': () => {
        n = { ...n, pending: false };
        return { status: 200, body: { delivered_at: 'd', seen_at: 's', seen_revision: 1, confirmed_at: '2026-11-23T02:05:00Z', confirmed_revision: 1, reply: '已安排' } };
      },
    });
    await store.loadBox('pending');
    await store.open(7);
    await settle();
    let s = store.getState();
    expect(s.open?.notice?.receipt?.seen_revision).toBe(1);
    expect(s.open?.revisions).toHaveLength(1);
    expect(s.tally).toBeUndefined();
    expect(calls.filter((c) => c.url.endsWith('/seen'))).toHaveLength(1);
    expect(await store.confirm('已安排')).toBe(true);
    s = store.getState();
    expect(calls.at(-1)!.body).toEqual({ revision: 1, reply: '已安排' });
    expect(s.open?.notice?.pending).toBe(false);
    expect(s.open?.notice?.receipt?.confirmed_revision).toBe(1);
    expect(pendingCount(s)).toBe(0);
    expect(pinnedIn(s, 10)).toEqual([]);
  });

  it('reloads and shows the change when the confirmation was of a stale revision', async () => {
    let n = notice({ id: 7, receipt: { delivered_at: 'd', seen_at: 's', seen_revision: 1 } });
    const { store } = setup({
      [PENDING]: () => ({ status: 200, body: { notices: [n], has_more: false } }),
      'GET /api/v1/notices/7': () => ({ status: 200, body: n }),
      'GET /api/v1/notices/7/revisions': () => ({ status: 200, body: { revisions: [] } }),
      'POST /api/v1/notices/7/seen': () => ({ status: 200, body: { delivered_at: 'd', seen_at: 's2', seen_revision: 2 } }),
      'POST /api/v1/notices/7/confirm': () => {
        n = { ...n, revision: 2, change_note: '截止时间延后' };
        return { status: 409, body: err('stale_revision') };
      },
    });
    await store.open(7);
    expect(await store.confirm()).toBe(false);
    await settle();
    const s = store.getState();
    expect(s.errors.confirm?.code).toBe('stale_revision');
    expect(s.open?.staleFrom).toBe(1);
    expect(s.open?.notice?.revision).toBe(2);
    expect(s.open?.notice?.receipt?.seen_revision).toBe(2);
  });

  it('loads the tally for those who may see it, and filters it', async () => {
    const n = notice({ id: 7, receipt: undefined, pending: false, can_tally: true, can_manage: true });
    const { store, calls } = setup({
      'GET /api/v1/notices/7': () => ({ status: 200, body: n }),
      'GET /api/v1/notices/7/revisions': () => ({ status: 200, body: { revisions: [] } }),
      'GET /api/v1/notices/7/tally': () => ({ status: 200, body: tally() }),
      'GET /api/v1/notices/7/tally?state=unseen&department=3': () => ({ status: 200, body: tally({ confirmed: 0 }) }),
    });
    await store.open(7);
    await settle();
    expect(store.getState().tally?.data?.total).toBe(3);
    expect(calls.some((c) => c.url.endsWith('/seen'))).toBe(false);
    await store.setTallyFilter({ state: 'unseen', department: 3 });
    expect(store.getState().tally?.data?.confirmed).toBe(0);
    expect(store.getState().tally?.filter).toEqual({ state: 'unseen', department: 3 });
  });
});

describe('notice frames', () => {
  it('refreshes the tally at most twice a second under a flood of receipts', async () => {
    const n = notice({ id: 7, receipt: undefined, pending: false, can_tally: true, can_manage: true });
    const { store, clock, count } = setup({
      [PENDING]: () => ({ status: 200, body: { notices: [], has_more: false } }),
      'GET /api/v1/notices/7': () => ({ status: 200, body: n }),
      'GET /api/v1/notices/7/revisions': () => ({ status: 200, body: { revisions: [] } }),
      'GET /api/v1/notices/7/tally': () => ({ status: 200, body: tally() }),
    });
    await store.open(7);
    await settle();
    expect(count('GET', '/notices/7/tally')).toBe(1);
    // 1,000 confirmations in one second: ten every 10 ms.
    for (let i = 0; i < 100; i++) {
      for (let j = 0; j < 10; j++) store.handleFrame(frame({ notice_id: 7, event: 'receipt', revision: 1 }));
      await clock.advance(10);
    }
    await clock.advance(TALLY_DEBOUNCE_MS);
    const tallies = count('GET', '/notices/7/tally') - 1;
    expect(tallies).toBeGreaterThanOrEqual(2);
    expect(tallies).toBeLessThanOrEqual(3);
    // Receipts of other notices, and other frame types, cost nothing.
    store.handleFrame(frame({ notice_id: 8, event: 'receipt', revision: 1 }));
    store.handleFrame({ v: 1, type: 'message', data: { notice_id: 7, event: 'receipt' } });
    expect(clock.pending()).toBe(0);
  });

  it('refreshes the lists and the open notice on published, revised and withdrawn', async () => {
    let n = notice({ id: 7, receipt: { delivered_at: 'd', seen_revision: 1 } });
    const { store, clock, count } = setup({
      [PENDING]: () => ({ status: 200, body: { notices: [n], has_more: false } }),
      'GET /api/v1/notices?box=received&limit=50': () => ({ status: 200, body: { notices: [n], has_more: false } }),
      'GET /api/v1/notices/7': () => ({ status: 200, body: n }),
      'GET /api/v1/notices/7/revisions': () => ({ status: 200, body: { revisions: [] } }),
      'POST /api/v1/notices/7/seen': () => ({ status: 200, body: { delivered_at: 'd', seen_revision: n.revision } }),
    });
    await store.loadBox('received');
    await store.open(7);
    const before = count('GET', '/notices?box=pending&limit=200');
    n = { ...n, revision: 2 };
    store.handleFrame(frame({ notice_id: 7, event: 'revised', revision: 2 }));
    store.handleFrame(frame({ notice_id: 7, event: 'revised', revision: 2 }));
    await clock.advance(200);
    expect(count('GET', '/notices?box=pending&limit=200')).toBe(before + 1);
    expect(count('GET', '/notices?box=received&limit=50')).toBe(2);
    expect(store.getState().open?.notice?.revision).toBe(2);
    n = { ...n, status: 'withdrawn', pending: false, withdraw_reason: '重复' };
    store.handleFrame(frame({ notice_id: 7, event: 'withdrawn', revision: 2 }));
    await clock.advance(200);
    expect(store.getState().open?.notice?.status).toBe('withdrawn');
  });

  it('keeps a reminder for the UI until the notice is confirmed', async () => {
    const n = notice({ id: 7 });
    const { store, clock } = setup({ [PENDING]: () => ({ status: 200, body: { notices: [n], has_more: false } }) });
    await store.loadBox('pending');
    store.handleFrame(frame({ notice_id: 7, event: 'reminder', revision: 1, title: '关于报送预算的通知', priority: 'urgent' }));
    store.handleFrame(frame({ notice_id: 7, event: 'reminder', revision: 1, title: '关于报送预算的通知' }));
    await clock.advance(200);
    const r = store.getState().reminders;
    expect(r).toHaveLength(1);
    expect(r[0]).toMatchObject({ noticeId: 7, title: '关于报送预算的通知' });
    store.dismissReminder(r[0]!.key);
    expect(store.getState().reminders).toEqual([]);
  });

  it('refreshes the pending list on an escalation', async () => {
    const { store, clock, count } = setup({ [PENDING]: () => ({ status: 200, body: { notices: [], has_more: false } }) });
    store.handleFrame(frame({ notice_id: 7, event: 'escalation', revision: 1 }));
    await clock.advance(200);
    expect(count('GET', '/notices?box=pending&limit=200')).toBe(1);
  });

  it('resync fetches again what is shown', async () => {
    const n = notice({ id: 7, receipt: undefined, pending: false, can_tally: true });
    const { store, count } = setup({
      [PENDING]: () => ({ status: 200, body: { notices: [], has_more: false } }),
      'GET /api/v1/notices?box=sent&limit=50': () => ({ status: 200, body: { notices: [n], has_more: false } }),
      'GET /api/v1/notices/7': () => ({ status: 200, body: n }),
      'GET /api/v1/notices/7/revisions': () => ({ status: 200, body: { revisions: [] } }),
      'GET /api/v1/notices/7/tally': () => ({ status: 200, body: tally() }),
    });
    await store.loadBox('sent');
    await store.open(7);
    await settle();
    await store.resync();
    await settle();
    expect(count('GET', '/notices?box=pending&limit=200')).toBe(1);
    expect(count('GET', '/notices?box=sent&limit=50')).toBe(2);
    expect(count('GET', '/notices/7')).toBe(2);
    expect(count('GET', '/notices/7/tally')).toBe(2);
    expect(count('GET', '/notices?box=received&limit=50')).toBe(0);
  });
});

describe('author actions', () => {
  it('publishes, revises, withdraws and reminds', async () => {
    let n = notice({ id: 7, receipt: undefined, pending: false, can_tally: true, can_manage: true });
    const { store, calls } = setup({
      'GET /api/v1/notices?box=sent&limit=50': () => ({ status: 200, body: { notices: [], has_more: false } }),
      'POST /api/v1/notices': () => ({ status: 201, body: n }),
      'GET /api/v1/notices/7': () => ({ status: 200, body: n }),
      'GET /api/v1/notices/7/revisions': () => ({ status: 200, body: { revisions: [] } }),
      'GET /api/v1/notices/7/tally': () => ({ status: 200, body: tally() }),
      'POST /api/v1/notices/7/revisions': () => {
        n = { ...n, revision: 2, change_note: '改期' };
        return { status: 200, body: n };
      },
      'POST /api/v1/notices/7/withdraw': () => ({ status: 200, body: { ...n, status: 'withdrawn', withdraw_reason: '重复' } }),
      'POST /api/v1/notices/7/remind': () => ({ status: 200, body: { reminded: 2, next_remind_at: '2026-11-23T03:00:00Z' } }),
    });
    await store.loadBox('sent');
    const published = await store.publish({ title: 't', body: 'b', audience: { channels: [10] } });
    expect(published?.id).toBe(7);
    expect(store.getState().sent.items.map((x) => x.id)).toEqual([7]);
    await store.open(7);
    await settle();
    expect((await store.revise({ title: 't', body: 'b2', change_note: '改期' }))?.revision).toBe(2);
    expect(store.getState().open?.notice?.revision).toBe(2);
    expect((await store.remind())?.reminded).toBe(2);
    expect(store.getState().tally?.data?.next_remind_at).toBe('2026-11-23T03:00:00Z');
    expect((await store.withdraw(' 重复 '))?.status).toBe('withdrawn');
    expect(calls.at(-1)!.body).toEqual({ reason: '重复' });
    expect(store.getState().open?.notice?.status).toBe('withdrawn');
  });

  it('keeps a refused reminder as an error with its wait', async () => {
    const n = notice({ id: 7, receipt: undefined, pending: false, can_tally: true, can_manage: true });
    const { store } = setup({
      'GET /api/v1/notices/7': () => ({ status: 200, body: n }),
      'GET /api/v1/notices/7/revisions': () => ({ status: 200, body: { revisions: [] } }),
      'GET /api/v1/notices/7/tally': () => ({ status: 200, body: tally() }),
      'POST /api/v1/notices/7/remind': () => ({ status: 429, body: err('rate_limited', { retry_after: 600 }) }),
    });
    await store.open(7);
    expect(await store.remind()).toBeUndefined();
    expect(store.getState().errors.remind).toMatchObject({ code: 'rate_limited', retryAfter: 600 });
    expect(store.getState().busy.remind).toBe(false);
  });
});
