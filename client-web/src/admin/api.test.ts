import { describe, expect, it } from 'vitest';
import { ApiError, createRequest } from '../api';
import { err, fakeFetch } from '../testing';
import { createAdminApi, usersPath } from './api';

const user = {
  id: 21,
  username: 'liming',
  display_name: '李明',
  role: 'staff',
  created_at: '2026-11-23T14:03:49.508Z',
  departments: [{ department_id: 4, primary: true }],
};

describe('usersPath', () => {
  it.each([
    { name: 'only paging', q: { limit: 50, offset: 0 }, want: '/admin/users?limit=50' },
    { name: 'trimmed search', q: { q: '  李 ', limit: 50, offset: 50 }, want: '/admin/users?q=%E6%9D%8E&limit=50&offset=50' },
    { name: 'role', q: { role: 'leader', limit: 10, offset: 0 }, want: '/admin/users?role=leader&limit=10' },
    { name: 'department with sub', q: { department: 3, sub: true, limit: 50, offset: 0 }, want: '/admin/users?department=3&sub=true&limit=50' },
    { name: 'sub without department is dropped', q: { sub: true, limit: 50, offset: 0 }, want: '/admin/users?limit=50' },
  ])('$name', ({ q, want }) => {
    expect(usersPath(q)).toBe(want);
  });
});

describe('createAdminApi', () => {
  it('lists users', async () => {
    const { fetch } = fakeFetch({ 'GET /api/v1/admin/users?limit=50': () => ({ status: 200, body: { users: [user] } }) });
    expect(await createAdminApi(createRequest(fetch)).listUsers({ limit: 50, offset: 0 })).toEqual([user]);
  });

  it('creates, updates, sets memberships and resets with the documented shapes', async () => {
    const ok = () => ({ status: 200, body: { user, one_time_password: '4wZk-yXhY-QqvM' } });
    const { fetch, calls } = fakeFetch({
      'POST /api/v1/admin/users': () => ({ status: 201, body: { user, one_time_password: '4wZk-yXhY-QqvM' } }),
      'PATCH /api/v1/admin/users/21': ok,
      'PUT /api/v1/admin/users/21/memberships': ok,
      'POST /api/v1/admin/users/21/reset-password': ok,
      'POST /api/v1/admin/users/21/reset-totp': () => ({ status: 204 }),
    });
    const api = createAdminApi(createRequest(fetch));
    expect((await api.createUser({ username: 'liming', display_name: '李明' })).one_time_password).toBe('4wZk-yXhY-QqvM');
    await api.updateUser(21, { title: '副组长', disabled: true });
    await api.setMemberships(21, { departments: [{ department_id: 4, primary: true }], party: null });
    await api.resetPassword(21);
    expect(await api.resetTotp(21)).toBeUndefined();
    expect(calls.map((c) => [c.method, c.url, c.body])).toEqual([
      ['POST', '/api/v1/admin/users', { username: 'liming', display_name: '李明' }],
      ['PATCH', '/api/v1/admin/users/21', { title: '副组长', disabled: true }],
      ['PUT', '/api/v1/admin/users/21/memberships', { departments: [{ department_id: 4, primary: true }], party: null }],
      ['POST', '/api/v1/admin/users/21/reset-password', undefined],
      ['POST', '/api/v1/admin/users/21/reset-totp', undefined],
    ]);
  });

  it('creates with POST and saves with PUT, for both trees', async () => {
    const dept = { id: 9, parent_id: 3, name: '综合组', path: '预算股/综合组', sort_order: 10 };
    const party = { id: 4, parent_id: 1, name: '第三党小组', kind: 'group', path: '机关党支部/第三党小组', sort_order: 3 };
    const { fetch, calls } = fakeFetch({
      'POST /api/v1/admin/departments': () => ({ status: 201, body: dept }),
      'PUT /api/v1/admin/departments/9': () => ({ status: 200, body: dept }),
      'DELETE /api/v1/admin/departments/9': () => ({ status: 204 }),
      'POST /api/v1/admin/party-orgs': () => ({ status: 201, body: party }),
      'PUT /api/v1/admin/party-orgs/4': () => ({ status: 200, body: party }),
      'DELETE /api/v1/admin/party-orgs/4': () => ({ status: 409, body: err('conflict') }),
    });
    const api = createAdminApi(createRequest(fetch));
    expect(await api.saveDepartment(undefined, { name: '综合组', parent_id: 3, sort_order: 10 })).toEqual(dept);
    await api.saveDepartment(9, { name: '综合组', parent_id: 3, sort_order: 10 });
    await api.deleteDepartment(9);
    await api.savePartyOrg(undefined, { name: '第三党小组', kind: 'group', parent_id: 1, sort_order: 3 });
    await api.savePartyOrg(4, { name: '第三党小组', kind: 'group', parent_id: 1, sort_order: 3 });
    const e = await api.deletePartyOrg(4).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).code).toBe('conflict');
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      'POST /api/v1/admin/departments',
      'PUT /api/v1/admin/departments/9',
      'DELETE /api/v1/admin/departments/9',
      'POST /api/v1/admin/party-orgs',
      'PUT /api/v1/admin/party-orgs/4',
      'DELETE /api/v1/admin/party-orgs/4',
    ]);
  });

  it('reads the org tree, tolerating absent lists', async () => {
    const { fetch } = fakeFetch({ 'GET /api/v1/org': () => ({ status: 200, body: {} }) });
    expect(await createAdminApi(createRequest(fetch)).orgTree()).toEqual({ departments: [], party_orgs: [] });
  });
});
