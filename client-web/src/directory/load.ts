// Talking to the server: pages of people and who is online. Every function takes the
// app's request function, so tests run them against a fake server.

import type { Request } from '../api';
import { mergePeople, peoplePath, presenceMap } from './people';
import type { OrgTree, People, Person, Presence } from './types';

export const PAGE_SIZE = 200;
/** The server's largest page, used to fetch the whole organisation at once. */
export const MAX_PAGE = 1000;
/** The server answers at most this many ids per presence question. */
export const PRESENCE_BATCH = 500;

export async function loadOrg(request: Request): Promise<OrgTree> {
  const t = await request<OrgTree>('GET', '/org');
  return { departments: t.departments ?? [], party_orgs: t.party_orgs ?? [] };
}

export interface PeopleFilter {
  q?: string;
  department?: number;
  sub?: boolean;
}

export interface PeopleBatch {
  people: Person[];
  /** Where the next batch starts. */
  nextOffset: number;
  /** True when the server has nothing after this. */
  done: boolean;
}

/** Loads the next batch of people from `offset`. The server drops disabled accounts
 * after applying limit and offset, so a short page may not be the last: only an empty
 * page ends the list, and the offset always moves on by a whole page. A batch stops at
 * a full page's worth of people (the reader may ask for more), at the end, or after
 * `maxRequests` pages. */
export async function loadPeople(
  request: Request,
  filter: PeopleFilter,
  offset = 0,
  { limit = PAGE_SIZE, maxRequests = 5 }: { limit?: number; maxRequests?: number } = {},
): Promise<PeopleBatch> {
  let people: Person[] = [];
  for (let n = 0; n < maxRequests; n++) {
    const page = await request<People>('GET', peoplePath({ ...filter, limit, offset }));
    const list = page.people ?? [];
    offset += limit;
    if (list.length === 0) return { people, nextOffset: offset, done: true };
    people = mergePeople(people, list);
    if (people.length >= limit) break;
  }
  return { people, nextOffset: offset, done: false };
}

/** The first `limit` people matching a search, for a picker (the directory pages through
 * a search with loadPeople). */
export async function searchPeople(request: Request, q: string, limit: number): Promise<Person[]> {
  return (await request<People>('GET', peoplePath({ q, limit, offset: 0 }))).people ?? [];
}

/** Everyone in the organisation, in the server's order (by id): pages of the largest
 * size until an empty one, at most `maxRequests` of them. */
export async function loadEveryone(request: Request, maxRequests = 50): Promise<Person[]> {
  let people: Person[] = [];
  for (let n = 0, offset = 0; n < maxRequests; n++, offset += MAX_PAGE) {
    const page = await request<People>('GET', peoplePath({ limit: MAX_PAGE, offset }));
    if (!page.people?.length) break;
    people = mergePeople(people, page.people);
  }
  return people;
}

/** Who of these people is online. Asks in batches the server accepts. */
export async function loadPresence(request: Request, ids: readonly number[]): Promise<Map<number, boolean>> {
  const unique = [...new Set(ids)].filter((id) => Number.isSafeInteger(id) && id > 0);
  const out = new Map<number, boolean>();
  for (let i = 0; i < unique.length; i += PRESENCE_BATCH) {
    const batch = unique.slice(i, i + PRESENCE_BATCH);
    const p = await request<Presence>('GET', `/presence?users=${batch.join(',')}`);
    for (const [id, on] of presenceMap(p.online)) out.set(id, on);
  }
  return out;
}
