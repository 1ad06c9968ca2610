import { describe, expect, it } from 'vitest';
import type { Person } from '../chat/types';
import { addPeople, chosenIds, departmentOptions, focusAfterRemove, removePerson, togglePerson } from './picker';

const p = (id: number, name = `人${id}`): Person => ({ id, username: `u${id}`, display_name: name });

describe('addPeople', () => {
  it('keeps the picking order, skips the chosen and the excluded', () => {
    const r = addPeople([p(8)], [p(3), p(8), p(7), p(3), p(9)], new Set([7]));
    expect(chosenIds(r.chosen)).toEqual([8, 3, 9]);
    expect(r.added).toBe(2);
  });
  it('does not change its input', () => {
    const before = [p(1)];
    addPeople(before, [p(2)], new Set());
    expect(chosenIds(before)).toEqual([1]);
  });
});

describe('togglePerson and removePerson', () => {
  it('chooses, unchooses, and never chooses the excluded', () => {
    let c = togglePerson([], p(4), new Set([7]));
    expect(chosenIds(c)).toEqual([4]);
    c = togglePerson(c, p(7), new Set([7]));
    expect(chosenIds(c)).toEqual([4]);
    c = togglePerson(c, p(4), new Set([7]));
    expect(c).toEqual([]);
    expect(chosenIds(removePerson([p(1), p(2)], 1))).toEqual([2]);
  });
});

describe('focusAfterRemove', () => {
  it.each([
    { index: 0, count: 1, want: -1 },
    { index: 0, count: 3, want: 0 },
    { index: 1, count: 3, want: 1 },
    { index: 2, count: 3, want: 1 },
  ])('chip $index of $count → $want', ({ index, count, want }) => {
    expect(focusAfterRemove(index, count)).toBe(want);
  });
});

describe('departmentOptions', () => {
  it('lists the tree in order, indenting children', () => {
    const opts = departmentOptions([
      { id: 3, name: '预算股', path: '预算股', sort_order: 2 },
      { id: 5, parent_id: 3, name: '预算执行组', path: '预算股/预算执行组', sort_order: 4 },
      { id: 1, name: '局领导', path: '局领导', sort_order: 0 },
      { id: 4, parent_id: 3, name: '预算编制组', path: '预算股/预算编制组', sort_order: 3 },
    ]);
    expect(opts.map((o) => [o.id, o.label, o.hasChildren])).toEqual([
      [1, '局领导', false],
      [3, '预算股', true],
      [4, '\u3000预算编制组', false],
      [5, '\u3000预算执行组', false],
    ]);
  });
});
