import { afterEach, describe, expect, it } from 'vitest';
import { beijingToIso, isPast, isoToBeijing, shortDateTime } from './time';

// The device's zone, as Node reads it from TZ (no Node types in this project).
const env = (globalThis as unknown as { process: { env: Record<string, string | undefined> } }).process.env;

describe('Beijing deadlines', () => {
  const tz = env.TZ;
  afterEach(() => {
    env.TZ = tz;
  });

  it('reads the fields as Beijing wall time, whatever the device zone', () => {
    for (const zone of ['UTC', 'America/New_York', 'Asia/Shanghai', 'Pacific/Kiritimati']) {
      env.TZ = zone;
      // The device zone really changed (so the test could fail).
      if (zone === 'America/New_York') expect(new Date('2026-11-25T09:00:00Z').getHours()).toBe(4);
      expect(beijingToIso('2026-11-25', '17:00')).toBe('2026-11-25T09:00:00.000Z');
      // Early morning in Beijing is the evening before in UTC.
      expect(beijingToIso('2026-01-01', '07:30')).toBe('2025-12-31T23:30:00.000Z');
    }
  });

  it('refuses malformed fields and days that do not exist', () => {
    expect(beijingToIso('2026-02-30', '10:00')).toBeUndefined();
    expect(beijingToIso('2026-13-01', '10:00')).toBeUndefined();
    expect(beijingToIso('2026-11-25', '24:00')).toBeUndefined();
    expect(beijingToIso('', '10:00')).toBeUndefined();
    expect(beijingToIso('2026-11-25', '')).toBeUndefined();
    expect(beijingToIso('2028-02-29', '9:05')).toBe('2028-02-29T01:05:00.000Z');
  });

  it('turns an instant back into the form fields', () => {
    env.TZ = 'America/Los_Angeles';
    expect(isoToBeijing('2025-12-31T23:30:00Z')).toEqual({ date: '2026-01-01', time: '07:30' });
    expect(isoToBeijing(beijingToIso('2026-11-25', '17:00')!)).toEqual({ date: '2026-11-25', time: '17:00' });
  });

  it('writes a deadline short, with the year only when it is not this year', () => {
    const now = Date.parse('2026-11-23T02:00:00Z');
    expect(shortDateTime('2026-11-25T09:00:00Z', now, 'zh-CN')).toBe('11月25日 17:00');
    expect(shortDateTime('2027-01-05T01:00:00Z', now, 'zh-CN')).toBe('2027年1月5日 09:00');
    expect(shortDateTime('2026-11-25T09:00:00Z', now, 'en')).toBe('25 Nov 17:00');
    // 2026-12-31 20:00 UTC is already 2027 in Beijing.
    expect(shortDateTime('2026-12-31T20:00:00Z', now, 'zh-CN')).toBe('2027年1月1日 04:00');
  });

  it('says whether a deadline has passed', () => {
    expect(isPast(undefined, 0)).toBe(false);
    expect(isPast('2026-11-25T09:00:00Z', Date.parse('2026-11-25T09:00:00Z'))).toBe(true);
    expect(isPast('2026-11-25T09:00:00Z', Date.parse('2026-11-25T08:59:59Z'))).toBe(false);
  });
});
