// The session's ladder: read from GET /secrecy, the defaults until then and after a
// failure, never a partial ladder, and an officer's save winning over an older read.

import { describe, expect, it } from 'vitest';
import { createRequest } from '../api';
import { err, fakeFetch } from '../testing';
import { DEFAULT_LEVELS } from './ladder';
import { createSecrecyStore } from './store';
import type { SecrecyConfig } from './types';

const changed: SecrecyConfig = {
  levels: DEFAULT_LEVELS.map((l) => (l.level === 3 ? { ...l, retention_days: 60, name: '绝密' } : { ...l })).reverse(),
  updated_at: '2026-12-01T02:00:00Z',
  updated_by: 4,
};

describe('the secrecy store', () => {
  it('uses the defaults until the server answers, then the server’s ladder, in order', async () => {
    const { fetch, calls } = fakeFetch({ 'GET /api/v1/secrecy': () => ({ status: 200, body: changed }) });
    const s = createSecrecyStore(createRequest(fetch));
    expect(s.getState()).toMatchObject({ loaded: false, levels: DEFAULT_LEVELS });
    expect(s.name(3, 'zh-CN')).toBe('秘密');
    let seen = 0;
    s.subscribe(() => seen++);
    await s.load();
    expect(calls.map((c) => c.url)).toEqual(['/api/v1/secrecy']);
    expect(seen).toBe(1);
    expect(s.getState().loaded).toBe(true);
    expect(s.getState().levels.map((l) => l.level)).toEqual([0, 1, 2, 3]);
    expect(s.name(3, 'zh-CN')).toBe('绝密');
    expect(s.level(3).retention_days).toBe(60);
    expect(s.getState().updatedAt).toBe('2026-12-01T02:00:00Z');
  });

  it('keeps what it has when the server fails or sends something that is not a whole ladder', async () => {
    let reply: () => { status: number; body: unknown } = () => ({ status: 503, body: err('unavailable') });
    const { fetch } = fakeFetch({ 'GET /api/v1/secrecy': () => reply() });
    const s = createSecrecyStore(createRequest(fetch));
    await s.load();
    expect(s.getState()).toMatchObject({ loaded: false, levels: DEFAULT_LEVELS });
    reply = () => ({ status: 200, body: { levels: DEFAULT_LEVELS.slice(0, 3) } });
    await s.load();
    expect(s.getState().loaded).toBe(false);
    reply = () => ({ status: 200, body: { levels: [...DEFAULT_LEVELS.slice(0, 3), { ...DEFAULT_LEVELS[3]!, level: 5 }] } });
    await s.load();
    expect(s.getState().loaded).toBe(false);
    expect(s.rules(3).forward).toBe(false);
  });

  it('an officer’s save is not undone by an older read still on its way', async () => {
    let answer!: (v: { status: number; body: unknown }) => void;
    const { fetch } = fakeFetch({ 'GET /api/v1/secrecy': () => new Promise((r) => (answer = r)) });
    const s = createSecrecyStore(createRequest(fetch));
    const loading = s.load();
    await new Promise((r) => setTimeout(r, 0));
    s.apply(changed);
    answer({ status: 200, body: { levels: DEFAULT_LEVELS } });
    await loading;
    expect(s.name(3, 'zh-CN')).toBe('绝密');
  });
});
