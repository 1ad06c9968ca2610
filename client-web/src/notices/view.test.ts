import { describe, expect, it } from 'vitest';
import type { Channel } from '../chat/types';
import { notice } from './testkit';
import { canPublish, canTargetOrg, comparePinned, publishableChannels, rowState, tallyShares } from './view';

const channel = (id: number, over: Partial<Channel> = {}): Channel => ({
  id,
  kind: 'group',
  name: `频道${id}`,
  post_policy: 'everyone',
  mention_all: 'everyone',
  max_secrecy: 1,
  last_seq: 0,
  epoch: 1,
  role: 'member',
  read_seq: 0,
  unread: 0,
  ...over,
});

describe('rowState', () => {
  it('tells the states of a row apart', () => {
    expect(rowState(notice())).toBe('pending');
    expect(rowState(notice({ status: 'withdrawn', pending: false }))).toBe('withdrawn');
    expect(rowState(notice({ pending: false, receipt: { delivered_at: 'x', confirmed_at: 'y', confirmed_revision: 1 } }))).toBe('confirmed');
    expect(rowState(notice({ revision: 2, pending: true, receipt: { delivered_at: 'x', confirmed_at: 'y', confirmed_revision: 1 } }))).toBe('stale');
    expect(rowState(notice({ pending: false, needs_confirm: false }))).toBe('info');
    expect(rowState(notice({ pending: false, receipt: undefined }))).toBe('author');
  });
});

describe('comparePinned', () => {
  it('puts urgent first, then the nearest deadline, then the newest', () => {
    const a = notice({ id: 1, deadline: '2026-11-30T09:00:00Z' });
    const b = notice({ id: 2, deadline: '2026-11-25T09:00:00Z' });
    const c = notice({ id: 3, priority: 'urgent' });
    const d = notice({ id: 4 });
    const e = notice({ id: 5 });
    expect([a, b, c, d, e].sort(comparePinned).map((n) => n.id)).toEqual([3, 2, 1, 5, 4]);
  });
});

describe('who may publish', () => {
  const chans = [channel(1, { role: 'admin' }), channel(2), channel(3, { kind: 'direct', role: 'admin' }), channel(4, { role: 'admin', archived: true })];
  it('lets a leader publish to any of their channels and to the organisation', () => {
    expect(publishableChannels({ role: 'leader' }, chans).map((c) => c.id)).toEqual([1, 2]);
    expect(canPublish({ role: 'leader' }, [])).toBe(true);
    expect(canTargetOrg({ role: 'leader' })).toBe(true);
  });
  it('lets a channel administrator publish to their channels only', () => {
    expect(publishableChannels({ role: 'staff' }, chans).map((c) => c.id)).toEqual([1]);
    expect(canPublish({ role: 'staff' }, chans)).toBe(true);
    expect(canPublish({ role: 'staff' }, [channel(2)])).toBe(false);
    expect(canTargetOrg({ role: 'staff' })).toBe(false);
  });
});

describe('tallyShares', () => {
  it('adds up to 100', () => {
    expect(tallyShares({ total: 3, confirmed: 1, seen: 1, unseen: 1 })).toEqual({ confirmed: 33, seen: 33, unseen: 34 });
    expect(tallyShares({ total: 0, confirmed: 0, seen: 0, unseen: 0 })).toEqual({ confirmed: 0, seen: 0, unseen: 0 });
  });
});
