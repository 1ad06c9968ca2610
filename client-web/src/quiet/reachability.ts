// Who among the people a sender is writing to is off duty, and when they will be told:
// POST /reachability (PROTOCOL.md §4.11: {people: [{user_id, reachable, reason, next}]}), cached for about a minute per set of people, and the words the
// sender reads ("休息中，08:30 提醒"; "12 人休息中，将在上班时提醒").

import type { Request } from '../api';
import { translate, type Locale, type MessageKey } from '../i18n';
import { momentText } from './beijing';
import type { Reachability, ReachabilityResponse, Unchecked } from './types';

export const REACHABILITY_TTL_MS = 60_000;
/** Most people asked about in one request; a larger audience is asked in parts. */
export const MAX_PER_REQUEST = 500;

/** The set's cache key: the ids sorted, once each. */
export function setKey(ids: readonly number[]): string {
  return [...new Set(ids)].sort((a, b) => a - b).join(',');
}

/** Reads the server's reply, {at, time_zone, people: [{user_id, reachable, reason, next?}], unknown?};
 * people the server does not know are left out, as it leaves them out. */
export function readReply(raw: unknown): Reachability[] {
  const people = raw && typeof raw === 'object' ? (raw as Unchecked<ReachabilityResponse>).people : undefined;
  return (Array.isArray(people) ? (people as Reachability[]) : [])
    .filter((r) => r && typeof r === 'object' && typeof r.user_id === 'number')
    .map((r) => ({ user_id: r.user_id, reachable: !!r.reachable, reason: String(r.reason ?? ''), next: r.next ?? undefined }));
}

export interface ReachabilityCache {
  /** The reachability of these people, from the cache when asked within the TTL. */
  get(ids: readonly number[]): Promise<Reachability[]>;
  /** What the cache holds for this set right now, if fresh (to render without a flash). */
  peek(ids: readonly number[]): Reachability[] | undefined;
}

/** A cache over POST /reachability. A failed request is not kept, so the next ask retries. */
export function createReachabilityCache(request: Request, opts: { ttlMs?: number; now?: () => number } = {}): ReachabilityCache {
  const ttl = opts.ttlMs ?? REACHABILITY_TTL_MS;
  const clock = opts.now ?? Date.now;
  const entries = new Map<string, { at: number; promise: Promise<Reachability[]>; value?: Reachability[] }>();

  const fetchSet = async (ids: number[]): Promise<Reachability[]> => {
    const out: Reachability[] = [];
    for (let i = 0; i < ids.length; i += MAX_PER_REQUEST) {
      const part = ids.slice(i, i + MAX_PER_REQUEST);
      out.push(...readReply(await request<unknown>('POST', '/reachability', { user_ids: part })));
    }
    return out;
  };

  const fresh = (key: string) => {
    const e = entries.get(key);
    return e && clock() - e.at < ttl ? e : undefined;
  };

  return {
    get(ids) {
      const key = setKey(ids);
      if (!key) return Promise.resolve([]);
      const hit = fresh(key);
      if (hit) return hit.promise;
      for (const [k, e] of entries) if (clock() - e.at >= ttl) entries.delete(k);
      const entry: { at: number; promise: Promise<Reachability[]>; value?: Reachability[] } = {
        at: clock(),
        promise: Promise.resolve([]),
      };
      entry.promise = fetchSet(key.split(',').map(Number)).then(
        (v) => {
          entry.value = v;
          return v;
        },
        (err: unknown) => {
          if (entries.get(key) === entry) entries.delete(key);
          throw err;
        },
      );
      entries.set(key, entry);
      return entry.promise;
    },
    peek(ids) {
      return fresh(setKey(ids))?.value;
    },
  };
}

const caches = new WeakMap<Request, ReachabilityCache>();

/** The page's cache for a request function: every hint on the page shares it. */
export function reachabilityCache(request: Request): ReachabilityCache {
  let c = caches.get(request);
  if (!c) {
    c = createReachabilityCache(request);
    caches.set(request, c);
  }
  return c;
}

// ---- what the sender reads ----

const STATE_KEYS: Record<string, MessageKey> = {
  off_hours: 'quiet.reach.off_hours',
  weekend: 'quiet.reach.weekend',
  day_off: 'quiet.reach.day_off',
  holiday: 'quiet.reach.holiday',
  leave: 'quiet.reach.leave',
};

/** One off-duty person in words: "休息中，08:30 提醒", "节假日休息，10月8日 08:30 提醒",
 * "请假中，11月25日 08:30 提醒"; without a next time, "…，上班时提醒". */
export function offDutyText(r: Reachability, now: Date | number, locale: Locale): string {
  if (r.reason === 'disabled') return translate(locale, 'quiet.reach.disabled');
  const state = translate(locale, STATE_KEYS[r.reason] ?? 'quiet.reach.off_hours');
  const next = r.next ? new Date(r.next) : undefined;
  const when =
    next && !Number.isNaN(next.getTime())
      ? translate(locale, 'quiet.reach.notify_at', { when: momentText(next, now, locale) })
      : translate(locale, 'quiet.reach.notify_later');
  return translate(locale, 'quiet.reach.line', { state, when });
}

export interface OffDutyPerson {
  userId: number;
  name: string;
  text: string;
  next?: string;
}

export type OffDutySummary =
  | { kind: 'none' }
  | { kind: 'one'; person: OffDutyPerson; text: string }
  | { kind: 'many'; text: string; people: OffDutyPerson[] };

/** The hint for a set of people: nothing when all are reachable, one line for one person,
 * a count with the list (soonest first) for several. */
export function summarize(
  entries: readonly Reachability[],
  now: Date | number,
  locale: Locale,
  names: ReadonlyMap<number, string> = new Map(),
): OffDutySummary {
  const off = entries
    .filter((r) => !r.reachable)
    .map((r) => ({
      userId: r.user_id,
      name: names.get(r.user_id) ?? translate(locale, 'quiet.reach.someone', { id: r.user_id }),
      text: offDutyText(r, now, locale),
      next: r.next,
    }))
    .sort((a, b) => (a.next ? Date.parse(a.next) : Infinity) - (b.next ? Date.parse(b.next) : Infinity) || a.name.localeCompare(b.name, 'zh-CN'));
  if (off.length === 0) return { kind: 'none' };
  if (off.length === 1 && entries.length === 1) return { kind: 'one', person: off[0]!, text: off[0]!.text };
  return {
    kind: 'many',
    text: off.length === 1 ? translate(locale, 'quiet.reach.one_of', { name: off[0]!.name, line: off[0]!.text }) : translate(locale, 'quiet.reach.many', { n: off.length }),
    people: off,
  };
}
