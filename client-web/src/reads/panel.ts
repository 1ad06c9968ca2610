// How the who-read panel lists people: by name in a small channel, under their
// departments (in the order of the tree) in a big one. No DOM here.

import { groupPeople, nameOf, orderedDepts, sortByName } from '../directory/people';
import { preorder } from '../directory/tree';
import type { Person } from '../directory/types';
import type { Directory } from './store';

/** Above this many people a list goes under department headings. */
export const GROUP_ABOVE = 12;

export interface ReaderGroup {
  /** A department id; 0 for people in none known (or when not grouped). */
  id: number;
  /** The department's path (预算股/预算编制组); empty for none. */
  name: string;
  people: { id: number; name: string }[];
}

export interface Arranged {
  /** The groups are departments (with headings); else one group, by name. */
  byDepartment: boolean;
  groups: ReaderGroup[];
}

/** The people `ids` as the panel lists them. `names` is the fallback for people the
 * directory does not hold (a disabled account still in a group). */
export function arrangeReaders(ids: readonly number[], dir: Directory | undefined, names: (id: number) => string): Arranged {
  if (ids.length === 0) return { byDepartment: false, groups: [] };
  const people: Person[] = ids.map(
    (id) => dir?.people.get(id) ?? { id, username: '', display_name: names(id), departments: [] },
  );
  const sorted = sortByName(people);
  if (!dir || ids.length <= GROUP_ABOVE) {
    return { byDepartment: false, groups: [{ id: 0, name: '', people: sorted.map((p) => ({ id: p.id, name: nameOf(p) })) }] };
  }
  const order = preorder(dir.org.deptTree.roots).map((n) => n.item.id);
  const groups = groupPeople(sorted, order, orderedDepts).map((g) => ({
    id: g.id,
    name: g.id ? (dir.org.depts.get(g.id)?.path ?? '') : '',
    people: g.people.map((p) => ({ id: p.id, name: nameOf(p) })),
  }));
  return { byDepartment: true, groups };
}
