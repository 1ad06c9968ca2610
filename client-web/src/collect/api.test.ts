import { describe, expect, it } from 'vitest';
import { ApiError, createRequest } from '../api';
import { err, fakeFetch } from '../testing';
import { createCollectApi, exportHref } from './api';
import { collection, submission } from './testkit';

describe('createCollectApi', () => {
  it('sends the documented shapes', async () => {
    const c = collection();
    const { fetch, calls } = fakeFetch({
      'POST /api/v1/collections': () => ({ status: 201, body: c }),
      'GET /api/v1/collections?limit=200': () => ({ status: 200, body: { collections: null, has_more: false } }),
      'GET /api/v1/collections?box=escalated&limit=200': () => ({ status: 200, body: { collections: [c], has_more: false } }),
      'GET /api/v1/collections/7': () => ({ status: 200, body: c }),
      'POST /api/v1/collections/7/submission': () => ({ status: 200, body: submission() }),
      'POST /api/v1/collections/7/submissions/5/return': () => ({ status: 200, body: submission({ state: 'returned', return_note: '人数有误' }) }),
      'POST /api/v1/collections/7/close': () => ({ status: 200, body: { ...c, status: 'closed' } }),
      'POST /api/v1/collections/7/remind': () => ({ status: 200, body: { reminded: 1 } }),
      'GET /api/v1/collections/7/submissions': () => ({ status: 200, body: { submissions: [submission()] } }),
      'GET /api/v1/collections/7/status': () => ({ status: 200, body: { collection_id: 7, counts: { recipients: 3, units: 3, submitted: 1, returned: 0 }, departments: [] } }),
      'GET /api/v1/collections/7/history': () => ({ status: 200, body: { entries: null } }),
    });
    const api = createCollectApi(createRequest(fetch));
    await api.publish({ kind: 'signup', title: '周五聚餐接龙', per: 'person', audience: { channels: [10] } });
    expect(calls[0]!.body).toEqual({ kind: 'signup', title: '周五聚餐接龙', per: 'person', audience: { channels: [10] } });
    expect(await api.list()).toEqual([]);
    expect(await api.list('escalated')).toHaveLength(1);
    expect((await api.get(7)).title).toBe(c.title);
    await api.submit(7, { f1: '预算股', f2: 12 });
    expect(calls.at(-1)!.body).toEqual({ values: { f1: '预算股', f2: 12 } });
    expect((await api.returnTo(7, 5, '  人数有误 ')).state).toBe('returned');
    expect(calls.at(-1)!.body).toEqual({ note: '人数有误' });
    expect((await api.close(7)).status).toBe('closed');
    expect((await api.remind(7)).reminded).toBe(1);
    expect(await api.submissions(7)).toHaveLength(1);
    expect((await api.status(7)).counts.submitted).toBe(1);
    expect(await api.history(7)).toEqual([]);
    expect(exportHref(7)).toBe('/api/v1/collections/7/export.xlsx');
  });

  it('passes a refusal on with its code', async () => {
    const { fetch } = fakeFetch({ 'POST /api/v1/collections/7/submission': () => ({ status: 409, body: err('collection_closed') }) });
    const e = await createCollectApi(createRequest(fetch))
      .submit(7, { line: 'x' })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).code).toBe('collection_closed');
  });
});
