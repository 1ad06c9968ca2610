import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { addDays, beijingIso, dayWord, fromBeijing, momentText, parseDate, rangeText, toBeijingFields, weekday } from './beijing';

// The device sits in Los Angeles: nothing below may depend on it.
beforeAll(() => {
  vi.stubEnv('TZ', 'America/Los_Angeles');
});
afterAll(() => {
  vi.unstubAllEnvs();
});

describe('dates', () => {
  it('refuses dates that do not exist', () => {
    expect(parseDate('2026-02-28')).toEqual({ year: 2026, month: 2, day: 28 });
    expect(parseDate('2026-02-29')).toBeUndefined();
    expect(parseDate('2026-2-1')).toBeUndefined();
  });

  it('counts days and weekdays on the calendar, not the device clock', () => {
    expect(addDays({ year: 2026, month: 12, day: 31 }, 1)).toEqual({ year: 2027, month: 1, day: 1 });
    expect(weekday({ year: 2026, month: 2, day: 14 })).toBe(6); // a make-up Saturday
    expect(weekday({ year: 2026, month: 1, day: 4 })).toBe(0);
  });
});

describe('Beijing time whatever the device zone', () => {
  it('turns a Beijing date and time into the instant', () => {
    expect(new Date('2026-03-01T00:00:00Z').getTimezoneOffset()).toBe(480); // the device really is in Los Angeles
    expect(fromBeijing('2026-11-25', '08:30')!.toISOString()).toBe('2026-11-25T00:30:00.000Z');
    expect(fromBeijing('2026-11-25', '00:00')!.toISOString()).toBe('2026-11-24T16:00:00.000Z');
    expect(fromBeijing('2026-11-25', '24:00')!.toISOString()).toBe('2026-11-25T16:00:00.000Z');
    expect(fromBeijing('2026-11-31', '08:30')).toBeUndefined();
    expect(fromBeijing('2026-11-25', '8.30')).toBeUndefined();
  });

  it('and back', () => {
    expect(toBeijingFields('2026-11-24T16:00:00Z')).toEqual({ date: '2026-11-25', time: '00:00' });
    expect(toBeijingFields(new Date('2026-03-08T10:00:00Z'))).toEqual({ date: '2026-03-08', time: '18:00' }); // the day US clocks change
    expect(beijingIso(new Date('2026-11-25T00:30:00Z'))).toBe('2026-11-25T08:30:00+08:00');
  });
});

describe('moments as a Chinese reader says them', () => {
  const now = new Date('2026-11-24T14:00:00Z'); // Tuesday 24 Nov 22:00 in Beijing
  it('今天, 明天, 后天, then the date', () => {
    expect(dayWord('2026-11-24T15:30:00Z', now, 'zh-CN')).toBe('今天'); // 23:30
    expect(dayWord('2026-11-24T16:30:00Z', now, 'zh-CN')).toBe('明天'); // 00:30 on the 25th
    expect(dayWord('2026-11-26T01:00:00Z', now, 'zh-CN')).toBe('后天');
    expect(dayWord('2026-11-27T01:00:00Z', now, 'zh-CN')).toBe('11月27日');
    expect(dayWord('2027-01-04T01:00:00Z', now, 'zh-CN')).toBe('2027年1月4日');
    expect(dayWord('2026-11-25T01:00:00Z', now, 'en')).toBe('tomorrow');
    expect(dayWord('2026-11-27T01:00:00Z', now, 'en')).toBe('27 Nov');
  });

  it('a time today is just the time', () => {
    const morning = new Date('2026-11-24T00:00:00Z'); // 08:00 Beijing
    expect(momentText('2026-11-24T00:30:00Z', morning, 'zh-CN')).toBe('08:30');
    expect(momentText('2026-11-25T00:30:00Z', now, 'zh-CN')).toBe('明天 08:30');
    expect(momentText('2026-10-08T00:30:00Z', new Date('2026-10-01T02:00:00Z'), 'zh-CN')).toBe('10月8日 08:30');
  });

  it('ranges within a day, to midnight, and across days', () => {
    expect(rangeText('2026-11-25T00:30:00Z', '2026-11-25T10:00:00Z', now, 'zh-CN')).toBe('明天 08:30–18:00');
    expect(rangeText('2026-11-27T00:00:00Z', '2026-11-27T16:00:00Z', now, 'zh-CN')).toBe('11月27日 08:00–24:00');
    expect(rangeText('2026-11-27T10:00:00Z', '2026-11-28T00:30:00Z', now, 'zh-CN')).toBe('11月27日 18:00 – 11月28日 08:30');
  });
});
