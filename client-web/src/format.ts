// Dates and times as people in China write them, always in Beijing time (Asia/Shanghai),
// whatever the time zone of the device: 2026年11月23日 14:05.

import { translate, type Locale } from './i18n';

export const TIME_ZONE = 'Asia/Shanghai';

interface Parts {
  year: number;
  month: number; // 1..12
  day: number;
  hour: number; // 0..23
  minute: number;
  weekday: number; // 0 = Sunday
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

let partsFormatter: Intl.DateTimeFormat | undefined;
let partsZone = '';

/** Calendar fields of an instant in the given zone. Built from numeric parts so the
 * result does not depend on how a browser's ICU data spells dates. */
export function zonedParts(date: Date, timeZone: string = TIME_ZONE): Parts {
  if (!partsFormatter || partsZone !== timeZone) {
    partsFormatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
      hourCycle: 'h23',
    });
    partsZone = timeZone;
  }
  const out: Record<string, string> = {};
  for (const p of partsFormatter.formatToParts(date)) out[p.type] = p.value;
  return {
    year: Number(out.year),
    month: Number(out.month),
    day: Number(out.day),
    hour: Number(out.hour) % 24, // some engines print 24 for midnight
    minute: Number(out.minute),
    weekday: WEEKDAYS[out.weekday ?? 'Sun'] ?? 0,
  };
}

const pad2 = (n: number) => String(n).padStart(2, '0');
const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const ZH_WEEKDAYS = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];
const EN_WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function toDate(d: Date | string | number): Date {
  return d instanceof Date ? d : new Date(d);
}

/** 2026年11月23日 / 23 Nov 2026 */
export function formatDate(d: Date | string | number, locale: Locale, timeZone = TIME_ZONE): string {
  const p = zonedParts(toDate(d), timeZone);
  return locale === 'zh-CN' ? `${p.year}年${p.month}月${p.day}日` : `${p.day} ${EN_MONTHS[p.month - 1]} ${p.year}`;
}

/** 14:05 (24-hour clock in both languages) */
export function formatTime(d: Date | string | number, timeZone = TIME_ZONE): string {
  const p = zonedParts(toDate(d), timeZone);
  return `${pad2(p.hour)}:${pad2(p.minute)}`;
}

/** 2026年11月23日 14:05 / 23 Nov 2026, 14:05 */
export function formatDateTime(d: Date | string | number, locale: Locale, timeZone = TIME_ZONE): string {
  const date = toDate(d);
  const sep = locale === 'zh-CN' ? ' ' : ', ';
  return formatDate(date, locale, timeZone) + sep + formatTime(date, timeZone);
}

/** 2026年11月23日 星期一 14:05 / Monday, 23 Nov 2026, 14:05 */
export function formatDateTimeWeekday(d: Date | string | number, locale: Locale, timeZone = TIME_ZONE): string {
  const date = toDate(d);
  const wd = zonedParts(date, timeZone).weekday;
  return locale === 'zh-CN'
    ? `${formatDate(date, locale, timeZone)} ${ZH_WEEKDAYS[wd]} ${formatTime(date, timeZone)}`
    : `${EN_WEEKDAYS[wd]}, ${formatDateTime(date, locale, timeZone)}`;
}

/** A moment relative to now: just the time when it falls on the same Beijing day,
 * otherwise the full date and time. Used for "try again after …". */
export function formatMoment(d: Date | number, now: Date | number, locale: Locale, timeZone = TIME_ZONE): string {
  const a = zonedParts(toDate(d), timeZone);
  const b = zonedParts(toDate(now), timeZone);
  const sameDay = a.year === b.year && a.month === b.month && a.day === b.day;
  return sameDay ? formatTime(d, timeZone) : formatDateTime(d, locale, timeZone);
}

/** A wait in seconds, rounded up to what a person cares about: 45 秒, 15 分钟, 2 小时 5 分钟. */
export function formatDuration(seconds: number, locale: Locale): string {
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 60) return translate(locale, 'duration.seconds', { n: s });
  const totalMinutes = Math.ceil(s / 60);
  if (totalMinutes < 60) return translate(locale, 'duration.minutes', { n: totalMinutes });
  const h = Math.floor(totalMinutes / 60);
  const m = totalMinutes % 60;
  return m === 0 ? translate(locale, 'duration.hours', { n: h }) : translate(locale, 'duration.hours_minutes', { h, m });
}
