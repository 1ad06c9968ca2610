// People: query strings, merging pages, grouping by department or party organisation,
// and the order a Chinese reader expects. Pure functions, no DOM.

import type { Department, PartyOrg, Person } from './types';

/** Most bytes the server takes in `q` (PROTOCOL.md 4.4). */
export const MAX_QUERY_BYTES = 64;

/** What the list shows: everyone, a department, a party organisation, or a search. */
export type Scope =
  | { kind: 'all' }
  | { kind: 'dept'; id: number }
  | { kind: 'party'; id: number };

/** Trims a search text and cuts it to what the server accepts, never inside a character. */
export function clampQuery(q: string): string {
  const enc = new TextEncoder();
  let out = '';
  let bytes = 0;
  for (const ch of q.trim()) {
    bytes += enc.encode(ch).length;
    if (bytes > MAX_QUERY_BYTES) break;
    out += ch;
  }
  return out.trim();
}

export interface PeopleParams {
  q?: string;
  department?: number;
  sub?: boolean;
  limit: number;
  offset: number;
}

/** The path of GET /org/people for these parameters; empty ones are left out. */
export function peoplePath(p: PeopleParams): string {
  const s = new URLSearchParams();
  const q = p.q ? clampQuery(p.q) : '';
  if (q) s.set('q', q);
  if (p.department) {
    s.set('department', String(p.department));
    if (p.sub) s.set('sub', 'true');
  }
  s.set('limit', String(p.limit));
  if (p.offset > 0) s.set('offset', String(p.offset));
  return `/org/people?${s.toString()}`;
}

/** Appends a page to what is already shown; a person already there keeps their place
 * but takes the newer data. */
export function mergePeople(shown: readonly Person[], page: readonly Person[]): Person[] {
  const at = new Map(shown.map((p, i) => [p.id, i]));
  const out = shown.slice();
  for (const p of page) {
    const i = at.get(p.id);
    if (i === undefined) {
      at.set(p.id, out.length);
      out.push(p);
    } else {
      out[i] = p;
    }
  }
  return out;
}

const collator = new Intl.Collator('zh-CN-u-co-pinyin');

/** The name a person goes by. */
export function nameOf(p: Person): string {
  return p.display_name || p.username;
}

/** Sorted by name as a Chinese reader expects (pinyin), then username. */
export function sortByName(people: readonly Person[]): Person[] {
  return people.slice().sort((a, b) => collator.compare(nameOf(a), nameOf(b)) || collator.compare(a.username, b.username));
}

/** A person's departments, primary first, then as listed. */
export function orderedDepts(p: Person): number[] {
  const ds = p.departments ?? [];
  return [...ds.filter((d) => d.primary), ...ds.filter((d) => !d.primary)].map((d) => d.department_id);
}

/** The paths of a person's departments, primary first; unknown ids are skipped. */
export function departmentPaths(p: Person, depts: ReadonlyMap<number, Department>): string[] {
  return orderedDepts(p)
    .map((id) => depts.get(id)?.path)
    .filter((x): x is string => !!x);
}

export interface Group {
  /** A department or party organisation id; 0 for people who belong to none shown. */
  id: number;
  people: Person[];
}

/** Puts people under headings. `order` lists the heading ids in display order; `homes`
 * says under which ids a person may go, best first. A person goes under their first home
 * that is in `order`, or into group 0 at the end. Within a group the order is kept. */
export function groupPeople(people: readonly Person[], order: readonly number[], homes: (p: Person) => number[]): Group[] {
  const rank = new Map(order.map((id, i) => [id, i]));
  const groups = new Map<number, Person[]>();
  for (const p of people) {
    const home = homes(p).find((id) => rank.has(id)) ?? 0;
    const g = groups.get(home);
    if (g) g.push(p);
    else groups.set(home, [p]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (rank.get(a) ?? Infinity) - (rank.get(b) ?? Infinity))
    .map(([id, ps]) => ({ id, people: ps }));
}

/** People of a party organisation (and those below it, given as `ids`). */
export function inPartyOrgs(people: readonly Person[], ids: readonly number[]): Person[] {
  const set = new Set(ids);
  return people.filter((p) => p.party && set.has(p.party.party_org_id));
}

/** Party org of a person, with the path to show. */
export function partyOf(p: Person, orgs: ReadonlyMap<number, PartyOrg>): { path: string; role?: string } | undefined {
  if (!p.party) return undefined;
  const o = orgs.get(p.party.party_org_id);
  return o ? { path: o.path || o.name, role: p.party.party_role } : undefined;
}

/** Parses GET /presence into a map; ids the answer leaves out stay unknown. */
export function presenceMap(online: Readonly<Record<string, boolean>> | undefined): Map<number, boolean> {
  const m = new Map<number, boolean>();
  for (const [k, v] of Object.entries(online ?? {})) {
    const id = Number(k);
    if (Number.isSafeInteger(id) && id > 0 && typeof v === 'boolean') m.set(id, v);
  }
  return m;
}

/** A tel: link for a phone number as typed (spaces, dashes, brackets): a tel: URI takes
 * only digits and a leading +. An extension (转 / 分机 / ext / x) is dialled after a
 * pause (a comma), as phones do. */
export function telHref(phone: string): string {
  const [main, ext] = phone.trim().split(/\s*(?:转|分机|ext\.?|x)\s*/i, 2);
  const digits = (s: string) => s.replace(/[^0-9]/g, '');
  const extension = ext ? digits(ext) : '';
  return `tel:${main.startsWith('+') ? '+' : ''}${digits(main)}${extension ? `,${extension}` : ''}`;
}
