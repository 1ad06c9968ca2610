// Editing a person's memberships: departments (one primary) and the party organisation.
// PUT …/memberships replaces both, so the draft always holds the whole picture.

import { DEFAULT_PARTY_ROLE, type MembershipsRequest, type User } from './types';

export const MAX_DEPARTMENTS = 20;

export interface MembershipDraft {
  /** In order; exactly one primary when not empty. */
  departments: { department_id: number; primary: boolean }[];
  /** 0: not a party member. */
  partyOrgId: number;
  partyRole: string;
}

export function draftFromUser(u: Pick<User, 'departments' | 'party'>): MembershipDraft {
  const depts = (u.departments ?? []).map((d) => ({ department_id: d.department_id, primary: !!d.primary }));
  return {
    departments: withOnePrimary(depts),
    partyOrgId: u.party?.party_org_id ?? 0,
    partyRole: u.party?.party_role || DEFAULT_PARTY_ROLE,
  };
}

/** Keeps the first primary, or makes the first department primary (as the server does). */
function withOnePrimary(ds: MembershipDraft['departments']): MembershipDraft['departments'] {
  const first = ds.findIndex((d) => d.primary);
  const keep = first < 0 ? 0 : first;
  return ds.map((d, i) => ({ ...d, primary: i === keep }));
}

export function addDepartment(d: MembershipDraft, id: number): MembershipDraft {
  if (!id || d.departments.some((x) => x.department_id === id) || d.departments.length >= MAX_DEPARTMENTS) return d;
  return { ...d, departments: withOnePrimary([...d.departments, { department_id: id, primary: false }]) };
}

export function removeDepartment(d: MembershipDraft, id: number): MembershipDraft {
  return { ...d, departments: withOnePrimary(d.departments.filter((x) => x.department_id !== id)) };
}

export function setPrimary(d: MembershipDraft, id: number): MembershipDraft {
  if (!d.departments.some((x) => x.department_id === id)) return d;
  return { ...d, departments: d.departments.map((x) => ({ ...x, primary: x.department_id === id })) };
}

export function membershipsBody(d: MembershipDraft): MembershipsRequest {
  return {
    departments: d.departments.map((x) => (x.primary ? { department_id: x.department_id, primary: true } : { department_id: x.department_id })),
    party: d.partyOrgId > 0 ? { party_org_id: d.partyOrgId, party_role: d.partyRole.trim() || DEFAULT_PARTY_ROLE } : null,
  };
}

export function sameMemberships(a: MembershipDraft, b: MembershipDraft): boolean {
  return JSON.stringify(membershipsBody(a)) === JSON.stringify(membershipsBody(b));
}
