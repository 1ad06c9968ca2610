import { describe, expect, it } from 'vitest';
import { parseRoute, pathFor } from '../router';
import type { TodoItem } from './types';
import { beijingDay, compareTodos, groupTodos, isOverdue, openCount, sortTodos, splitAssigned, targetOf } from './view';

// 2026-11-23 09:00 in Beijing (a Monday).
const NOW = Date.parse('2026-11-23T01:00:00Z');
const h = (n: number) => new Date(NOW + n * 3600_000).toISOString();

function item(over: Partial<TodoItem>): TodoItem {
  return { kind: 'message', id: 1, title: 't', overdue: false, state: 'open', from_user: { id: 2, name: '李股长' }, link: '/c/3?seq=4', created_at: h(-24), ...over };
}

describe('the order of 待办', () => {
  it('puts the earliest due first and those without one last, then by when given', () => {
    const items = [
      item({ id: 1 }),
      item({ id: 2, due: h(48) }),
      item({ id: 3, kind: 'notice', due: h(2) }),
      item({ id: 4, due: h(2), created_at: h(-48) }),
      item({ id: 5, created_at: h(-48) }),
    ];
    expect(sortTodos(items).map((i) => i.id)).toEqual([4, 3, 2, 5, 1]);
    expect(compareTodos(items[0]!, items[0]!)).toBe(0);
  });

  it('marks overdue what is past its due time and not done, as time passes', () => {
    const it = item({ due: h(1) });
    expect(isOverdue(it, NOW)).toBe(false);
    expect(isOverdue(it, NOW + 3600_000)).toBe(true);
    expect(isOverdue({ ...it, state: 'done' }, NOW + 7200_000)).toBe(false);
    expect(isOverdue(item({}), NOW)).toBe(false);
  });
});

describe('the groups by deadline, in Beijing days', () => {
  it('groups overdue, today, tomorrow, this week, later and none', () => {
    const items = [
      item({ id: 1, due: h(-1) }),
      item({ id: 2, due: h(14) }), // 23:00 today in Beijing
      item({ id: 3, due: h(15) }), // 00:00 tomorrow
      item({ id: 4, due: h(24 * 5) }),
      item({ id: 5, due: h(24 * 10) }),
      item({ id: 6 }),
    ];
    const groups = groupTodos(items, NOW);
    expect(groups.map((g) => [g.key, g.items.map((i) => i.id)])).toEqual([
      ['overdue', [1]],
      ['today', [2]],
      ['tomorrow', [3]],
      ['week', [4]],
      ['later', [5]],
      ['none', [6]],
    ]);
    expect(groupTodos([item({ id: 6 })], NOW).map((g) => g.key)).toEqual(['none']);
  });

  it('counts days from Beijing midnight whatever the device zone', () => {
    expect(beijingDay(Date.parse('2026-11-23T15:59:59Z'))).toBe(beijingDay(NOW));
    expect(beijingDay(Date.parse('2026-11-23T16:00:00Z'))).toBe(beijingDay(NOW) + 1);
  });
});

describe('opening an item', () => {
  it('goes to the notice, the message, or a path of the app only', () => {
    expect(targetOf(item({ kind: 'notice', id: 7, link: '/notices/7' }))).toEqual({ kind: 'notice', id: 7 });
    expect(targetOf(item({ channel_id: 12, seq: 345 }))).toEqual({ kind: 'message', channelId: 12, seq: 345 });
    expect(targetOf(item({ kind: 'collection', link: '/collect/3' }))).toEqual({ kind: 'path', path: '/collect/3' });
    expect(targetOf(item({ kind: 'collection', link: '//evil.example/x' }))).toEqual({ kind: 'path', path: '/todos' });
    expect(targetOf(item({ kind: 'collection', link: 'https://evil.example/' }))).toEqual({ kind: 'path', path: '/todos' });
  });

  it('has its own address: /todos and /todos/assigned', () => {
    expect(parseRoute('/todos')).toEqual({ section: 'todos', view: 'mine' });
    expect(parseRoute('/todos/assigned')).toEqual({ section: 'todos', view: 'assigned' });
    expect(pathFor({ section: 'todos', view: 'assigned' })).toBe('/todos/assigned');
    expect(pathFor({ section: 'todos', view: 'mine' })).toBe('/todos');
  });
});

describe('the assigner’s view', () => {
  it('shows open ones by due, then done ones latest first; counts open', () => {
    const items = [
      item({ id: 1, state: 'done', done_at: h(-5) }),
      item({ id: 2, due: h(5) }),
      item({ id: 3, state: 'done', done_at: h(-1) }),
      item({ id: 4, due: h(1) }),
    ];
    const { open, done } = splitAssigned(items);
    expect(open.map((i) => i.id)).toEqual([4, 2]);
    expect(done.map((i) => i.id)).toEqual([3, 1]);
    expect(openCount(items)).toBe(2);
  });
});
