import { describe, expect, it } from 'vitest';
import type { Request } from '../api';
import { createQuietAdminApi, readDuty, readWorkSchedule } from './api';

describe('readWorkSchedule', () => {
  it('reads the schedule and the year asked for', () => {
    const w = readWorkSchedule(
      { time_zone: 'Asia/Shanghai', week: { mon: [{ start: '08:30', end: '12:00' }] }, year: 2026, calendar: { year: 2026, source: 's', holidays: [], workdays: [] }, calendar_origin: 'embedded', years: [2025, 2026] },
      2026,
    );
    expect(w.schedule.mon).toHaveLength(1);
    expect(w.schedule.sun).toEqual([]);
    expect(w.calendar?.year).toBe(2026);
    expect(w.origin).toBe('embedded');
    expect(w.years).toEqual([2025, 2026]);
  });

  it('has no calendar for a year not published', () => {
    const w = readWorkSchedule({ week: {}, year: 2027, calendar: null, calendar_origin: '' }, 2027);
    expect(w.calendar).toBeUndefined();
    expect(w.origin).toBeUndefined();
    expect(readWorkSchedule({ week: {}, calendar: { year: 2026, holidays: [] } }, 2027).calendar).toBeUndefined();
  });
});

describe('the requests', () => {
  it('go where the contract says', async () => {
    const calls: [string, string, unknown][] = [];
    const request = (async (m: string, p: string, b?: unknown) => {
      calls.push([m, p, b]);
      if (p === '/admin/duty' && m === 'GET') return { slots: [{ id: 1, user_id: 2, start: 'a', end: 'b' }] };
      if (p === '/admin/duty' && m === 'POST') return { id: 9, user_id: 2, start: 'a', end: 'b' };
      return {};
    }) as Request;
    const api = createQuietAdminApi(request);
    await api.workSchedule(2027);
    await api.saveSchedule({ mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] }, 'Asia/Shanghai');
    await api.uploadCalendar(2027, '\uFEFF{"year":2027}');
    expect(await api.duty()).toHaveLength(1);
    await api.duty(new Date('2026-11-17T00:00:00Z'));
    expect((await api.addDuty({ user_id: 2, start: 'a', end: 'b' }))?.id).toBe(9);
    await api.deleteDuty(9);
    expect(calls.map(([m, p]) => `${m} ${p}`)).toEqual([
      'GET /work-schedule?year=2027',
      'PUT /admin/work-schedule',
      'PUT /admin/calendar/2027',
      'GET /admin/duty',
      'GET /admin/duty?from=2026-11-17T00%3A00%3A00.000Z',
      'POST /admin/duty',
      'DELETE /admin/duty/9',
    ]);
    expect(calls[1]![2]).toMatchObject({ time_zone: 'Asia/Shanghai', week: { mon: [] } });
    expect(calls[2]![2]).toEqual({ raw: '{"year":2027}', contentType: 'application/json' });
  });

  it('reads the slots, leaving out what is not one', () => {
    expect(readDuty({ slots: [{ id: 1, user_id: 2, display_name: '张静', start: 'a', end: 'b' }, { nope: 1 }] })).toHaveLength(1);
    expect(readDuty(null)).toEqual([]);
  });
});
