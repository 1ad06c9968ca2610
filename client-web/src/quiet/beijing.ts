// Beijing time (Asia/Shanghai) whatever the device's zone: turning the date and time an
// administrator types into an instant and back, and saying a moment the way a Chinese
// reader expects it (今天 / 明天 / 11月25日 08:30). China has kept UTC+8 all year since
// 1991, so entered times convert with a fixed offset; display goes through Intl with the zone.

import { formatTime, zonedParts, TIME_ZONE } from '../format';
import type { Locale } from '../i18n';
import { parseClock } from './schedule';

const OFFSET_MS = 8 * 3600 * 1000;
const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const pad2 = (n: number) => String(n).padStart(2, '0');

export interface CivilDate {
  year: number;
  month: number; // 1..12
  day: number;
}

/** Reads "YYYY-MM-DD", refusing dates that do not exist (2026-02-30). */
export function parseDate(s: string): CivilDate | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s.trim());
  if (!m) return undefined;
  const d = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  const check = new Date(Date.UTC(d.year, d.month - 1, d.day));
  if (check.getUTCFullYear() !== d.year || check.getUTCMonth() !== d.month - 1 || check.getUTCDate() !== d.day) return undefined;
  return d;
}

export function dateText(d: CivilDate): string {
  return `${String(d.year).padStart(4, '0')}-${pad2(d.month)}-${pad2(d.day)}`;
}

/** The Beijing calendar date of an instant. */
export function beijingDate(at: Date | number | string): CivilDate {
  const p = zonedParts(at instanceof Date ? at : new Date(at), TIME_ZONE);
  return { year: p.year, month: p.month, day: p.day };
}

/** The date n days after d (before, for negative n). */
export function addDays(d: CivilDate, n: number): CivilDate {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day + n));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

/** Day of the week, 0 = Sunday. */
export function weekday(d: CivilDate): number {
  return new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay();
}

/** Days from a to b (b − a). */
export function daysBetween(a: CivilDate, b: CivilDate): number {
  return Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / 86_400_000);
}

/** The instant of a Beijing date ("YYYY-MM-DD") and time ("HH:MM", 24:00 = next midnight);
 * undefined when either is not valid. */
export function fromBeijing(date: string, time: string): Date | undefined {
  const d = parseDate(date);
  const m = parseClock(time);
  if (!d || m === undefined) return undefined;
  return new Date(Date.UTC(d.year, d.month - 1, d.day) + m * 60_000 - OFFSET_MS);
}

/** The Beijing date and time of an instant, as a date and a time field show them. */
export function toBeijingFields(at: Date | number | string): { date: string; time: string } {
  const t = at instanceof Date ? at : new Date(at);
  return { date: dateText(beijingDate(t)), time: formatTime(t, TIME_ZONE) };
}

/** An instant as RFC 3339 in Beijing time: 2026-11-25T08:30:00+08:00. */
export function beijingIso(at: Date): string {
  const f = toBeijingFields(at);
  return `${f.date}T${f.time}:00+08:00`;
}

/** 今天 / 明天 / 后天 / 11月25日 / 2027年1月4日 (today / tomorrow / 25 Nov / 4 Jan 2027). */
export function dayWord(at: Date | number | string, now: Date | number, locale: Locale): string {
  const d = beijingDate(at);
  const today = beijingDate(now);
  const diff = daysBetween(today, d);
  if (locale === 'zh-CN') {
    if (diff === 0) return '今天';
    if (diff === 1) return '明天';
    if (diff === 2) return '后天';
    if (diff === -1) return '昨天';
    return d.year === today.year ? `${d.month}月${d.day}日` : `${d.year}年${d.month}月${d.day}日`;
  }
  if (diff === 0) return 'today';
  if (diff === 1) return 'tomorrow';
  if (diff === -1) return 'yesterday';
  return d.year === today.year ? `${d.day} ${EN_MONTHS[d.month - 1]}` : `${d.day} ${EN_MONTHS[d.month - 1]} ${d.year}`;
}

/** A moment near now: "08:30" today, "明天 08:30", "10月8日 08:30" (English: "tomorrow 08:30", "8 Oct 08:30"). */
export function momentText(at: Date | number | string, now: Date | number, locale: Locale): string {
  const d = beijingDate(at);
  const same = daysBetween(beijingDate(now), d) === 0;
  const time = formatTime(at instanceof Date ? at : new Date(at), TIME_ZONE);
  return same ? time : `${dayWord(at, now, locale)} ${time}`;
}

/** A stretch of time, from–to: "11月25日 18:00 – 11月26日 08:30", or "今天 08:30–18:00" within one day. */
export function rangeText(start: Date | string, end: Date | string, now: Date | number, locale: Locale): string {
  const a = start instanceof Date ? start : new Date(start);
  const b = end instanceof Date ? end : new Date(end);
  const da = beijingDate(a);
  const db = beijingDate(b);
  const ta = formatTime(a, TIME_ZONE);
  const tb = formatTime(b, TIME_ZONE);
  // A slot that ends at midnight ends "24:00" of its own day.
  const endsAtMidnight = tb === '00:00' && daysBetween(da, db) === 1;
  if (daysBetween(da, db) === 0 || endsAtMidnight) {
    return `${dayWord(a, now, locale)} ${ta}–${endsAtMidnight ? '24:00' : tb}`;
  }
  return `${dayWord(a, now, locale)} ${ta} – ${dayWord(b, now, locale)} ${tb}`;
}
