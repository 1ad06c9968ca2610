// Deadlines in Beijing time (Asia/Shanghai, UTC+8 all year, no daylight saving since
// 1991), whatever the time zone of the device: the date and time fields of the publish
// form are read as Beijing wall time and sent as an instant.

import { zonedParts, TIME_ZONE } from '../format';
import type { Locale } from '../i18n';

const BEIJING_OFFSET_MS = 8 * 3600_000;
const pad2 = (n: number) => String(n).padStart(2, '0');

/** The instant of a Beijing date (YYYY-MM-DD) and time (HH:MM), as an ISO string; undefined
 * when either is malformed or names no real day (2月30日). */
export function beijingToIso(date: string, time: string): string | undefined {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date.trim());
  const t = /^(\d{1,2}):(\d{2})(?::\d{2})?$/.exec(time.trim());
  if (!d || !t) return undefined;
  const [y, mo, da] = [Number(d[1]), Number(d[2]), Number(d[3])];
  const [h, mi] = [Number(t[1]), Number(t[2])];
  if (mo < 1 || mo > 12 || da < 1 || h > 23 || mi > 59) return undefined;
  const wall = Date.UTC(y, mo - 1, da, h, mi);
  const check = new Date(wall);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== da) return undefined;
  return new Date(wall - BEIJING_OFFSET_MS).toISOString();
}

/** The Beijing date and time of an instant, as the form's fields take them. */
export function isoToBeijing(iso: string | Date | number): { date: string; time: string } {
  const p = zonedParts(iso instanceof Date ? iso : new Date(iso), TIME_ZONE);
  return { date: `${p.year}-${pad2(p.month)}-${pad2(p.day)}`, time: `${pad2(p.hour)}:${pad2(p.minute)}` };
}

const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A deadline as short as it can be read: 11月25日 17:00, with the year when it is not
 * this (Beijing) year: 2027年1月5日 09:00. English: 25 Nov 17:00. */
export function shortDateTime(iso: string | Date, now: Date | number, locale: Locale): string {
  const a = zonedParts(iso instanceof Date ? iso : new Date(iso), TIME_ZONE);
  const b = zonedParts(now instanceof Date ? now : new Date(now), TIME_ZONE);
  const time = `${pad2(a.hour)}:${pad2(a.minute)}`;
  const sameYear = a.year === b.year;
  if (locale === 'zh-CN') return `${sameYear ? '' : `${a.year}年`}${a.month}月${a.day}日 ${time}`;
  return `${a.day} ${EN_MONTHS[a.month - 1]}${sameYear ? '' : ` ${a.year}`} ${time}`;
}

/** Whether a deadline has passed. */
export function isPast(iso: string | undefined, now: number): boolean {
  return !!iso && Date.parse(iso) <= now;
}
