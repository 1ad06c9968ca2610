import { describe, expect, it } from 'vitest';
import { arrangePeople, indexOrg, scopePath, type View } from './org';
import type { OrgTree, Person } from './types';

const ORG: OrgTree = {
  departments: [
    { id: 1, name: '局领导', path: '局领导', sort_order: 0 },
    { id: 3, name: '预算股', path: '预算股', sort_order: 2 },
    { id: 8, name: '信息中心', path: '信息中心', sort_order: 7 },
    { id: 4, parent_id: 3, name: '预算编制组', path: '预算股/预算编制组', sort_order: 3 },
    { id: 5, parent_id: 3, name: '预算执行组', path: '预算股/预算执行组', sort_order: 4 },
  ],
  party_orgs: [
    { id: 1, name: '机关党支部', kind: 'branch', path: '机关党支部', sort_order: 0 },
    { id: 2, parent_id: 1, name: '第一党小组', kind: 'group', path: '机关党支部/第一党小组', sort_order: 1 },
    { id: 3, parent_id: 1, name: '第二党小组', kind: 'group', path: '机关党支部/第二党小组', sort_order: 2 },
  ],
};
const index = indexOrg(ORG);

function p(id: number, name: string, dept: number | null, party?: number): Person {
  return {
    id,
    username: `u${id}`,
    display_name: name,
    departments: dept ? [{ department_id: dept, primary: true }] : [],
    party: party ? { party_org_id: party } : undefined,
  };
}

// In the server's order, by id.
const wang = p(1, '王建国', 1, 1);
const li = p(7, '李华', 3, 2);
const zhang = p(8, '张静', 4, 2);
const wu = p(9, '吴强', 4);
const zheng = p(10, '郑雪', 5, 3);
const zhou = p(12, '周涛', 8, 3);
const nobody = p(20, '陈新', null);
const EVERYONE = [wang, li, zhang, wu, zheng, zhou, nobody];

const view = (over: Partial<View>): View => ({ q: '', scope: { kind: 'all' }, sub: true, ...over });
const shape = (a: ReturnType<typeof arrangePeople>) => ({
  headings: a.headings,
  groups: a.groups.map((g) => [g.id, g.people.map((x) => x.display_name)]),
});

describe('arrangePeople', () => {
  const cases: { name: string; view: View; people: Person[]; want: ReturnType<typeof shape> }[] = [
    {
      name: 'everyone: by department in tree order, the unplaced last',
      view: view({}),
      people: EVERYONE,
      want: {
        headings: 'dept',
        groups: [
          [1, ['王建国']],
          [3, ['李华']],
          [4, ['张静', '吴强']],
          [5, ['郑雪']],
          [8, ['周涛']],
          [0, ['陈新']],
        ],
      },
    },
    {
      name: 'a department with those below: grouped, server order kept within',
      view: view({ scope: { kind: 'dept', id: 3 } }),
      people: [li, zhang, wu, zheng],
      want: {
        headings: 'dept',
        groups: [
          [3, ['李华']],
          [4, ['张静', '吴强']],
          [5, ['郑雪']],
        ],
      },
    },
    {
      name: 'a department with nobody below: no headings',
      view: view({ scope: { kind: 'dept', id: 4 } }),
      people: [zhang, wu],
      want: { headings: 'none', groups: [[4, ['张静', '吴强']]] },
    },
    {
      name: 'a department alone: one plain list',
      view: view({ scope: { kind: 'dept', id: 3 }, sub: false }),
      people: [li],
      want: { headings: 'none', groups: [[3, ['李华']]] },
    },
    {
      name: 'a search: sorted by pinyin, whatever the scope',
      view: view({ q: '张', scope: { kind: 'dept', id: 3 } }),
      people: [zhang, wang, li, zhou],
      want: { headings: 'none', groups: [[0, ['李华', '王建国', '张静', '周涛']]] },
    },
    {
      name: 'a search that finds nobody: no groups',
      view: view({ q: '无此人' }),
      people: [],
      want: { headings: 'none', groups: [] },
    },
    {
      name: 'a party branch with its groups',
      view: view({ scope: { kind: 'party', id: 1 } }),
      people: [wang, li, zhang, zheng, zhou],
      want: {
        headings: 'party',
        groups: [
          [1, ['王建国']],
          [2, ['李华', '张静']],
          [3, ['郑雪', '周涛']],
        ],
      },
    },
    {
      name: 'a party group: no headings',
      view: view({ scope: { kind: 'party', id: 2 } }),
      people: [li, zhang],
      want: { headings: 'none', groups: [[2, ['李华', '张静']]] },
    },
  ];
  for (const c of cases) it(c.name, () => expect(shape(arrangePeople(c.view, c.people, index))).toEqual(c.want));
});

describe('scopePath', () => {
  it('names departments and party organisations by path', () => {
    expect(scopePath({ kind: 'dept', id: 4 }, index)).toBe('预算股/预算编制组');
    expect(scopePath({ kind: 'party', id: 3 }, index)).toBe('机关党支部/第二党小组');
    expect(scopePath({ kind: 'all' }, index)).toBeUndefined();
    expect(scopePath({ kind: 'dept', id: 99 }, index)).toBeUndefined();
  });
});
