// Wire types of the administrator's endpoints (PROTOCOL.md 4.4–4.7, protocol/admin.go).
// Optional response fields are left out by the server when empty.

export const ALL_ROLES = ['staff', 'leader', 'security', 'auditor', 'admin'] as const;
export type Role = (typeof ALL_ROLES)[number];

/** The roles the system administrator may give over the API (三员分立). */
export const ASSIGNABLE_ROLES = ['staff', 'leader', 'admin'] as const;

/** Accounts the administrator can read but not change: the people who watch them. */
export function isWatcherRole(role: string): boolean {
  return role === 'security' || role === 'auditor';
}

/** 党内职务, in the order the protocol lists them; the server's default is 党员. */
export const PARTY_ROLES = ['书记', '副书记', '组织委员', '宣传委员', '纪检委员', '组长', '党员'] as const;
export const DEFAULT_PARTY_ROLE = '党员';

export interface UserDept {
  department_id: number;
  primary?: boolean;
}

export interface UserParty {
  party_org_id: number;
  party_role?: string;
}

export interface User {
  id: number;
  username: string;
  display_name: string;
  title?: string;
  position?: string;
  role: string;
  phone?: string;
  email?: string;
  disabled?: boolean;
  totp_enabled?: boolean;
  must_change_password?: boolean;
  locked_until?: string;
  created_at: string;
  departments: UserDept[];
  party?: UserParty;
}

export interface UserList {
  users: User[];
}

export interface UserWithPassword {
  user: User;
  one_time_password?: string;
}

export interface CreateUserRequest {
  username: string;
  display_name: string;
  title?: string;
  position?: string;
  role?: string;
  phone?: string;
  email?: string;
  departments?: UserDept[];
  party?: UserParty;
}

export interface UpdateUserRequest {
  display_name?: string;
  title?: string;
  position?: string;
  role?: string;
  phone?: string;
  email?: string;
  disabled?: boolean;
}

export interface MembershipsRequest {
  departments: UserDept[];
  party: UserParty | null;
}

export interface Department {
  id: number;
  parent_id?: number;
  name: string;
  path: string;
  sort_order: number;
}

export type PartyKind = 'branch' | 'group';

export interface PartyOrg {
  id: number;
  parent_id?: number;
  name: string;
  kind: PartyKind;
  path: string;
  sort_order: number;
}

export interface OrgTree {
  departments: Department[];
  party_orgs: PartyOrg[];
}

export interface DepartmentRequest {
  name: string;
  parent_id?: number;
  sort_order?: number;
}

export interface PartyOrgRequest {
  name: string;
  kind: PartyKind;
  parent_id?: number;
  sort_order?: number;
}

export interface OneTimePassword {
  username: string;
  password: string;
}

export interface ImportResult {
  dry_run: boolean;
  rows: number;
  users_created: number;
  users_updated: number;
  departments_created: number;
  party_orgs_created: number;
  one_time_passwords?: OneTimePassword[];
}

export interface ImportRowError {
  line: number;
  column?: string;
  code: string;
  value?: string;
  message: string;
}
