import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatDateTimeWeekday, formatDuration, formatMoment, formatTime } from './format';

describe('dates in Beijing time', () => {
  const d = new Date('2026-11-23T06:05:00Z'); // 14:05 in Beijing

  it('writes dates as Chinese users do', () => {
    expect(formatDateTime(d, 'zh-CN')).toBe('2026年11月23日 14:05');
    expect(formatDate(d, 'zh-CN')).toBe('2026年11月23日');
    expect(formatTime(d)).toBe('14:05');
    expect(formatDateTimeWeekday(d, 'zh-CN')).toBe('2026年11月23日 星期一 14:05');
  });

  it('writes English dates with a 24-hour clock', () => {
    expect(formatDateTime(d, 'en')).toBe('23 Nov 2026, 14:05');
    expect(formatDateTimeWeekday(d, 'en')).toBe('Monday, 23 Nov 2026, 14:05');
  });

  it('uses Beijing’s calendar day, not UTC’s', () => {
    // 2026-12-31 16:30 UTC is already New Year's Day in Beijing.
    expect(formatDateTime('2026-12-31T16:30:00Z', 'zh-CN')).toBe('2027年1月1日 00:30');
    // Midnight is 00, never 24.
    expect(formatTime(Date.UTC(2026, 0, 1, 16, 0))).toBe('00:00');
  });

  it('accepts RFC 3339 strings with offsets', () => {
    expect(formatDateTime('2026-11-23T14:05:00+08:00', 'zh-CN')).toBe('2026年11月23日 14:05');
    expect(formatDateTime('2026-11-23T01:05:59-05:00', 'zh-CN')).toBe('2026年11月23日 14:05');
  });

  it('other zones can be asked for explicitly', () => {
    expect(formatDateTime(d, 'zh-CN', 'UTC')).toBe('2026年11月23日 06:05');
  });

  it('formatMoment drops the date on the same Beijing day', () => {
    const now = Date.UTC(2026, 10, 23, 6, 5);
    expect(formatMoment(now + 15 * 60_000, now, 'zh-CN')).toBe('14:20');
    expect(formatMoment(now + 10 * 3600_000, now, 'zh-CN')).toBe('2026年11月24日 00:05');
  });
});

describe('formatDuration', () => {
  it('rounds up to seconds, minutes, hours', () => {
    expect(formatDuration(0, 'zh-CN')).toBe('1 秒');
    expect(formatDuration(45, 'zh-CN')).toBe('45 秒');
    expect(formatDuration(60, 'zh-CN')).toBe('1 分钟');
    expect(formatDuration(61, 'zh-CN')).toBe('2 分钟');
    expect(formatDuration(900, 'zh-CN')).toBe('15 分钟');
    expect(formatDuration(3600, 'zh-CN')).toBe('1 小时');
    expect(formatDuration(3600 + 300, 'zh-CN')).toBe('1 小时 5 分钟');
    expect(formatDuration(3600 + 300, 'en')).toBe('1 h 5 min');
  });
});
