// The organisation's weekly schedule (作息时间): reading and checking times of day, the
// spans of a day, and the whole week, before the administrator saves it. Pure functions.

import { DAY_KEYS, type DayKey, type Span, type WeekSchedule } from './types';

export const MINUTES_PER_DAY = 24 * 60;

/** Minutes after midnight of "HH:MM" (00:00 … 24:00, 24:00 only as an end); a single-digit
 * hour ("8:30") and a full-width colon are accepted as typed. Undefined when it is not a time. */
export function parseClock(s: string): number | undefined {
  const m = /^(\d{1,2})[:：](\d{2})$/.exec(s.trim());
  if (!m) return undefined;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h > 24 || min > 59 || (h === 24 && min !== 0)) return undefined;
  return h * 60 + min;
}

/** "HH:MM" of minutes after midnight. */
export function clockText(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}

/** The canonical "HH:MM" of what was typed, or the text unchanged when it is not a time. */
export function normalizeClock(s: string): string {
  const v = parseClock(s);
  return v === undefined ? s.trim() : clockText(v);
}

export function defaultSchedule(): WeekSchedule {
  const work = (): Span[] => [
    { start: '08:30', end: '12:00' },
    { start: '14:30', end: '18:00' },
  ];
  return { mon: work(), tue: work(), wed: work(), thu: work(), fri: work(), sat: [], sun: [] };
}

/** A schedule from the server's JSON, every day present (a missing or null day has no spans). */
export function readSchedule(raw: unknown): WeekSchedule {
  const src = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const out = {} as WeekSchedule;
  for (const d of DAY_KEYS) {
    const spans = Array.isArray(src[d]) ? (src[d] as unknown[]) : [];
    out[d] = spans
      .filter((s): s is Span => !!s && typeof (s as Span).start === 'string' && typeof (s as Span).end === 'string')
      .map((s) => ({ start: s.start, end: s.end }));
  }
  return out;
}

/** What is wrong with one span: its start or end is not a time, it does not start before
 * it ends, or it overlaps another span of the day. */
export type SpanProblem = 'start_format' | 'end_format' | 'order' | 'overlap';

/** The problems of a day's spans, by index; an empty object when all is well. */
export type DayProblems = Partial<Record<number, SpanProblem>>;

export function checkDay(spans: readonly Span[]): DayProblems {
  const out: DayProblems = {};
  const ok: { i: number; start: number; end: number }[] = [];
  spans.forEach((sp, i) => {
    const start = parseClock(sp.start);
    const end = parseClock(sp.end);
    if (start === undefined) out[i] = 'start_format';
    else if (end === undefined) out[i] = 'end_format';
    else if (start >= end) out[i] = 'order';
    else ok.push({ i, start, end });
  });
  ok.sort((a, b) => a.start - b.start || a.end - b.end);
  for (let k = 1; k < ok.length; k++) {
    const prev = ok[k - 1]!;
    const cur = ok[k]!;
    if (cur.start < prev.end) {
      // Mark the later of the two (in the order the administrator typed them).
      out[Math.max(prev.i, cur.i)] = 'overlap';
    }
  }
  return out;
}

export type WeekProblems = Partial<Record<DayKey, DayProblems>>;

/** The problems of every day that has some; an empty object when the week may be saved. */
export function checkSchedule(s: WeekSchedule): WeekProblems {
  const out: WeekProblems = {};
  for (const d of DAY_KEYS) {
    const p = checkDay(s[d]);
    if (Object.keys(p).length) out[d] = p;
  }
  return out;
}

export function hasProblems(p: WeekProblems): boolean {
  return Object.keys(p).length > 0;
}

/** The body of PUT /admin/work-schedule: every day, times normalised, spans in order. */
export function scheduleBody(s: WeekSchedule): WeekSchedule {
  const out = {} as WeekSchedule;
  for (const d of DAY_KEYS) {
    out[d] = s[d]
      .map((sp) => ({ start: normalizeClock(sp.start), end: normalizeClock(sp.end) }))
      .sort((a, b) => (parseClock(a.start) ?? 0) - (parseClock(b.start) ?? 0));
  }
  return out;
}

/** A sensible new span for a day: the morning when it has none, else an hour after the
 * last span's end (as far as midnight allows); undefined when the day is full. */
export function nextSpan(spans: readonly Span[]): Span | undefined {
  if (spans.length === 0) return { start: '08:30', end: '12:00' };
  let last = 0;
  for (const sp of spans) {
    const e = parseClock(sp.end);
    if (e !== undefined && e > last) last = e;
  }
  if (last >= MINUTES_PER_DAY) return undefined;
  const start = last;
  const end = Math.min(MINUTES_PER_DAY, start + 60);
  return { start: clockText(start), end: clockText(end) };
}

/** Total working minutes of a day, for the summary beside it (problems are not counted). */
export function dayMinutes(spans: readonly Span[]): number {
  let total = 0;
  for (const sp of spans) {
    const a = parseClock(sp.start);
    const b = parseClock(sp.end);
    if (a !== undefined && b !== undefined && b > a) total += b - a;
  }
  return total;
}

/** Whether two schedules have the same spans (after normalising), to know if there are unsaved changes. */
export function sameSchedule(a: WeekSchedule, b: WeekSchedule): boolean {
  const x = scheduleBody(a);
  const y = scheduleBody(b);
  return DAY_KEYS.every((d) => x[d].length === y[d].length && x[d].every((s, i) => s.start === y[d][i]!.start && s.end === y[d][i]!.end));
}
