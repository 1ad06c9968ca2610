// The form that creates, renames and moves a department or party organisation.

import type { DepartmentRequest, PartyKind, PartyOrgRequest } from './types';

export interface TreeFormValues {
  name: string;
  /** 0: top level. */
  parentId: number;
  /** As typed; an empty field means 0. */
  sortOrder: string;
}

export type TreeProblem = { kind: 'required' } | { kind: 'too_long'; max: number } | { kind: 'slash' } | { kind: 'control_characters' } | { kind: 'sort' };

export type TreeProblems = Partial<Record<'name' | 'sort_order', TreeProblem>>;

export const NAME_MAX = 64;
// Control characters, direction controls (U+202A–U+202E, U+2066–U+2069).
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

export function validateTreeForm(v: TreeFormValues): TreeProblems {
  const out: TreeProblems = {};
  const name = v.name.trim();
  if (!name) out.name = { kind: 'required' };
  else if (/[/／]/.test(name)) out.name = { kind: 'slash' };
  else if (FORBIDDEN.test(name)) out.name = { kind: 'control_characters' };
  else if ([...name].length > NAME_MAX) out.name = { kind: 'too_long', max: NAME_MAX };
  const s = v.sortOrder.trim();
  if (s && !/^-?\d{1,9}$/.test(s)) out.sort_order = { kind: 'sort' };
  return out;
}

function sortOf(v: TreeFormValues): number {
  const n = Number.parseInt(v.sortOrder.trim(), 10);
  return Number.isFinite(n) ? n : 0;
}

/** PUT replaces all three fields, so every body carries all of them. */
export function departmentBody(v: TreeFormValues): DepartmentRequest {
  const body: DepartmentRequest = { name: v.name.trim(), sort_order: sortOf(v) };
  if (v.parentId > 0) body.parent_id = v.parentId;
  return body;
}

/** A branch has no parent; a group names its branch. The kind never changes. */
export function partyOrgBody(v: TreeFormValues, kind: PartyKind): PartyOrgRequest {
  const body: PartyOrgRequest = { name: v.name.trim(), kind, sort_order: sortOf(v) };
  if (kind === 'group' && v.parentId > 0) body.parent_id = v.parentId;
  return body;
}

/** A sort number just after the last sibling, for a new node. */
export function nextSortOrder(items: readonly { parent_id?: number; sort_order: number }[], parentId: number): number {
  const sibs = items.filter((i) => (i.parent_id ?? 0) === parentId);
  return sibs.length ? Math.max(...sibs.map((s) => s.sort_order)) + 1 : 0;
}
