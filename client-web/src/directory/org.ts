// The organisation as the directory screen uses it: both trees, look-ups by id, and how
// a list of people is arranged under headings for what the reader chose.

import { groupPeople, orderedDepts, sortByName, type Group, type Scope } from './people';
import { buildTree, preorder, subtreeIds, type Tree } from './tree';
import type { Department, OrgTree, PartyOrg, Person } from './types';

export interface OrgIndex {
  deptTree: Tree<Department>;
  partyTree: Tree<PartyOrg>;
  depts: Map<number, Department>;
  partyOrgs: Map<number, PartyOrg>;
}

export function indexOrg(org: OrgTree): OrgIndex {
  return {
    deptTree: buildTree(org.departments),
    partyTree: buildTree(org.party_orgs),
    depts: new Map(org.departments.map((d) => [d.id, d])),
    partyOrgs: new Map(org.party_orgs.map((o) => [o.id, o])),
  };
}

export const EMPTY_ORG: OrgIndex = indexOrg({ departments: [], party_orgs: [] });

/** What the list shows: a search across the organisation wins over the chosen scope. */
export interface View {
  q: string;
  scope: Scope;
  sub: boolean;
}

export interface Arranged {
  /** What the group ids name; 'none' for a list without headings. */
  headings: 'dept' | 'party' | 'none';
  groups: Group[];
}

/** Arranges people for display. Search results are sorted by name (pinyin); otherwise
 * the server's order is kept within each department or party organisation, and the
 * groups follow the tree. A person in several departments is listed once, under their
 * primary department if it is shown, else their first one that is. */
export function arrangePeople(view: View, people: readonly Person[], org: OrgIndex): Arranged {
  if (view.q) return { headings: 'none', groups: people.length ? [{ id: 0, people: sortByName(people) }] : [] };
  const { scope } = view;
  if (scope.kind === 'party') {
    const order = view.sub ? subtreeIds(org.partyTree, scope.id) : [scope.id];
    const groups = groupPeople(people, order, (p) => (p.party ? [p.party.party_org_id] : []));
    return { headings: single(groups, scope.id) ? 'none' : 'party', groups };
  }
  if (scope.kind === 'dept' && !view.sub) {
    return { headings: 'none', groups: people.length ? [{ id: scope.id, people: people.slice() }] : [] };
  }
  const order = scope.kind === 'dept' ? subtreeIds(org.deptTree, scope.id) : preorder(org.deptTree.roots).map((n) => n.item.id);
  const groups = groupPeople(people, order, orderedDepts);
  return { headings: scope.kind === 'dept' && single(groups, scope.id) ? 'none' : 'dept', groups };
}

function single(groups: readonly Group[], id: number): boolean {
  return groups.length === 0 || (groups.length === 1 && groups[0].id === id);
}

/** The heading of a list for a scope: a path, or undefined for everyone. */
export function scopePath(scope: Scope, org: OrgIndex): string | undefined {
  if (scope.kind === 'dept') return org.depts.get(scope.id)?.path;
  if (scope.kind === 'party') return org.partyOrgs.get(scope.id)?.path;
  return undefined;
}
