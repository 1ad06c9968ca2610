import { describe, expect, it } from 'vitest';
import {
  clampQuery,
  departmentPaths,
  groupPeople,
  inPartyOrgs,
  mergePeople,
  partyOf,
  peoplePath,
  presenceMap,
  sortByName,
  telHref,
} from './people';
import type { Department, PartyOrg, Person } from './types';

function person(id: number, over: Partial<Person> = {}): Person {
  return { id, username: `u${id}`, display_name: `人${id}`, departments: [], ...over };
}

describe('clampQuery', () => {
  const cases: [string, string, string][] = [
    ['trims spaces', '  张静 ', '张静'],
    ['keeps short text', 'zhangjing', 'zhangjing'],
    ['cuts ASCII at 64 bytes', 'a'.repeat(70), 'a'.repeat(64)],
    ['cuts Chinese at a character, not inside one (21 × 3 bytes)', '张'.repeat(30), '张'.repeat(21)],
    ['keeps a 4-byte character whole or not at all', 'a'.repeat(62) + '𠀀', 'a'.repeat(62)],
    ['empty stays empty', '   ', ''],
  ];
  for (const [name, input, want] of cases) {
    it(name, () => {
      expect(clampQuery(input)).toBe(want);
      expect(new TextEncoder().encode(clampQuery(input)).length).toBeLessThanOrEqual(64);
    });
  }
});

describe('peoplePath', () => {
  const cases: [string, Parameters<typeof peoplePath>[0], string][] = [
    ['everyone', { limit: 200, offset: 0 }, '/org/people?limit=200'],
    ['a department with those below', { department: 3, sub: true, limit: 200, offset: 0 }, '/org/people?department=3&sub=true&limit=200'],
    ['a department alone', { department: 3, sub: false, limit: 200, offset: 400 }, '/org/people?department=3&limit=200&offset=400'],
    ['a search, encoded', { q: ' 张 静 ', limit: 50, offset: 0 }, '/org/people?q=%E5%BC%A0+%E9%9D%99&limit=50'],
    ['sub without a department is left out', { sub: true, limit: 10, offset: 0 }, '/org/people?limit=10'],
    ['an ampersand cannot break out', { q: 'a&department=9', limit: 10, offset: 0 }, '/org/people?q=a%26department%3D9&limit=10'],
  ];
  for (const [name, params, want] of cases) it(name, () => expect(peoplePath(params)).toBe(want));
});

describe('mergePeople', () => {
  it('appends new people and updates those already shown in place', () => {
    const a = person(1);
    const b = person(2);
    const b2 = person(2, { title: '科员' });
    const c = person(3);
    expect(mergePeople([a, b], [b2, c])).toEqual([a, b2, c]);
  });

  it('does not change its input', () => {
    const shown = [person(1)];
    mergePeople(shown, [person(2)]);
    expect(shown).toHaveLength(1);
  });

  it('drops duplicates within a page', () => {
    expect(mergePeople([], [person(1), person(1)]).map((p) => p.id)).toEqual([1]);
  });
});

describe('sortByName', () => {
  it('sorts Chinese names by pinyin, as readers expect', () => {
    const names = ['张静', '李华', '吴强', '王建国', '赵敏', '冯宇', '郑雪', '孙丽', '周涛'];
    const sorted = sortByName(names.map((n, i) => person(i + 1, { display_name: n }))).map((p) => p.display_name);
    expect(sorted).toEqual(['冯宇', '李华', '孙丽', '王建国', '吴强', '张静', '赵敏', '郑雪', '周涛']);
  });

  it('falls back to the username for a missing name, and breaks ties by username', () => {
    const ps = [person(1, { display_name: '', username: 'zz' }), person(2, { display_name: '李华', username: 'lihua2' }), person(3, { display_name: '李华', username: 'lihua' })];
    expect(sortByName(ps).map((p) => p.username)).toEqual(['lihua', 'lihua2', 'zz']);
  });
});

const DEPTS = new Map<number, Department>([
  [3, { id: 3, name: '预算股', path: '预算股', sort_order: 2 }],
  [4, { id: 4, parent_id: 3, name: '预算编制组', path: '预算股/预算编制组', sort_order: 3 }],
  [8, { id: 8, name: '信息中心', path: '信息中心', sort_order: 7 }],
]);

describe('departmentPaths', () => {
  it('lists the primary department first and skips unknown ones', () => {
    const p = person(1, {
      departments: [
        { department_id: 8, primary: false },
        { department_id: 99, primary: false },
        { department_id: 4, primary: true },
      ],
    });
    expect(departmentPaths(p, DEPTS)).toEqual(['预算股/预算编制组', '信息中心']);
  });
});

describe('groupPeople', () => {
  const home = (p: Person) => p.departments.map((d) => d.department_id);
  const a = person(1, { departments: [{ department_id: 4, primary: true }] });
  const b = person(2, { departments: [{ department_id: 3, primary: true }] });
  const c = person(3, { departments: [{ department_id: 8, primary: true }, { department_id: 3, primary: false }] });
  const d = person(4);
  const e = person(5, { departments: [{ department_id: 4, primary: true }] });

  it('follows the order of the headings and keeps the order within each', () => {
    expect(groupPeople([a, b, c, d, e], [3, 4], home)).toEqual([
      { id: 3, people: [b, c] },
      { id: 4, people: [a, e] },
      { id: 0, people: [d] },
    ]);
  });

  it('puts a person under their first home that is shown', () => {
    expect(groupPeople([c], [3, 4, 8], home)).toEqual([{ id: 8, people: [c] }]);
  });

  it('gives nothing for nobody', () => {
    expect(groupPeople([], [1], home)).toEqual([]);
  });
});

describe('party organisations', () => {
  const ORGS = new Map<number, PartyOrg>([[2, { id: 2, parent_id: 1, name: '第一党小组', kind: 'group', path: '机关党支部/第一党小组', sort_order: 1 }]]);
  const member = person(1, { party: { party_org_id: 2, party_role: '组织委员' } });
  const plain = person(2, { party: { party_org_id: 2 } });
  const outside = person(3);

  it('filters people by party organisation', () => {
    expect(inPartyOrgs([member, outside, plain], [1, 2])).toEqual([member, plain]);
    expect(inPartyOrgs([member], [3])).toEqual([]);
  });

  it('names the organisation by its path, with the role', () => {
    expect(partyOf(member, ORGS)).toEqual({ path: '机关党支部/第一党小组', role: '组织委员' });
    expect(partyOf(plain, ORGS)).toEqual({ path: '机关党支部/第一党小组', role: undefined });
    expect(partyOf(outside, ORGS)).toBeUndefined();
    expect(partyOf(person(4, { party: { party_org_id: 77 } }), ORGS)).toBeUndefined();
  });
});

describe('presenceMap', () => {
  it('reads string keys as ids and ignores what is not a person', () => {
    const m = presenceMap({ '3': true, '6': false, x: true, '0': true, '-1': true, '7': 'yes' as unknown as boolean });
    expect([...m.entries()]).toEqual([
      [3, true],
      [6, false],
    ]);
    expect(presenceMap(undefined).size).toBe(0);
  });
});

describe('telHref', () => {
  const cases: [string, string][] = [
    ['13800000007', 'tel:13800000007'],
    ['0755-1234 5678', 'tel:075512345678'],
    ['+86 138 0000 0007', 'tel:+8613800000007'],
    ['(010) 6512-3456 转 8001', 'tel:01065123456,8001'],
    ['0755-12345678 ext. 12', 'tel:075512345678,12'],
    ['javascript:alert(1)', 'tel:1'],
  ];
  for (const [phone, want] of cases) it(`${phone} → ${want}`, () => expect(telHref(phone)).toBe(want));
});
