import { describe, expect, it } from 'vitest';
import { createRequest } from '../api';
import { err, fakeFetch } from '../testing';
import { createCollectStore, toAnswerCount } from './store';
import { collection, submission } from './testkit';

function manualTimers() {
  const pending: (() => void)[] = [];
  return {
    setTimer: (fn: () => void) => void pending.push(fn),
    clearTimer: () => undefined,
    flush: () => pending.splice(0).forEach((fn) => fn()),
  };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('the collections store', () => {
  it('opens an authored collection with its status and submissions, and refreshes them on a frame', async () => {
    let gets = 0;
    const { fetch, calls } = fakeFetch({
      'GET /api/v1/collections?limit=200': () => ({ status: 200, body: { collections: [collection()] } }),
      'GET /api/v1/collections/7': () => (gets++, { status: 200, body: collection({ counts: { recipients: 3, units: 3, submitted: gets - 1, returned: 0 } }) }),
      'GET /api/v1/collections/7/status': () => ({ status: 200, body: { collection_id: 7, counts: { recipients: 3, units: 3, submitted: 1, returned: 0 }, departments: [] } }),
      'GET /api/v1/collections/7/submissions': () => ({ status: 200, body: { submissions: [submission()] } }),
    });
    const timers = manualTimers();
    const store = createCollectStore({ request: createRequest(fetch), meId: 1, ...timers });
    await store.open(7);
    const o = store.getState().open!;
    expect(o.collection?.id).toBe(7);
    expect(o.status?.counts.submitted).toBe(1);
    expect(o.submissions).toHaveLength(1);
    // Someone submitted: one frame, or a burst, makes one fetch of what is shown.
    expect(store.handleFrame({ v: 1, type: 'collection', data: { collection_id: 7, event: 'submitted' } })).toBe(true);
    store.handleFrame({ v: 1, type: 'collection', data: { collection_id: 7, event: 'submitted' } });
    const before = calls.length;
    timers.flush();
    await flush();
    await flush();
    const after = calls.slice(before).map((c) => c.url);
    expect(after.filter((u) => u === '/api/v1/collections/7')).toHaveLength(1);
    expect(after).toContain('/api/v1/collections/7/status');
    expect(after).toContain('/api/v1/collections?limit=200');
    expect(store.getState().open!.collection!.counts.submitted).toBe(1);
    expect(store.handleFrame({ v: 1, type: 'notice', data: {} })).toBe(false);
  });

  it('does not fetch a form’s answers for someone asked; a 接龙’s lines it does', async () => {
    const { fetch, calls } = fakeFetch({
      'GET /api/v1/collections/7': () => ({ status: 200, body: collection({ my: { state: 'todo' }, can_manage: false, can_see_all: false }) }),
      'GET /api/v1/collections/8': () => ({ status: 200, body: collection({ id: 8, kind: 'signup', fields: null, my: { state: 'todo' }, can_manage: false, can_see_all: false }) }),
      'GET /api/v1/collections/8/submissions': () => ({ status: 200, body: { submissions: [] } }),
    });
    const store = createCollectStore({ request: createRequest(fetch), meId: 5 });
    await store.open(7);
    expect(calls.map((c) => c.url)).toEqual(['/api/v1/collections/7']);
    await store.open(8);
    expect(calls.map((c) => c.url)).toContain('/api/v1/collections/8/submissions');
  });

  it('submits through the prepared values, and keeps a refusal for the form', async () => {
    let closed = false;
    const { fetch, calls } = fakeFetch({
      'GET /api/v1/collections/7': () => ({ status: 200, body: collection({ my: { state: 'todo' } }) }),
      'POST /api/v1/collections/7/submission': () => (closed ? { status: 409, body: err('collection_closed') } : { status: 200, body: submission() }),
    });
    const store = createCollectStore({ request: createRequest(fetch), meId: 5 });
    await store.open(7);
    expect(await store.submit(async () => ({ f1: '预算股' }))).toBeDefined();
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({ values: { f1: '预算股' } });
    closed = true;
    expect(await store.submit({ f1: 'x' })).toBeUndefined();
    expect(store.getState().errors.submit?.code).toBe('collection_closed');
  });

  it('keeps a reminder for the person asked, not for the author', async () => {
    const { fetch } = fakeFetch({
      'GET /api/v1/collections?limit=200': () => ({ status: 200, body: { collections: [collection({ id: 7, my: { state: 'todo' } }), collection({ id: 9, author_id: 5 })] } }),
    });
    const store = createCollectStore({ request: createRequest(fetch), meId: 5, ...manualTimers() });
    await store.loadList();
    store.handleFrame({ v: 1, type: 'collection', data: { collection_id: 7, event: 'reminder', title: '基数表' } });
    store.handleFrame({ v: 1, type: 'collection', data: { collection_id: 9, event: 'reminder' } });
    expect(store.getState().reminders.map((r) => [r.collectionId, r.title])).toEqual([[7, '基数表']]);
    expect(toAnswerCount(store.getState(), Date.parse('2026-11-22T00:00:00Z'))).toBe(1);
  });
});
