import { describe, expect, it } from 'vitest';
import { addDepartment, draftFromUser, MAX_DEPARTMENTS, membershipsBody, removeDepartment, sameMemberships, setPrimary } from './memberships';

const base = draftFromUser({
  departments: [
    { department_id: 3, primary: true },
    { department_id: 2 },
  ],
  party: { party_org_id: 2, party_role: '组织委员' },
});

describe('memberships', () => {
  it('starts from the user', () => {
    expect(base).toEqual({
      departments: [
        { department_id: 3, primary: true },
        { department_id: 2, primary: false },
      ],
      partyOrgId: 2,
      partyRole: '组织委员',
    });
    expect(draftFromUser({ departments: [] })).toEqual({ departments: [], partyOrgId: 0, partyRole: '党员' });
  });

  it('makes the first department primary when none is', () => {
    const d = draftFromUser({ departments: [{ department_id: 5 }, { department_id: 6 }] });
    expect(d.departments.map((x) => x.primary)).toEqual([true, false]);
  });

  it('adds once, and not past the limit', () => {
    expect(addDepartment(base, 3)).toBe(base);
    expect(addDepartment(base, 0)).toBe(base);
    const added = addDepartment(base, 7);
    expect(added.departments.map((x) => x.department_id)).toEqual([3, 2, 7]);
    let full = draftFromUser({ departments: [] });
    for (let i = 1; i <= MAX_DEPARTMENTS + 3; i++) full = addDepartment(full, i);
    expect(full.departments.length).toBe(MAX_DEPARTMENTS);
    expect(full.departments[0]!.primary).toBe(true);
  });

  it('moves primary to the first remaining when the primary is removed', () => {
    const d = removeDepartment(addDepartment(base, 7), 3);
    expect(d.departments).toEqual([
      { department_id: 2, primary: true },
      { department_id: 7, primary: false },
    ]);
  });

  it('sets exactly one primary', () => {
    const d = setPrimary(base, 2);
    expect(d.departments.filter((x) => x.primary).map((x) => x.department_id)).toEqual([2]);
    expect(setPrimary(base, 99)).toBe(base);
  });

  it('builds the PUT body, with party null when not a member', () => {
    expect(membershipsBody(base)).toEqual({
      departments: [{ department_id: 3, primary: true }, { department_id: 2 }],
      party: { party_org_id: 2, party_role: '组织委员' },
    });
    expect(membershipsBody({ departments: [], partyOrgId: 0, partyRole: '书记' })).toEqual({ departments: [], party: null });
    expect(membershipsBody({ ...base, partyRole: ' ' }).party).toEqual({ party_org_id: 2, party_role: '党员' });
  });

  it('compares drafts by what would be sent', () => {
    expect(sameMemberships(base, draftFromUser({ departments: [{ department_id: 3, primary: true }, { department_id: 2 }], party: { party_org_id: 2, party_role: '组织委员' } }))).toBe(true);
    expect(sameMemberships(base, setPrimary(base, 2))).toBe(false);
  });
});
