// The person's own working time and notification levels, as the settings page reads and
// saves them: GET/PUT /me/quiet (own weekly schedule or the organisation's, leave ranges),
// GET/PUT /channels/{id}/notify. Pure functions and a thin API over the app's request.

import type { Request } from '../../api';
import { defaultSchedule, parseClock, readSchedule, scheduleBody } from '../../quiet/schedule';
import { DAY_KEYS, type ChannelNotify, type DayKey, type LeaveRange, type MyQuietResponse, type MyQuietSettings, type OrgWorkSchedule, type Reachability, type Span, type Unchecked, type WeekSchedule } from '../../quiet/types';

export type { LeaveRange };

export interface MyQuiet {
  /** My own weekly schedule (part-time…); undefined: the organisation's applies. */
  own?: WeekSchedule;
  /** The organisation's schedule, to show and to start my own from. */
  org: WeekSchedule;
  leave: LeaveRange[];
  /** Also push while the app is open but idle (not only when it is closed). */
  pushWhenIdle: boolean;
  /** My state now, as the server judges it (protocol.Reachability), when it says. */
  status?: { reachable: boolean; reason: string; next?: string };
}

export type NotifyLevel = 'all' | 'mentions' | 'none';
export const NOTIFY_LEVELS: readonly NotifyLevel[] = ['all', 'mentions', 'none'];

/** At most this many leave ranges, each at most this many days, a note of at most this many characters (as the server checks). */
export const MAX_LEAVE = 100;
export const MAX_LEAVE_DAYS = 366;
export const MAX_NOTE = 200;

const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const isSchedule = (v: unknown) => !!v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).some((k) => (DAY_KEYS as readonly string[]).includes(k));

/** Reads the reply of GET and PUT /me/quiet (protocol.MyQuietResponse). */
export function readMyQuiet(raw: unknown): MyQuiet {
  const o: Unchecked<MyQuietResponse> = obj(raw);
  const orgRaw = (obj(o.org) as Unchecked<OrgWorkSchedule>).week;
  const leave = (Array.isArray(o.leave) ? (o.leave as unknown[]) : [])
    .map(obj)
    .filter((l) => typeof l.from === 'string' && typeof l.to === 'string')
    .map((l) => ({ from: l.from as string, to: l.to as string, ...(typeof l.note === 'string' && l.note ? { note: l.note } : {}) }));
  const st: Unchecked<Reachability> = obj(o.status);
  return {
    own: isSchedule(o.own_schedule) ? readSchedule(o.own_schedule) : undefined,
    org: isSchedule(orgRaw) ? readSchedule(orgRaw) : defaultSchedule(),
    leave,
    pushWhenIdle: o.push_when_idle === true,
    status: typeof st.reason === 'string' ? { reachable: st.reachable === true, reason: st.reason, ...(typeof st.next === 'string' ? { next: st.next } : {}) } : undefined,
  };
}

/** The body of PUT /me/quiet (protocol.MyQuietSettings): it replaces all of my settings. */
export function quietBody(q: Pick<MyQuiet, 'own' | 'leave' | 'pushWhenIdle'>): MyQuietSettings {
  return {
    own_schedule: q.own ? scheduleBody(q.own) : null,
    leave: [...q.leave]
      .sort((a, b) => a.from.localeCompare(b.from))
      .map((l) => ({ from: l.from, to: l.to, ...(l.note?.trim() ? { note: l.note.trim() } : {}) })),
    push_when_idle: q.pushWhenIdle,
  };
}

/** A day's spans as people read them: 08:30–12:00、14:30–18:00 (sep by locale), '' for none. */
export function spansText(spans: readonly Span[], sep: string): string {
  return [...spans]
    .sort((a, b) => (parseClock(a.start) ?? 0) - (parseClock(b.start) ?? 0))
    .map((s) => `${s.start}–${s.end}`)
    .join(sep);
}

/** Days with the same spans next to each other, for a short summary: 周一至周五 08:30–12:00… */
export function groupDays(s: WeekSchedule): { days: DayKey[]; spans: Span[] }[] {
  const out: { days: DayKey[]; spans: Span[] }[] = [];
  const key = (spans: Span[]) => spansText(spans, ',');
  for (const d of DAY_KEYS) {
    const last = out[out.length - 1];
    if (last && key(last.spans) === key(s[d])) last.days.push(d);
    else out.push({ days: [d], spans: s[d] });
  }
  return out;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since the epoch of a YYYY-MM-DD date, or undefined when it is not a real date. */
export function dayNumber(s: string): number | undefined {
  const m = DATE_RE.exec(s);
  if (!m) return undefined;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const d = new Date(t);
  if (d.getUTCFullYear() !== Number(m[1]) || d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3])) return undefined;
  return t / 86_400_000;
}

export type LeaveProblem = 'from_format' | 'to_format' | 'order' | 'too_long' | 'note_long' | 'too_many';

/** What is wrong with a new leave range, or undefined. */
export function checkLeave(l: LeaveRange, existing: number): LeaveProblem | undefined {
  if (existing >= MAX_LEAVE) return 'too_many';
  const a = dayNumber(l.from);
  const b = dayNumber(l.to);
  if (a === undefined) return 'from_format';
  if (b === undefined) return 'to_format';
  if (b < a) return 'order';
  if (b - a + 1 > MAX_LEAVE_DAYS) return 'too_long';
  if ([...(l.note?.trim() ?? '')].length > MAX_NOTE) return 'note_long';
  return undefined;
}

/** Number of days of a range, both ends included. */
export function leaveDays(l: LeaveRange): number {
  const a = dayNumber(l.from);
  const b = dayNumber(l.to);
  return a === undefined || b === undefined ? 0 : b - a + 1;
}

/** Leave ranges that have not ended by `today` (YYYY-MM-DD), soonest first; past ones after. */
export function splitLeave(leave: readonly LeaveRange[], today: string): { current: LeaveRange[]; past: LeaveRange[] } {
  const sorted = [...leave].sort((a, b) => a.from.localeCompare(b.from));
  return { current: sorted.filter((l) => l.to >= today), past: sorted.filter((l) => l.to < today).reverse() };
}

export function isNotifyLevel(v: unknown): v is NotifyLevel {
  return v === 'all' || v === 'mentions' || v === 'none';
}

export interface QuietApi {
  mine(): Promise<MyQuiet>;
  save(q: Pick<MyQuiet, 'own' | 'leave' | 'pushWhenIdle'>): Promise<MyQuiet | undefined>;
  level(channelId: number): Promise<NotifyLevel>;
  setLevel(channelId: number, level: NotifyLevel): Promise<void>;
}

export function createQuietApi(request: Request): QuietApi {
  return {
    mine: async () => readMyQuiet(await request<unknown>('GET', '/me/quiet')),
    save: async (q) => {
      const r = await request<unknown>('PUT', '/me/quiet', quietBody(q));
      return r && typeof r === 'object' ? readMyQuiet(r) : undefined;
    },
    level: async (id) => {
      const r: Unchecked<ChannelNotify> = obj(await request<unknown>('GET', `/channels/${id}/notify`));
      return isNotifyLevel(r.level) ? r.level : 'all';
    },
    setLevel: async (id, level) => {
      await request('PUT', `/channels/${id}/notify`, { level });
    },
  };
}
