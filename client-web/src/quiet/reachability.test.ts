import { describe, expect, it } from 'vitest';
import { ApiError, type Request } from '../api';
import { createReachabilityCache, offDutyText, readReply, setKey, summarize } from './reachability';
import type { Reachability } from './types';

const now = new Date('2026-11-24T14:00:00Z'); // Tuesday 22:00 Beijing

function fakeRequest(reply: (ids: number[]) => unknown) {
  const calls: number[][] = [];
  const request = (async (_m: string, _p: string, body?: unknown) => {
    const ids = (body as { user_ids: number[] }).user_ids;
    calls.push(ids);
    return reply(ids);
  }) as Request;
  return { request, calls };
}

describe('the cache', () => {
  it('asks once per set within a minute, in any order of ids', async () => {
    let clock = 0;
    const { request, calls } = fakeRequest((ids) => ({ people: ids.map((id) => ({ user_id: id, reachable: true, reason: 'working' })) }));
    const c = createReachabilityCache(request, { now: () => clock });
    await c.get([3, 1, 2]);
    await c.get([1, 2, 3, 3]);
    expect(calls).toEqual([[1, 2, 3]]);
    expect(c.peek([2, 1, 3])).toHaveLength(3);
    clock = 59_999;
    await c.get([1, 2, 3]);
    expect(calls).toHaveLength(1);
    clock = 60_000;
    expect(c.peek([1, 2, 3])).toBeUndefined();
    await c.get([1, 2, 3]);
    expect(calls).toHaveLength(2);
  });

  it('does not keep a failure', async () => {
    let fail = true;
    const { request, calls } = fakeRequest((ids) => {
      if (fail) throw new ApiError(503, 'unavailable', '');
      return { people: ids.map((id) => ({ user_id: id, reachable: false, reason: 'weekend' })) };
    });
    const c = createReachabilityCache(request, { now: () => 0 });
    await expect(c.get([5])).rejects.toThrow();
    fail = false;
    expect(await c.get([5])).toEqual([{ user_id: 5, reachable: false, reason: 'weekend', next: undefined }]);
    expect(calls).toHaveLength(2);
  });

  it('asks nothing for nobody, and a large audience in parts', async () => {
    const { request, calls } = fakeRequest((ids) => ({ people: ids.map((id) => ({ user_id: id, reachable: true, reason: 'working' })) }));
    const c = createReachabilityCache(request);
    expect(await c.get([])).toEqual([]);
    const many = Array.from({ length: 1201 }, (_, i) => i + 1);
    expect(await c.get(many)).toHaveLength(1201);
    expect(calls.map((x) => x.length)).toEqual([500, 500, 201]);
  });

  it('keys a set by its sorted ids', () => {
    expect(setKey([3, 1, 3, 2])).toBe('1,2,3');
  });
});

describe('readReply', () => {
  it('reads the people, leaving out what is not a person', () => {
    const r = readReply({ at: 'x', time_zone: 'Asia/Shanghai', people: [{ user_id: 1, reachable: false, reason: 'leave', next: '2026-11-30T00:30:00Z' }, { nope: 1 }], unknown: [9] });
    expect(r).toEqual([{ user_id: 1, reachable: false, reason: 'leave', next: '2026-11-30T00:30:00Z' }]);
    expect(readReply({ at: 'x', people: [{ user_id: 2, reachable: true, reason: 'working' }] })[0]).toMatchObject({ reachable: true, next: undefined });
    expect(readReply(null)).toEqual([]);
  });
});

describe('what the sender reads', () => {
  const r = (id: number, reason: string, next?: string, reachable = false): Reachability => ({ user_id: id, reachable, reason, next });

  it('one person off for the night, a holiday, on leave', () => {
    const morning = new Date('2026-11-24T03:30:00Z'); // 11:30 lunch-time question: back at 14:30 today
    expect(offDutyText(r(1, 'off_hours', '2026-11-24T06:30:00Z'), morning, 'zh-CN')).toBe('休息中，14:30 提醒');
    expect(offDutyText(r(1, 'off_hours', '2026-11-25T00:30:00Z'), now, 'zh-CN')).toBe('休息中，明天 08:30 提醒');
    expect(offDutyText(r(1, 'holiday', '2026-10-08T00:30:00Z'), new Date('2026-10-02T02:00:00Z'), 'zh-CN')).toBe('节假日休息，10月8日 08:30 提醒');
    expect(offDutyText(r(1, 'leave', '2026-11-30T00:30:00Z'), now, 'zh-CN')).toBe('请假中，11月30日 08:30 提醒');
    expect(offDutyText(r(1, 'weekend'), now, 'zh-CN')).toBe('周末休息，上班时提醒');
    expect(offDutyText(r(1, 'disabled'), now, 'zh-CN')).toBe('账号已停用，不会收到提醒');
    expect(offDutyText(r(1, 'off_hours', '2026-11-25T00:30:00Z'), now, 'en')).toBe('Off duty, notified tomorrow 08:30');
  });

  it('nothing when everyone is reachable', () => {
    expect(summarize([r(1, 'working', undefined, true), r(2, 'on_duty', undefined, true)], now, 'zh-CN')).toEqual({ kind: 'none' });
    expect(summarize([], now, 'zh-CN')).toEqual({ kind: 'none' });
  });

  it('one line for one person', () => {
    const s = summarize([r(1, 'off_hours', '2026-11-25T00:30:00Z')], now, 'zh-CN', new Map([[1, '王建国']]));
    expect(s).toMatchObject({ kind: 'one', text: '休息中，明天 08:30 提醒', person: { name: '王建国' } });
  });

  it('a count and the names, soonest first, for many', () => {
    const names = new Map([
      [1, '王建国'],
      [2, '李静'],
      [3, '张伟'],
    ]);
    const s = summarize([r(1, 'leave', '2026-11-30T00:30:00Z'), r(2, 'off_hours', '2026-11-25T00:30:00Z'), r(3, 'working', undefined, true), r(4, 'weekend')], now, 'zh-CN', names);
    expect(s.kind).toBe('many');
    if (s.kind !== 'many') return;
    expect(s.text).toBe('3 人休息中，将在上班时提醒');
    expect(s.people.map((p) => [p.name, p.text])).toEqual([
      ['李静', '休息中，明天 08:30 提醒'],
      ['王建国', '请假中，11月30日 08:30 提醒'],
      ['用户 #4', '周末休息，上班时提醒'],
    ]);
  });

  it('names the one off duty among several', () => {
    const s = summarize([r(1, 'off_hours', '2026-11-25T00:30:00Z'), r(2, 'working', undefined, true)], now, 'zh-CN', new Map([[1, '王建国']]));
    expect(s).toMatchObject({ kind: 'many', text: '王建国休息中，明天 08:30 提醒' });
  });
});
