import { describe, expect, it } from 'vitest';
import { indexOrg } from '../directory/org';
import type { Person } from '../directory/types';
import { GROUP_ABOVE, arrangeReaders } from './panel';
import type { Directory } from './store';

const person = (id: number, name: string, dept?: number): Person => ({
  id,
  username: `u${id}`,
  display_name: name,
  departments: dept ? [{ department_id: dept, primary: true }] : [],
});

const org = indexOrg({
  departments: [
    { id: 1, name: '办公室', path: '办公室', sort_order: 1 },
    { id: 2, name: '预算股', path: '预算股', sort_order: 2 },
    { id: 3, parent_id: 2, name: '预算编制组', path: '预算股/预算编制组', sort_order: 3 },
  ],
  party_orgs: [],
});

describe('arrangeReaders', () => {
  it('lists a few people by name (pinyin), without headings', () => {
    const dir: Directory = { people: new Map([[1, person(1, '周海燕', 1)], [2, person(2, '陈志强', 1)]]), org };
    const a = arrangeReaders([1, 2], dir, (id) => `#${id}`);
    expect(a.byDepartment).toBe(false);
    expect(a.groups[0]!.people.map((p) => p.name)).toEqual(['陈志强', '周海燕']);
  });

  it('puts a big list under departments in the order of the tree, the rest last', () => {
    const people = new Map<number, Person>();
    const ids: number[] = [];
    for (let i = 1; i <= GROUP_ABOVE + 3; i++) {
      people.set(i, person(i, `干部${i}`, [3, 1, undefined][i % 3]));
      ids.push(i);
    }
    ids.push(999); // not in the directory: a disabled account still in the group
    const a = arrangeReaders(ids, { people, org }, (id) => `用户${id}`);
    expect(a.byDepartment).toBe(true);
    expect(a.groups.map((g) => g.name)).toEqual(['办公室', '预算股/预算编制组', '']);
    expect(a.groups.flatMap((g) => g.people).length).toBe(ids.length);
    expect(a.groups[2]!.people.some((p) => p.name === '用户999')).toBe(true);
  });

  it('lists by name without the directory', () => {
    const ids = Array.from({ length: GROUP_ABOVE + 5 }, (_, i) => i + 1);
    const a = arrangeReaders(ids, undefined, (id) => `用户${id}`);
    expect(a.byDepartment).toBe(false);
    expect(a.groups[0]!.people).toHaveLength(ids.length);
  });
});
