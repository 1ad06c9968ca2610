import { describe, expect, it } from 'vitest';
import { ApiError, createRequest } from '../api';
import { err, fakeFetch } from '../testing';
import { createNoticesApi, listPath, tallyCsvHref, tallyPath } from './api';
import { notice, tally } from './testkit';

describe('notice paths', () => {
  it('builds list queries, leaving empty ones out and capping the limit', () => {
    expect(listPath('pending')).toBe('/notices?box=pending');
    expect(listPath('received', { channel: 12, before: 40, limit: 50 })).toBe('/notices?box=received&channel=12&before=40&limit=50');
    expect(listPath('sent', { limit: 5000 })).toBe('/notices?box=sent&limit=200');
  });

  it('builds tally and CSV addresses with the same filter', () => {
    expect(tallyPath(7)).toBe('/notices/7/tally');
    expect(tallyPath(7, { state: 'unseen', department: 3 })).toBe('/notices/7/tally?state=unseen&department=3');
    expect(tallyPath(7, { department: 0 })).toBe('/notices/7/tally?department=0');
    expect(tallyCsvHref(7, { state: 'seen' })).toBe('/api/v1/notices/7/tally.csv?state=seen');
    expect(tallyCsvHref(7, { state: '' })).toBe('/api/v1/notices/7/tally.csv');
  });
});

describe('createNoticesApi', () => {
  it('sends the documented shapes', async () => {
    const n = notice({ id: 7 });
    const { fetch, calls } = fakeFetch({
      'POST /api/v1/notices': () => ({ status: 201, body: n }),
      'GET /api/v1/notices?box=pending&limit=200': () => ({ status: 200, body: { notices: [n], has_more: false, escalations: null } }),
      'GET /api/v1/notices/7': () => ({ status: 200, body: n }),
      'GET /api/v1/notices/7/revisions': () => ({ status: 200, body: { revisions: null } }),
      'POST /api/v1/notices/7/seen': () => ({ status: 200, body: { delivered_at: 'x', seen_at: 'y', seen_revision: 1 } }),
      'POST /api/v1/notices/7/confirm': () => ({ status: 200, body: { delivered_at: 'x', confirmed_at: 'z', confirmed_revision: 1 } }),
      'POST /api/v1/notices/7/revisions': () => ({ status: 200, body: { ...n, revision: 2 } }),
      'POST /api/v1/notices/7/withdraw': () => ({ status: 200, body: { ...n, status: 'withdrawn' } }),
      'GET /api/v1/notices/7/tally?state=confirmed': () => ({ status: 200, body: tally() }),
      'POST /api/v1/notices/7/remind': () => ({ status: 200, body: { reminded: 2, next_remind_at: '2026-11-23T04:00:00Z' } }),
    });
    const api = createNoticesApi(createRequest(fetch));
    await api.publish({ title: 't', body: 'b', audience: { channels: [10] } });
    expect(calls[0]!.body).toEqual({ title: 't', body: 'b', audience: { channels: [10] } });
    const list = await api.list('pending', { limit: 200 });
    expect(list.escalations).toEqual([]);
    expect((await api.get(7)).id).toBe(7);
    expect(await api.revisions(7)).toEqual([]);
    await api.seen(7, 1);
    expect(calls.at(-1)!.body).toEqual({ revision: 1 });
    await api.confirm(7, 1, '  已安排 ');
    expect(calls.at(-1)!.body).toEqual({ revision: 1, reply: '已安排' });
    await api.confirm(7, 1, '   ');
    expect(calls.at(-1)!.body).toEqual({ revision: 1 });
    await api.revise(7, { title: 't', body: 'b2', change_note: '改期' });
    expect(calls.at(-1)!.body).toEqual({ title: 't', body: 'b2', change_note: '改期' });
    await api.withdraw(7, '重复发布');
    expect(calls.at(-1)!.body).toEqual({ reason: '重复发布' });
    expect((await api.tally(7, { state: 'confirmed' })).total).toBe(3);
    expect((await api.remind(7)).reminded).toBe(2);
  });

  it('passes the codes of a refused confirmation on', async () => {
    const { fetch } = fakeFetch({
      'POST /api/v1/notices/7/confirm': () => ({ status: 409, body: err('stale_revision') }),
      'POST /api/v1/notices/7/remind': () => ({ status: 429, body: err('rate_limited', { retry_after: 600 }) }),
    });
    const api = createNoticesApi(createRequest(fetch));
    await expect(api.confirm(7, 1)).rejects.toMatchObject({ status: 409, code: 'stale_revision' });
    const e = await api.remind(7).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).retryAfter).toBe(600);
  });
});
