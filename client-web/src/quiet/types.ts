// Wire types of quiet hours (工作时间), as the server sends them. Times of day are
// "HH:MM" wall-clock times in the organisation's zone (Asia/Shanghai); dates are
// "YYYY-MM-DD"; instants are RFC 3339 strings.

/** The JSON keys of the days of the week, in the order the schedule is shown. */
export const DAY_KEYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type DayKey = (typeof DAY_KEYS)[number];

/** One stretch of working time within a day, [start, end). */
export interface Span {
  start: string;
  end: string;
}

/** A weekly schedule: the spans of each day; a day without spans is not a working day. */
export type WeekSchedule = Record<DayKey, Span[]>;

/** A named set of dates: the days off of one holiday, or its make-up working days. */
export interface Period {
  name: string;
  dates: string[];
}

/** One year of the official calendar — also the format of the file an administrator uploads. */
export interface YearFile {
  year: number;
  source: string;
  holidays: Period[];
  workdays: Period[];
}

/** A slot of the duty roster (值班). */
export interface DutySlot {
  id: number;
  user_id: number;
  /** The person's name, as the server sends it. */
  display_name?: string;
  created_by?: number;
  created_at?: string;
  start: string;
  end: string;
  note?: string;
}

/** Why a person is or is not reachable now. */
export type Reason = 'working' | 'on_duty' | 'off_hours' | 'weekend' | 'day_off' | 'holiday' | 'leave' | 'disabled';

/** A person's reachability as the sender is shown it. */
export interface Reachability {
  user_id: number;
  reachable: boolean;
  reason: Reason | string;
  /** When they are next reachable (now when reachable); absent when nothing falls within the server's horizon. */
  next?: string;
}

// ---- The bodies of §4.11 (PROTOCOL.md), which the readers in api.ts, reachability.ts and
// ui/settings/quiet.ts check key by key. src/vectors.test.ts holds them to protocol/. ----

/** A body's keys with their values not yet checked: what a defensive reader looks at. */
export type Unchecked<T> = { [K in keyof T]?: unknown };

export interface OrgWorkSchedule {
  time_zone: string;
  week: WeekSchedule;
}

/** GET /work-schedule. */
export interface WorkScheduleResponse extends OrgWorkSchedule {
  year: number;
  calendar: YearFile | null;
  calendar_origin: 'embedded' | 'uploaded' | string;
  years: number[];
}

/** GET /admin/duty. */
export interface DutyList {
  slots: DutySlot[];
}

/** A leave range, both days inclusive, in the Beijing calendar (YYYY-MM-DD). */
export interface LeaveRange {
  from: string;
  to: string;
  note?: string;
}

/** PUT /me/quiet. */
export interface MyQuietSettings {
  own_schedule: WeekSchedule | null;
  leave: LeaveRange[];
  push_when_idle: boolean;
}

/** GET and PUT /me/quiet. */
export interface MyQuietResponse extends MyQuietSettings {
  org: OrgWorkSchedule;
  status: Reachability;
}

/** GET and PUT /channels/{id}/notify. */
export interface ChannelNotify {
  channel_id: number;
  level: string;
}

/** POST /reachability. */
export interface ReachabilityResponse {
  at: string;
  time_zone: string;
  people: Reachability[];
  unknown?: number[];
}
