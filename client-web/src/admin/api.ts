// The administrator's REST calls, over the app's one request function.

import type { Request } from '../api';
import type {
  CreateUserRequest,
  Department,
  DepartmentRequest,
  MembershipsRequest,
  OrgTree,
  PartyOrg,
  PartyOrgRequest,
  UpdateUserRequest,
  User,
  UserList,
  UserWithPassword,
} from './types';

export const PAGE_SIZE = 50;

/** Filters of the people list; empty values are left out of the query. */
export interface UserQuery {
  q?: string;
  role?: string;
  department?: number;
  sub?: boolean;
  limit: number;
  offset: number;
}

/** The path of GET /admin/users for a query. */
export function usersPath(query: UserQuery): string {
  const p = new URLSearchParams();
  const q = query.q?.trim();
  if (q) p.set('q', q);
  if (query.role) p.set('role', query.role);
  if (query.department && query.department > 0) {
    p.set('department', String(query.department));
    if (query.sub) p.set('sub', 'true');
  }
  p.set('limit', String(query.limit));
  if (query.offset > 0) p.set('offset', String(query.offset));
  return `/admin/users?${p.toString()}`;
}

export interface AdminApi {
  listUsers(query: UserQuery): Promise<User[]>;
  getUser(id: number): Promise<UserWithPassword>;
  createUser(body: CreateUserRequest): Promise<UserWithPassword>;
  updateUser(id: number, body: UpdateUserRequest): Promise<UserWithPassword>;
  setMemberships(id: number, body: MembershipsRequest): Promise<UserWithPassword>;
  resetPassword(id: number): Promise<UserWithPassword>;
  resetTotp(id: number): Promise<void>;
  orgTree(): Promise<OrgTree>;
  saveDepartment(id: number | undefined, body: DepartmentRequest): Promise<Department>;
  deleteDepartment(id: number): Promise<void>;
  savePartyOrg(id: number | undefined, body: PartyOrgRequest): Promise<PartyOrg>;
  deletePartyOrg(id: number): Promise<void>;
}

export function createAdminApi(request: Request): AdminApi {
  const user = (id: number) => `/admin/users/${id}`;
  return {
    listUsers: async (query) => (await request<UserList>('GET', usersPath(query))).users ?? [],
    getUser: (id) => request<UserWithPassword>('GET', user(id)),
    createUser: (body) => request<UserWithPassword>('POST', '/admin/users', body),
    updateUser: (id, body) => request<UserWithPassword>('PATCH', user(id), body),
    setMemberships: (id, body) => request<UserWithPassword>('PUT', `${user(id)}/memberships`, body),
    resetPassword: (id) => request<UserWithPassword>('POST', `${user(id)}/reset-password`),
    resetTotp: (id) => request<void>('POST', `${user(id)}/reset-totp`),
    orgTree: async () => {
      const t = await request<OrgTree>('GET', '/org');
      return { departments: t.departments ?? [], party_orgs: t.party_orgs ?? [] };
    },
    saveDepartment: (id, body) =>
      id === undefined
        ? request<Department>('POST', '/admin/departments', body)
        : request<Department>('PUT', `/admin/departments/${id}`, body),
    deleteDepartment: (id) => request<void>('DELETE', `/admin/departments/${id}`),
    savePartyOrg: (id, body) =>
      id === undefined
        ? request<PartyOrg>('POST', '/admin/party-orgs', body)
        : request<PartyOrg>('PUT', `/admin/party-orgs/${id}`, body),
    deletePartyOrg: (id) => request<void>('DELETE', `/admin/party-orgs/${id}`),
  };
}
