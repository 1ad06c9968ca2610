// Search filters (person, channel, dates) and the people found in the same search box.
// Pure, so it is tested without a browser. Dates are Beijing dates written YYYY-MM-DD,
// as the server takes them (PROTOCOL.md, GET /api/v1/search): `to` is included.

import { zonedParts } from '../format';
import type { Person } from '../chat/types';

export interface SearchFilters {
  senderId?: number;
  channelId?: number;
  /** First day searched, YYYY-MM-DD in Beijing time. */
  from?: string;
  /** Last day searched (included), YYYY-MM-DD in Beijing time. */
  to?: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The query string of GET /search for a text and its filters. */
export function searchParams(q: string, f: SearchFilters, limit: number): URLSearchParams {
  const p = new URLSearchParams({ q: q.trim(), limit: String(limit) });
  if (f.channelId) p.set('channel', String(f.channelId));
  if (f.senderId) p.set('sender', String(f.senderId));
  if (f.from) p.set('from', f.from);
  if (f.to) p.set('to', f.to);
  return p;
}

/** What is wrong with the dates, if anything: a malformed one, or an end before the start. */
export function datesProblem(f: SearchFilters): 'from' | 'to' | 'order' | undefined {
  if (f.from && !DATE.test(f.from)) return 'from';
  if (f.to && !DATE.test(f.to)) return 'to';
  if (f.from && f.to && f.to < f.from) return 'order';
  return undefined;
}

/** The Beijing date of an instant, YYYY-MM-DD. */
export function beijingDate(ms: number): string {
  const p = zonedParts(new Date(ms));
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** The Beijing date `days` before today's (0: today). */
export function daysAgo(now: number, days: number): string {
  return beijingDate(now - days * 86_400_000);
}

export function hasFilters(f: SearchFilters | undefined): boolean {
  return Boolean(f && (f.senderId || f.channelId || f.from || f.to));
}

/** People whose name, username, title or position contains the query, best first:
 * names that start with it, then names that contain it, then the rest; at most `limit`. */
export function matchPeople(people: Record<number, Person>, query: string, exclude: number | undefined, limit = 5): Person[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const scored: { p: Person; score: number }[] = [];
  for (const p of Object.values(people)) {
    if (p.id === exclude) continue;
    const name = p.display_name.toLowerCase();
    let score = -1;
    if (name.startsWith(q)) score = 0;
    else if (name.includes(q)) score = 1;
    else if (p.username.toLowerCase().startsWith(q)) score = 2;
    else if ((p.title ?? '').toLowerCase().includes(q) || (p.position ?? '').toLowerCase().includes(q)) score = 3;
    if (score >= 0) scored.push({ p, score });
  }
  scored.sort((a, b) => a.score - b.score || a.p.display_name.localeCompare(b.p.display_name, 'zh-CN-u-co-pinyin'));
  return scored.slice(0, limit).map((x) => x.p);
}
