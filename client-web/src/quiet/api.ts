// The quiet-hours endpoints the administrator's tab uses, over the app's one request function.

import type { RawBody, Request } from '../api';
import { readSchedule } from './schedule';
import type { DutyList, DutySlot, Unchecked, WeekSchedule, WorkScheduleResponse, YearFile } from './types';

export interface WorkSchedule {
  timeZone: string;
  schedule: WeekSchedule;
  /** The calendar of the year asked for; undefined when that year is not known (not yet published). */
  calendar?: YearFile;
  /** Where the year's calendar comes from: shipped in the binary, or uploaded by an administrator. */
  origin?: 'embedded' | 'uploaded';
  /** The years the server has a calendar for, when it says. */
  years?: number[];
}

function isYearFile(v: unknown): v is YearFile {
  return !!v && typeof v === 'object' && typeof (v as YearFile).year === 'number' && Array.isArray((v as YearFile).holidays);
}

/** Reads GET /work-schedule's reply (PROTOCOL.md §4.11): {time_zone, week, year, calendar,
 * calendar_origin, years}; calendar is null for a year not published. */
export function readWorkSchedule(raw: unknown, year: number): WorkSchedule {
  const o = (raw && typeof raw === 'object' ? raw : {}) as Unchecked<WorkScheduleResponse>;
  const cal = isYearFile(o.calendar) && o.calendar.year === year ? o.calendar : undefined;
  const calendar = cal ? { ...cal, holidays: cal.holidays ?? [], workdays: cal.workdays ?? [] } : undefined;
  const origin = o.calendar_origin === 'embedded' || o.calendar_origin === 'uploaded' ? o.calendar_origin : undefined;
  const years = Array.isArray(o.years) ? (o.years as unknown[]).filter((y): y is number => typeof y === 'number') : undefined;
  return {
    timeZone: typeof o.time_zone === 'string' && o.time_zone ? o.time_zone : 'Asia/Shanghai',
    schedule: readSchedule(o.week),
    calendar,
    origin: calendar ? origin : undefined,
    years,
  };
}

/** Reads the duty roster's reply, {slots: [...]}. */
export function readDuty(raw: unknown): DutySlot[] {
  const list = raw && typeof raw === 'object' ? (raw as Unchecked<DutyList>).slots : undefined;
  return (Array.isArray(list) ? list : []).filter(
    (s): s is DutySlot => !!s && typeof s === 'object' && typeof (s as DutySlot).id === 'number' && typeof (s as DutySlot).start === 'string',
  );
}

export interface QuietAdminApi {
  workSchedule(year: number): Promise<WorkSchedule>;
  /** Saves the weekly schedule in the organisation's zone (PUT /admin/work-schedule). */
  saveSchedule(s: WeekSchedule, timeZone: string): Promise<unknown>;
  /** Uploads a calendar file's text as it is, so that the server judges exactly the file. */
  uploadCalendar(year: number, text: string): Promise<unknown>;
  /** The roster from `from` on (the server's default: slots not yet over). */
  duty(from?: Date): Promise<DutySlot[]>;
  addDuty(body: { user_id: number; start: string; end: string; note?: string }): Promise<DutySlot | undefined>;
  deleteDuty(id: number): Promise<void>;
}

export function createQuietAdminApi(request: Request): QuietAdminApi {
  return {
    workSchedule: async (year) => readWorkSchedule(await request<unknown>('GET', `/work-schedule?year=${year}`), year),
    saveSchedule: (s, timeZone) => request('PUT', '/admin/work-schedule', { time_zone: timeZone, week: s }),
    uploadCalendar: (year, text) => {
      const body: RawBody = { raw: text.replace(/^\uFEFF/, ''), contentType: 'application/json' };
      return request('PUT', `/admin/calendar/${year}`, body);
    },
    duty: async (from) => readDuty(await request<unknown>('GET', from ? `/admin/duty?from=${encodeURIComponent(from.toISOString())}` : '/admin/duty')),
    addDuty: async (body) => {
      const slot = await request<DutySlot | undefined>('POST', '/admin/duty', body);
      return slot && typeof slot.id === 'number' ? slot : undefined;
    },
    deleteDuty: (id) => request<void>('DELETE', `/admin/duty/${id}`),
  };
}
