import { describe, expect, it } from 'vitest';
import { ApiError, createRequest } from '../api';
import { err, fakeFetch } from '../testing';
import { createGroupsApi } from './api';

const group = {
  id: 12,
  kind: 'group',
  name: '预算编制会议筹备组',
  post_policy: 'everyone',
  mention_all: 'everyone',
  max_secrecy: 1,
  last_seq: 0,
  epoch: 1,
  role: 'admin',
  read_seq: 0,
  unread: 0,
};
const person = (id: number) => ({ id, username: `u${id}`, display_name: `人${id}`, departments: [{ department_id: 3, primary: true }] });

describe('createGroupsApi', () => {
  it('sends the documented shapes', async () => {
    const { fetch, calls } = fakeFetch({
      'POST /api/v1/channels': () => ({ status: 201, body: group }),
      'PATCH /api/v1/channels/12': () => ({ status: 200, body: { ...group, topic: '会务' } }),
      'GET /api/v1/channels/12/members': () => ({ status: 200, body: { members: [{ user_id: 3, username: 'chenzhiqiang', display_name: '陈志强', role: 'admin' }] } }),
      'POST /api/v1/channels/12/members': () => ({ status: 204 }),
      'DELETE /api/v1/channels/12/members/6': () => ({ status: 204 }),
      'PUT /api/v1/channels/12/members/6/role': () => ({ status: 204 }),
    });
    const api = createGroupsApi(createRequest(fetch));
    expect((await api.create({ name: '预算编制会议筹备组', members: [6, 20] })).id).toBe(12);
    expect((await api.update(12, { topic: '会务' })).topic).toBe('会务');
    expect((await api.members(12)).map((m) => m.user_id)).toEqual([3]);
    await api.addMembers(12, [4]);
    await api.setRole(12, 6, 'admin');
    await api.removeMember(12, 6);
    expect(calls.map((c) => [c.method, c.url, c.body])).toEqual([
      ['POST', '/api/v1/channels', { name: '预算编制会议筹备组', members: [6, 20] }],
      ['PATCH', '/api/v1/channels/12', { topic: '会务' }],
      ['GET', '/api/v1/channels/12/members', undefined],
      ['POST', '/api/v1/channels/12/members', { user_ids: [4] }],
      ['PUT', '/api/v1/channels/12/members/6/role', { role: 'admin' }],
      ['DELETE', '/api/v1/channels/12/members/6', undefined],
    ]);
  });

  it('keeps the code of a refusal, such as the last admin leaving', async () => {
    const { fetch } = fakeFetch({ 'DELETE /api/v1/channels/12/members/3': () => ({ status: 409, body: err('conflict') }) });
    const e = await createGroupsApi(createRequest(fetch)).removeMember(12, 3).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).code).toBe('conflict');
  });

  it('searches the whole organisation, trimmed', async () => {
    const { fetch, calls } = fakeFetch({ 'GET /api/v1/org/people?q=%E6%9D%8E&limit=30': () => ({ status: 200, body: { people: [person(7)] } }) });
    expect((await createGroupsApi(createRequest(fetch)).search(' 李 ')).map((p) => p.id)).toEqual([7]);
    expect(calls).toHaveLength(1);
  });

  it('loads a whole department page by page until an empty page', async () => {
    const { fetch, calls } = fakeFetch({
      'GET /api/v1/org/people?department=3&sub=true&limit=1000': () => ({ status: 200, body: { people: [person(7), person(8)] } }),
      // A short page need not be the last: disabled accounts are dropped after paging.
      'GET /api/v1/org/people?department=3&sub=true&limit=1000&offset=1000': () => ({ status: 200, body: { people: [person(1009)] } }),
      'GET /api/v1/org/people?department=3&sub=true&limit=1000&offset=2000': () => ({ status: 200, body: { people: [] } }),
    });
    expect((await createGroupsApi(createRequest(fetch)).departmentPeople(3, true)).map((p) => p.id)).toEqual([7, 8, 1009]);
    expect(calls).toHaveLength(3);
  });

  it('lists departments from the org tree', async () => {
    const { fetch } = fakeFetch({
      'GET /api/v1/org': () => ({ status: 200, body: { departments: [{ id: 1, name: '局领导', path: '局领导', sort_order: 0 }], party_orgs: [] } }),
    });
    expect((await createGroupsApi(createRequest(fetch)).departments()).map((d) => d.id)).toEqual([1]);
  });
});
