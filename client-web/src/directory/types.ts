// Wire types of the directory (PROTOCOL.md 4.4 and 4.9), as the server sends them.
// Optional fields are left out when empty; treat absent as empty.

export interface Department {
  id: number;
  parent_id?: number;
  name: string;
  path: string;
  sort_order: number;
}

export interface PartyOrg {
  id: number;
  parent_id?: number;
  name: string;
  kind: 'branch' | 'group' | string;
  path: string;
  sort_order: number;
}

export interface OrgTree {
  departments: Department[];
  party_orgs: PartyOrg[];
}

export interface PersonDept {
  department_id: number;
  primary: boolean;
}

export interface PersonParty {
  party_org_id: number;
  party_role?: string;
}

export interface Person {
  id: number;
  username: string;
  display_name: string;
  title?: string;
  position?: string;
  phone?: string;
  departments: PersonDept[];
  party?: PersonParty;
}

export interface People {
  people: Person[];
}

/** GET /presence: keys are user ids as strings. */
export interface Presence {
  online: Record<string, boolean>;
}
