// The member picker as plain data: who is chosen (in the order they were picked), who
// cannot be (yourself when creating, people already in the group when adding), and the
// department list to pick a whole department from. Pure functions, no DOM.

import type { Person } from '../chat/types';
import type { Department } from '../directory/types';
import { buildTree, preorder } from '../directory/tree';

/** Adds people not yet chosen and not excluded; says how many were new. */
export function addPeople(
  chosen: readonly Person[],
  people: readonly Person[],
  exclude: ReadonlySet<number>,
): { chosen: Person[]; added: number } {
  const have = new Set(chosen.map((p) => p.id));
  const out = chosen.slice();
  for (const p of people) {
    if (have.has(p.id) || exclude.has(p.id)) continue;
    have.add(p.id);
    out.push(p);
  }
  return { chosen: out, added: out.length - chosen.length };
}

export function removePerson(chosen: readonly Person[], id: number): Person[] {
  return chosen.filter((p) => p.id !== id);
}

/** Chooses a person, or unchooses one already chosen. */
export function togglePerson(chosen: readonly Person[], p: Person, exclude: ReadonlySet<number>): Person[] {
  return chosen.some((c) => c.id === p.id) ? removePerson(chosen, p.id) : addPeople(chosen, [p], exclude).chosen;
}

export function chosenIds(chosen: readonly Person[]): number[] {
  return chosen.map((p) => p.id);
}

/** Where focus goes after the chip at `index` is removed from a list that had `count`
 * chips: the chip now at that place, else the one before, else nowhere (-1). */
export function focusAfterRemove(index: number, count: number): number {
  const left = count - 1;
  if (left <= 0) return -1;
  return Math.min(index, left - 1);
}

export interface DeptOption {
  id: number;
  label: string;
  depth: number;
  hasChildren: boolean;
}

/** Departments in tree order, each label indented by its depth (a <select> cannot be
 * styled per option everywhere, so the indent is in the text). */
export function departmentOptions(depts: readonly Department[]): DeptOption[] {
  return preorder(buildTree(depts).roots).map((n) => ({
    id: n.item.id,
    label: '\u3000'.repeat(n.depth) + n.item.name,
    depth: n.depth,
    hasChildren: n.children.length > 0,
  }));
}
