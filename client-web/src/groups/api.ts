// The REST calls of the group screens (PROTOCOL.md §4.4 and §4.9), over the app's one
// request function.

import type { Request } from '../api';
import type { Channel, ChannelMember, Person } from '../chat/types';
import { loadOrg, loadPeople, MAX_PAGE, searchPeople } from '../directory/load';
import type { Department } from '../directory/types';
import { MAX_MEMBERS, type CreateGroupBody, type UpdateChannelBody } from './form';

/** How many people a search shows. */
export const SEARCH_LIMIT = 30;

export interface GroupsApi {
  create(body: CreateGroupBody): Promise<Channel>;
  update(channelId: number, body: UpdateChannelBody): Promise<Channel>;
  members(channelId: number): Promise<ChannelMember[]>;
  addMembers(channelId: number, userIds: readonly number[]): Promise<void>;
  removeMember(channelId: number, userId: number): Promise<void>;
  setRole(channelId: number, userId: number, role: 'admin' | 'member'): Promise<void>;
  search(q: string): Promise<Person[]>;
  departments(): Promise<Department[]>;
  departmentPeople(id: number, sub: boolean): Promise<Person[]>;
}

export function createGroupsApi(request: Request): GroupsApi {
  const base = (id: number) => `/channels/${id}`;
  return {
    create: (body) => request<Channel>('POST', '/channels', body),
    update: (id, body) => request<Channel>('PATCH', base(id), body),
    members: async (id) => (await request<{ members?: ChannelMember[] }>('GET', `${base(id)}/members`)).members ?? [],
    addMembers: (id, userIds) => request<void>('POST', `${base(id)}/members`, { user_ids: [...userIds] }),
    removeMember: (id, user) => request<void>('DELETE', `${base(id)}/members/${user}`),
    setRole: (id, user, role) => request<void>('PUT', `${base(id)}/members/${user}/role`, { role }),
    search: (q) => searchPeople(request, q, SEARCH_LIMIT),
    departments: async () => (await loadOrg(request)).departments,
    async departmentPeople(id, sub) {
      // Whole pages until the end; a group holds at most MAX_MEMBERS, so stop past that.
      let people: Person[] = [];
      for (let offset = 0; people.length <= MAX_MEMBERS; ) {
        const batch = await loadPeople(request, { department: id, sub }, offset, { limit: MAX_PAGE, maxRequests: 1 });
        people = people.concat(batch.people);
        if (batch.done) break;
        offset = batch.nextOffset;
      }
      return people;
    },
  };
}
