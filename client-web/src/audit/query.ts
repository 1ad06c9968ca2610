// The trail's filters as the console holds them, and the query strings they make: the
// trail (GET /audit/events), one person's timeline, the CSV export and the signed bundle
// (PROTOCOL.md §4.8, §4.24). Times are typed in Beijing time (the form's datetime-local
// fields) and sent as RFC 3339 with +08:00, whatever the device's zone. Pure functions.

import { zonedParts } from '../format';

/** Page size of the trail: the server allows 1–1000. */
export const PAGE_SIZE = 100;
export const MAX_CASE_NUMBER = 64;

export type Outcome = '' | 'ok' | 'denied' | 'failed';
export const OUTCOMES: readonly Exclude<Outcome, ''>[] = ['ok', 'denied', 'failed'];

/** Who or what a filter names, with the name to show beside it. */
export interface Named {
  id: number;
  name: string;
}

export interface TrailFilter {
  /** Actor or target user. */
  person?: Named;
  /** An exact action (auth.login) or a prefix ending in a dot (auth.). */
  action: string;
  targetType: string;
  targetId: string;
  /** The actor's department (with its sub-departments). */
  department?: Named;
  /** Events about items of at least this level; undefined: any. */
  level?: number;
  outcome: Outcome;
  /** Beijing time as a datetime-local field holds it: 2026-11-23T09:00. */
  since: string;
  until: string;
}

export const EMPTY_FILTER: TrailFilter = { action: '', targetType: '', targetId: '', outcome: '', since: '', until: '' };

export type FilterField = 'action' | 'target_type' | 'target_id' | 'since' | 'until';
export type FilterProblem = 'action_format' | 'target_type_format' | 'target_id_needs_type' | 'time_format' | 'until_before_since' | 'too_long';

const ACTION_RE = /^[a-z][a-z0-9_]*(\.([a-z0-9_]+(\.[a-z0-9_]+)*)?)?$/;
const TARGET_TYPE_RE = /^[a-z][a-z0-9_]*$/;
const LOCAL_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** A datetime-local value read as Beijing time → RFC 3339 (…+08:00); undefined when it is
 * not one (an empty one is not an error: no bound). */
export function beijingToRfc3339(local: string): string | undefined {
  const m = LOCAL_RE.exec(local.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31 || Number(h) > 23 || Number(mi) > 59) return undefined;
  // A date like 2026-02-30 does not exist: check it round-trips.
  const date = new Date(Date.UTC(Number(y), month - 1, day));
  if (date.getUTCMonth() !== month - 1) return undefined;
  return `${y}-${mo}-${d}T${h}:${mi}:${s ?? '00'}+08:00`;
}

/** An instant as a datetime-local value in Beijing time. */
export function toBeijingLocal(d: Date): string {
  const p = zonedParts(d);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

/** The default window of "what did P access this week": the last seven days. */
export function lastWeek(now: Date): { since: string; until: string } {
  return { since: toBeijingLocal(new Date(now.getTime() - 7 * 86_400_000)), until: '' };
}

/** The first problem of the filter, in the order of its fields; undefined when the server
 * would take it. */
export function checkFilter(f: TrailFilter): { field: FilterField; problem: FilterProblem } | undefined {
  const action = f.action.trim();
  if (action.length > 64) return { field: 'action', problem: 'too_long' };
  if (action && !ACTION_RE.test(action)) return { field: 'action', problem: 'action_format' };
  const tt = f.targetType.trim();
  if (tt.length > 32) return { field: 'target_type', problem: 'too_long' };
  if (tt && !TARGET_TYPE_RE.test(tt)) return { field: 'target_type', problem: 'target_type_format' };
  const tid = f.targetId.trim();
  if ([...tid].length > 64) return { field: 'target_id', problem: 'too_long' };
  if (tid && !tt) return { field: 'target_id', problem: 'target_id_needs_type' };
  const since = f.since ? beijingToRfc3339(f.since) : '';
  if (since === undefined) return { field: 'since', problem: 'time_format' };
  const until = f.until ? beijingToRfc3339(f.until) : '';
  if (until === undefined) return { field: 'until', problem: 'time_format' };
  if (since && until && Date.parse(until) <= Date.parse(since)) return { field: 'until', problem: 'until_before_since' };
  return undefined;
}

/** The filter's query parameters (absent ones left out), as the trail, the CSV export and
 * the timeline share them. Call checkFilter first: a bad time is left out here. */
export function filterParams(f: TrailFilter): URLSearchParams {
  const s = new URLSearchParams();
  if (f.person) s.set('person_id', String(f.person.id));
  const action = f.action.trim();
  if (action) s.set('action', action);
  const tt = f.targetType.trim();
  if (tt) {
    s.set('target_type', tt);
    const tid = f.targetId.trim();
    if (tid) s.set('target_id', tid);
  }
  if (f.department) s.set('department_id', String(f.department.id));
  if (f.level !== undefined && f.level > 0) s.set('level', String(f.level));
  if (f.outcome) s.set('outcome', f.outcome);
  const since = f.since ? beijingToRfc3339(f.since) : undefined;
  if (since) s.set('since', since);
  const until = f.until ? beijingToRfc3339(f.until) : undefined;
  if (until) s.set('until', until);
  return s;
}

export interface PageAt {
  beforeId?: number;
  limit?: number;
}

function withPage(s: URLSearchParams, p: PageAt): string {
  if (p.beforeId) s.set('before_id', String(p.beforeId));
  s.set('limit', String(p.limit ?? PAGE_SIZE));
  return s.toString();
}

/** GET /audit/events for this filter and page (the path under /api/v1). */
export function trailPath(f: TrailFilter, p: PageAt = {}): string {
  return `/audit/events?${withPage(filterParams(f), p)}`;
}

/** GET /audit/people/{id}/timeline: one person's events (as actor and as target). */
export function timelinePath(personId: number, range: { since: string; until: string }, p: PageAt = {}): string {
  const s = new URLSearchParams();
  const since = range.since ? beijingToRfc3339(range.since) : undefined;
  const until = range.until ? beijingToRfc3339(range.until) : undefined;
  if (since) s.set('since', since);
  if (until) s.set('until', until);
  return `/audit/people/${personId}/timeline?${withPage(s, p)}`;
}

export type CaseProblem = 'required' | 'too_long' | 'control';

/** A case number (案件编号) as the server takes it: 1–64 characters, one line, no control
 * or direction-override characters. */
export function checkCaseNumber(raw: string): CaseProblem | undefined {
  const s = raw.trim();
  if (!s) return 'required';
  if ([...s].length > MAX_CASE_NUMBER) return 'too_long';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c === 0x2028 || c === 0x2029) return 'control';
  }
  return undefined;
}

/** The address of the CSV of the current filter (a plain link: the browser downloads it
 * with the session cookie; the server streams it). */
export function csvHref(f: TrailFilter, caseNumber: string, base = '/api/v1'): string {
  const s = filterParams(f);
  s.set('case_number', caseNumber.trim());
  return `${base}/audit/export.csv?${s.toString()}`;
}

/** The address of the signed bundle of a time range. */
export function bundleHref(range: { since: string; until: string }, caseNumber: string, base = '/api/v1'): string {
  const s = new URLSearchParams();
  const since = range.since ? beijingToRfc3339(range.since) : undefined;
  const until = range.until ? beijingToRfc3339(range.until) : undefined;
  if (since) s.set('since', since);
  if (until) s.set('until', until);
  s.set('case_number', caseNumber.trim());
  return `${base}/audit/export.bundle?${s.toString()}`;
}

/** Is anything filtered? (The trail's 清除筛选 shows then.) */
export function isFiltered(f: TrailFilter): boolean {
  return filterParams(f).toString() !== '';
}
