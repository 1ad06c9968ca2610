import { describe, expect, it } from 'vitest';
import type { Person } from '../chat/types';
import { beijingDate, datesProblem, daysAgo, hasFilters, matchPeople, searchParams } from './filters';

describe('searchParams', () => {
  it('sends only the filters that are set', () => {
    expect(searchParams(' 预算 ', {}, 30).toString()).toBe('q=%E9%A2%84%E7%AE%97&limit=30');
    const p = searchParams('决算', { senderId: 6, channelId: 2, from: '2026-11-20', to: '2026-11-24' }, 30);
    expect(Object.fromEntries(p)).toEqual({ q: '决算', limit: '30', channel: '2', sender: '6', from: '2026-11-20', to: '2026-11-24' });
  });
});

describe('dates', () => {
  it('names what is wrong', () => {
    expect(datesProblem({ from: '2026-11-20', to: '2026-11-20' })).toBeUndefined();
    expect(datesProblem({ from: '2026/11/20' })).toBe('from');
    expect(datesProblem({ to: '昨天' })).toBe('to');
    expect(datesProblem({ from: '2026-11-21', to: '2026-11-20' })).toBe('order');
  });

  it('writes instants as Beijing dates', () => {
    // 15:59 UTC is 23:59 in Beijing; 16:00 UTC is already the next day there.
    expect(beijingDate(Date.parse('2026-11-20T15:59:00Z'))).toBe('2026-11-20');
    expect(beijingDate(Date.parse('2026-11-20T16:00:00Z'))).toBe('2026-11-21');
    expect(daysAgo(Date.parse('2026-11-20T16:00:00Z'), 7)).toBe('2026-11-14');
  });

  it('knows when any filter is set', () => {
    expect(hasFilters(undefined)).toBe(false);
    expect(hasFilters({})).toBe(false);
    expect(hasFilters({ to: '2026-11-20' })).toBe(true);
  });
});

describe('matchPeople', () => {
  const people: Record<number, Person> = {
    1: { id: 1, username: 'zhangjing', display_name: '张静', title: '科员' },
    2: { id: 2, username: 'zhangjingwei', display_name: '章敬伟', title: '副股长' },
    3: { id: 3, username: 'lihua', display_name: '李华', title: '股长' },
    4: { id: 4, username: 'wangzhang', display_name: '王小张' },
  };

  it('puts names that start with the query first, and leaves out the one searching', () => {
    expect(matchPeople(people, '张', undefined).map((p) => p.id)).toEqual([1, 4]);
    expect(matchPeople(people, '张', 1).map((p) => p.id)).toEqual([4]);
  });

  it('finds by username, title and position, in either case', () => {
    expect(matchPeople(people, 'ZHANGJ', undefined).map((p) => p.id)).toEqual([1, 2]);
    expect(matchPeople(people, '股长', undefined).map((p) => p.id)).toEqual([3, 2]); // by pinyin: li before zhang
  });

  it('finds nobody for an empty query, and at most the limit', () => {
    expect(matchPeople(people, '  ', undefined)).toEqual([]);
    expect(matchPeople(people, 'zhang', undefined, 1)).toHaveLength(1);
  });
});
