import { describe, expect, it } from 'vitest';
import type { Message } from '../chat/types';
import { applyMoves, readLabel, readStatus, toPositions } from './status';

const T0 = '2026-11-24T01:00:00Z';
const msg = (over: Partial<Message> = {}): Message => ({
  channel_id: 12,
  seq: 5,
  sender_id: 3,
  text: '请各位今天下班前报送材料',
  secrecy: 0,
  created_at: '2026-11-24T02:00:00Z',
  ...over,
});

describe('readStatus', () => {
  const pos = toPositions([
    { user_id: 3, seq: 2, joined_at: T0 }, // the sender: never counted
    { user_id: 6, seq: 5, joined_at: T0 },
    { user_id: 7, seq: 9, joined_at: T0 },
    { user_id: 8, seq: 4, joined_at: T0 },
    { user_id: 9, seq: 40, joined_at: '2026-11-24T03:00:00Z' }, // joined after it was sent
  ]);

  it('splits the members who were there by whether they reached it, sender left out', () => {
    expect(readStatus(msg(), pos)).toEqual({ read: [6, 7], unread: [8] });
  });

  it('has no status for a recalled message or a system line', () => {
    expect(readStatus(msg({ recalled_at: '2026-11-24T02:01:00Z', text: '' }), pos)).toBeUndefined();
    expect(readStatus(msg({ kind: 'system', system: { event: 'renamed', actor_id: 3, name: 'x' } }), pos)).toBeUndefined();
  });

  it('counts someone who joined the same millisecond it was sent', () => {
    const p = toPositions([{ user_id: 6, seq: 0, joined_at: '2026-11-24T02:00:00Z' }]);
    expect(readStatus(msg(), p)).toEqual({ read: [], unread: [6] });
  });
});

describe('readLabel', () => {
  it('says 已读 or 未读 in a direct chat', () => {
    expect(readLabel('direct', { read: [6], unread: [] })).toEqual({ kind: 'direct', read: true });
    expect(readLabel('direct', { read: [], unread: [6] })).toEqual({ kind: 'direct', read: false });
  });
  it('says N人未读, or 全部已读, elsewhere', () => {
    expect(readLabel('group', { read: [6], unread: [7, 8] })).toEqual({ kind: 'unread', n: 2 });
    expect(readLabel('department', { read: [6, 7], unread: [] })).toEqual({ kind: 'all_read' });
  });
  it('says nothing when nobody was asked, or there is no status', () => {
    expect(readLabel('group', { read: [], unread: [] })).toEqual({ kind: 'none' });
    expect(readLabel('group', undefined)).toEqual({ kind: 'none' });
  });
});

describe('applyMoves', () => {
  const pos = toPositions([
    { user_id: 6, seq: 5, joined_at: T0 },
    { user_id: 7, seq: 3, joined_at: T0 },
  ]);
  it('raises positions and never lowers them', () => {
    const { next, changed, unknown } = applyMoves(pos, [
      { user_id: 6, seq: 4 },
      { user_id: 7, seq: 8 },
    ]);
    expect(changed).toBe(true);
    expect(unknown).toBe(false);
    expect(next.get(6)?.seq).toBe(5);
    expect(next.get(7)?.seq).toBe(8);
    expect(pos.get(7)?.seq).toBe(3); // the old map is left alone
  });
  it('tells of someone not held (they joined since)', () => {
    const r = applyMoves(pos, [{ user_id: 99, seq: 8 }]);
    expect(r).toMatchObject({ changed: false, unknown: true });
  });
  it('ignores malformed moves', () => {
    const r = applyMoves(pos, [{ user_id: 6, seq: Number.NaN }, null as never]);
    expect(r).toMatchObject({ changed: false, unknown: false });
  });
});
