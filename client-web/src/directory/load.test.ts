import { describe, expect, it } from 'vitest';
import { ApiError, createRequest } from '../api';
import { err, fakeFetch, type Handler } from '../testing';
import { loadEveryone, loadOrg, loadPeople, loadPresence } from './load';
import type { Person } from './types';

function people(...ids: number[]): { people: Person[] } {
  return { people: ids.map((id) => ({ id, username: `u${id}`, display_name: `人${id}`, departments: [] })) };
}
const ok = (body: unknown): Handler => () => ({ status: 200, body });
const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

describe('loadOrg', () => {
  it('asks GET /org and fills missing lists', async () => {
    const { fetch, calls } = fakeFetch({ 'GET /api/v1/org': ok({ departments: [{ id: 1, name: '局领导', path: '局领导', sort_order: 0 }] }) });
    const org = await loadOrg(createRequest(fetch));
    expect(calls[0].url).toBe('/api/v1/org');
    expect(org.departments).toHaveLength(1);
    expect(org.party_orgs).toEqual([]);
  });
});

describe('loadPeople', () => {
  it('takes one full page and leaves the rest for "load more"', async () => {
    const { fetch, calls } = fakeFetch({
      'GET /api/v1/org/people?department=3&sub=true&limit=3': ok(people(7, 8, 9)),
    });
    const b = await loadPeople(createRequest(fetch), { department: 3, sub: true }, 0, { limit: 3 });
    expect(b.people.map((p) => p.id)).toEqual([7, 8, 9]);
    expect(b).toMatchObject({ nextOffset: 3, done: false });
    expect(calls).toHaveLength(1);
  });

  it('reads past a short page (disabled accounts are dropped after the limit) until an empty one', async () => {
    const { fetch, calls } = fakeFetch({
      'GET /api/v1/org/people?limit=4': ok(people(1, 3)),
      'GET /api/v1/org/people?limit=4&offset=4': ok(people(5)),
      'GET /api/v1/org/people?limit=4&offset=8': ok(people()),
    });
    const b = await loadPeople(createRequest(fetch), {}, 0, { limit: 4 });
    expect(b.people.map((p) => p.id)).toEqual([1, 3, 5]);
    expect(b).toMatchObject({ nextOffset: 12, done: true });
    expect(calls.map((c) => c.url)).toEqual([
      '/api/v1/org/people?limit=4',
      '/api/v1/org/people?limit=4&offset=4',
      '/api/v1/org/people?limit=4&offset=8',
    ]);
  });

  it('stops once short pages add up to a page, leaving the rest for "load more"', async () => {
    const { fetch, calls } = fakeFetch({
      'GET /api/v1/org/people?limit=3': ok(people(1, 3)),
      'GET /api/v1/org/people?limit=3&offset=3': ok(people(5, 6)),
    });
    const b = await loadPeople(createRequest(fetch), {}, 0, { limit: 3 });
    expect(b.people.map((p) => p.id)).toEqual([1, 3, 5, 6]);
    expect(b).toMatchObject({ nextOffset: 6, done: false });
    expect(calls).toHaveLength(2);
  });

  it('continues from an offset and searches by name', async () => {
    const { fetch } = fakeFetch({
      'GET /api/v1/org/people?q=%E5%BC%A0&limit=2&offset=4': ok(people(30, 31)),
    });
    const b = await loadPeople(createRequest(fetch), { q: '张' }, 4, { limit: 2 });
    expect(b).toMatchObject({ nextOffset: 6, done: false });
  });

  it('stops after maxRequests short pages, not done', async () => {
    const { fetch, calls } = fakeFetch({
      'GET /api/v1/org/people?limit=5': ok(people(1)),
      'GET /api/v1/org/people?limit=5&offset=5': ok(people(6)),
    });
    const b = await loadPeople(createRequest(fetch), {}, 0, { limit: 5, maxRequests: 2 });
    expect(b).toMatchObject({ nextOffset: 10, done: false });
    expect(calls).toHaveLength(2);
  });

  it('passes the server’s error on', async () => {
    const { fetch } = fakeFetch({
      'GET /api/v1/org/people?limit=200': () => ({ status: 400, body: err('bad_request', { field: 'q' }) }),
    });
    await expect(loadPeople(createRequest(fetch), {})).rejects.toMatchObject({ code: 'bad_request', field: 'q' });
  });
});

describe('loadEveryone', () => {
  it('reads pages of 1000 until an empty one', async () => {
    const { fetch, calls } = fakeFetch({
      'GET /api/v1/org/people?limit=1000': ok(people(...range(1, 998))),
      'GET /api/v1/org/people?limit=1000&offset=1000': ok(people(1001, 1002)),
      'GET /api/v1/org/people?limit=1000&offset=2000': ok(people()),
    });
    const all = await loadEveryone(createRequest(fetch));
    expect(all).toHaveLength(1000);
    expect(calls).toHaveLength(3);
  });
});

describe('loadPresence', () => {
  it('asks for each id once, in batches of 500', async () => {
    const ids = range(1, 501);
    const first = ids.slice(0, 500).join(',');
    const { fetch, calls } = fakeFetch({
      [`GET /api/v1/presence?users=${first}`]: ok({ online: { '1': true, '2': false } }),
      'GET /api/v1/presence?users=501': ok({ online: { '501': true } }),
    });
    const m = await loadPresence(createRequest(fetch), [...ids, 1, 2]);
    expect(calls).toHaveLength(2);
    expect(m.get(1)).toBe(true);
    expect(m.get(2)).toBe(false);
    expect(m.get(501)).toBe(true);
    expect(m.has(3)).toBe(false);
  });

  it('asks nothing for nobody', async () => {
    const { fetch, calls } = fakeFetch({});
    expect((await loadPresence(createRequest(fetch), [])).size).toBe(0);
    expect(calls).toHaveLength(0);
  });

  it('fails with an ApiError the page can show', async () => {
    const { fetch } = fakeFetch({ 'GET /api/v1/presence?users=3': () => ({ status: 503, body: err('unavailable') }) });
    await expect(loadPresence(createRequest(fetch), [3])).rejects.toBeInstanceOf(ApiError);
  });
});
