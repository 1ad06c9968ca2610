// The official holiday calendar (节假日安排): what each date of a year is, the month grid
// the administrator reads, the holidays as date ranges, and a first look at a calendar
// file before it is uploaded. Pure functions; dates are Beijing calendar dates.

import { addDays, dateText, parseDate, weekday, type CivilDate } from './beijing';
import type { Period, YearFile } from './types';

export type DayKind = 'holiday' | 'workday' | 'weekend' | 'ordinary';

export interface DayInfo {
  kind: DayKind;
  /** The holiday's or make-up day's name. */
  name?: string;
}

/** date ("YYYY-MM-DD") → what the calendar says of it; only holidays and make-up days are in it. */
export type YearIndex = ReadonlyMap<string, DayInfo>;

export function indexYear(file: YearFile | undefined): YearIndex {
  const m = new Map<string, DayInfo>();
  if (!file) return m;
  for (const p of file.holidays ?? []) for (const d of p.dates ?? []) m.set(d, { kind: 'holiday', name: p.name });
  for (const p of file.workdays ?? []) for (const d of p.dates ?? []) m.set(d, { kind: 'workday', name: p.name });
  return m;
}

/** What a date is: the calendar's word, else a weekend (Saturday, Sunday) or an ordinary day. */
export function dayInfo(index: YearIndex, d: CivilDate): DayInfo {
  const hit = index.get(dateText(d));
  if (hit) return hit;
  const wd = weekday(d);
  return { kind: wd === 0 || wd === 6 ? 'weekend' : 'ordinary' };
}

export interface GridCell {
  date: string;
  day: number;
  /** false for the days of the previous and next month that fill the first and last week */
  inMonth: boolean;
  info: DayInfo;
}

/** The weeks of a month, Monday first, each of seven cells; days of the neighbouring
 * months fill the first and last week. */
export function monthGrid(year: number, month: number, index: YearIndex): GridCell[][] {
  const first: CivilDate = { year, month, day: 1 };
  const lead = (weekday(first) + 6) % 7; // days before the 1st back to Monday
  let d = addDays(first, -lead);
  const weeks: GridCell[][] = [];
  do {
    const week: GridCell[] = [];
    for (let i = 0; i < 7; i++) {
      week.push({ date: dateText(d), day: d.day, inMonth: d.month === month && d.year === year, info: dayInfo(index, d) });
      d = addDays(d, 1);
    }
    weeks.push(week);
  } while (d.month === month && d.year === year);
  return weeks;
}

/** Months (1..12) that have a holiday or a make-up working day. */
export function monthsWithEntries(file: YearFile): number[] {
  const s = new Set<number>();
  for (const p of [...(file.holidays ?? []), ...(file.workdays ?? [])]) {
    for (const x of p.dates ?? []) {
      const d = parseDate(x);
      if (d && d.year === file.year) s.add(d.month);
    }
  }
  return [...s].sort((a, b) => a - b);
}

/** Consecutive dates grouped: ["2026-02-15"…"2026-02-23"] → one range; dates sorted first. */
export function dateRanges(dates: readonly string[]): { from: CivilDate; to: CivilDate; days: number }[] {
  const ds = dates
    .map(parseDate)
    .filter((d): d is CivilDate => !!d)
    .sort((a, b) => Date.UTC(a.year, a.month - 1, a.day) - Date.UTC(b.year, b.month - 1, b.day));
  const out: { from: CivilDate; to: CivilDate; days: number }[] = [];
  for (const d of ds) {
    const last = out[out.length - 1];
    if (last && dateText(addDays(last.to, 1)) === dateText(d)) {
      last.to = d;
      last.days++;
    } else {
      out.push({ from: d, to: d, days: 1 });
    }
  }
  return out;
}

const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const ZH_WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六'];
const EN_WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** "2月15日（周日）" / "Sun 15 Feb" */
export function shortDate(d: CivilDate, zh: boolean): string {
  return zh ? `${d.month}月${d.day}日（周${ZH_WEEKDAYS[weekday(d)]}）` : `${EN_WEEKDAYS[weekday(d)]} ${d.day} ${EN_MONTHS[d.month - 1]}`;
}

/** A period's dates as ranges: "2月15日至23日", "1月26日、2月8日" / "15–23 Feb", "26 Jan, 8 Feb". */
export function rangesText(dates: readonly string[], zh: boolean): string {
  return dateRanges(dates)
    .map(({ from, to, days }) => {
      if (days === 1) return zh ? `${from.month}月${from.day}日` : `${from.day} ${EN_MONTHS[from.month - 1]}`;
      if (zh) return from.month === to.month ? `${from.month}月${from.day}日至${to.day}日` : `${from.month}月${from.day}日至${to.month}月${to.day}日`;
      return from.month === to.month
        ? `${from.day}–${to.day} ${EN_MONTHS[from.month - 1]}`
        : `${from.day} ${EN_MONTHS[from.month - 1]} – ${to.day} ${EN_MONTHS[to.month - 1]}`;
    })
    .join(zh ? '、' : ', ');
}

/** One line of the list: a holiday with its days off and the make-up days that go with it. */
export interface HolidayRow {
  name: string;
  off: string[];
  offDays: number;
  work: string[];
}

/** The holidays of a year in date order, each with the make-up working days whose name
 * starts with the holiday's ("春节调休" goes with "春节"); make-up days matching no
 * holiday get a row of their own. */
export function holidayRows(file: YearFile): HolidayRow[] {
  const first = (p: Period) => [...(p.dates ?? [])].sort()[0] ?? '';
  const rows: HolidayRow[] = [...(file.holidays ?? [])]
    .sort((a, b) => first(a).localeCompare(first(b)))
    .map((p) => ({ name: p.name, off: [...p.dates].sort(), offDays: p.dates.length, work: [] }));
  for (const w of file.workdays ?? []) {
    const row = rows
      .filter((r) => w.name.startsWith(r.name))
      .sort((a, b) => b.name.length - a.name.length)[0];
    if (row) row.work.push(...w.dates);
    else rows.push({ name: w.name, off: [], offDays: 0, work: [...w.dates] });
  }
  for (const r of rows) r.work.sort();
  return rows;
}

/** A problem found in a calendar file before it is sent; the server checks every rule again. */
export type FileProblem =
  | { kind: 'too_large' }
  | { kind: 'not_json'; detail: string }
  | { kind: 'not_object' }
  | { kind: 'no_year' };

export const MAX_CALENDAR_BYTES = 256 * 1024;

/** Reads a calendar file's text: it must be a JSON object with a whole-number year. The
 * text itself is what is uploaded, so that the server judges exactly the file. */
export function readCalendarFile(text: string): { ok: true; year: number; file: unknown } | { ok: false; problem: FileProblem } {
  if (new TextEncoder().encode(text).length > MAX_CALENDAR_BYTES) return { ok: false, problem: { kind: 'too_large' } };
  let v: unknown;
  try {
    v = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    return { ok: false, problem: { kind: 'not_json', detail: e instanceof Error ? e.message : String(e) } };
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return { ok: false, problem: { kind: 'not_object' } };
  const year = (v as { year?: unknown }).year;
  if (typeof year !== 'number' || !Number.isInteger(year)) return { ok: false, problem: { kind: 'no_year' } };
  return { ok: true, year, file: v };
}

/** The years the tab shows: the current Beijing year and the next. */
export function shownYears(today: CivilDate): [number, number] {
  return [today.year, today.year + 1];
}

/** A field path of the server's error ("holidays[1].dates[2]") in words an administrator
 * reads, with the value it points at when the file has it. */
export function describeFieldPath(path: string, file: unknown, zh: boolean): string {
  const parts = path.match(/[^.[\]]+|\[\d+\]/g) ?? [];
  let cur: unknown = file;
  const words: string[] = [];
  const labels: Record<string, [string, string]> = {
    year: ['年份', 'year'],
    source: ['来源', 'source'],
    holidays: ['放假安排', 'holidays'],
    workdays: ['调休上班', 'make-up working days'],
    name: ['名称', 'name'],
    dates: ['日期', 'dates'],
    body: ['文件内容', 'file'],
  };
  for (const part of parts) {
    const idx = /^\[(\d+)\]$/.exec(part);
    if (idx) {
      const i = Number(idx[1]);
      cur = Array.isArray(cur) ? cur[i] : undefined;
      const nm = cur && typeof cur === 'object' && typeof (cur as Period).name === 'string' ? (cur as Period).name : undefined;
      if (nm) words.push(zh ? `“${nm}”` : `“${nm}”`);
      else if (typeof cur === 'string') words.push(zh ? `第 ${i + 1} 项（${cur}）` : `item ${i + 1} (${cur})`);
      else words.push(zh ? `第 ${i + 1} 项` : `item ${i + 1}`);
    } else {
      cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[part] : undefined;
      const l = labels[part];
      words.push(l ? (zh ? l[0] : l[1]) : part);
    }
  }
  return words.join(zh ? ' › ' : ' › ');
}
