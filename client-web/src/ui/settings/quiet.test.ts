import { describe, expect, it } from 'vitest';
import { createRequest } from '../../api';
import { fakeFetch } from '../../testing';
import { defaultSchedule } from '../../quiet/schedule';
import { checkLeave, createQuietApi, groupDays, leaveDays, quietBody, readMyQuiet, spansText, splitLeave } from './quiet';

const PART_TIME = { mon: [{ start: '08:30', end: '12:00' }], tue: [], wed: [{ start: '08:30', end: '12:00' }], thu: [], fri: [], sat: [], sun: [] };

describe('my quiet settings', () => {
  it('reads my own schedule, leave, the organisation schedule and my state now', () => {
    const q = readMyQuiet({
      own_schedule: PART_TIME,
      leave: [{ from: '2026-05-06', to: '2026-05-08', note: '年假' }],
      push_when_idle: true,
      org: { time_zone: 'Asia/Shanghai', week: defaultSchedule() },
      status: { user_id: 1, reachable: false, reason: 'off_hours', next: '2026-05-11T00:30:00Z' },
    });
    expect(q.own?.mon).toEqual([{ start: '08:30', end: '12:00' }]);
    expect(q.org.tue).toHaveLength(2);
    expect(q.leave).toEqual([{ from: '2026-05-06', to: '2026-05-08', note: '年假' }]);
    expect(q.pushWhenIdle).toBe(true);
    expect(q.status).toEqual({ reachable: false, reason: 'off_hours', next: '2026-05-11T00:30:00Z' });
    const orgOnly = readMyQuiet({ own_schedule: null, leave: [], push_when_idle: false, org: { week: PART_TIME } });
    expect(orgOnly.own).toBeUndefined();
    expect(orgOnly.org.wed).toEqual([{ start: '08:30', end: '12:00' }]);
    // Nothing known: the organisation's default week.
    expect(readMyQuiet(null).org).toEqual(defaultSchedule());
  });

  it('saves everything at once: the schedule (null for the organisation’s), leave in order, push when idle', async () => {
    const body = quietBody({ own: undefined, leave: [{ from: '2026-10-09', to: '2026-10-09' }, { from: '2026-05-06', to: '2026-05-08', note: ' 年假 ' }], pushWhenIdle: false });
    expect(body).toEqual({ own_schedule: null, leave: [{ from: '2026-05-06', to: '2026-05-08', note: '年假' }, { from: '2026-10-09', to: '2026-10-09' }], push_when_idle: false });
    const net = fakeFetch({
      'PUT /api/v1/me/quiet': (b) => ({ status: 200, body: { ...(b as object), org: { week: defaultSchedule() } } }),
      'GET /api/v1/channels/3/notify': () => ({ status: 200, body: { channel_id: 3, level: 'mentions' } }),
      'PUT /api/v1/channels/3/notify': () => ({ status: 200, body: { channel_id: 3, level: 'none' } }),
    });
    const api = createQuietApi(createRequest(net.fetch));
    const saved = await api.save({ own: { ...PART_TIME, mon: [{ start: '8:30', end: '12:00' }] }, leave: [], pushWhenIdle: true });
    expect(net.calls[0]!.body).toMatchObject({ own_schedule: { mon: [{ start: '08:30', end: '12:00' }] }, push_when_idle: true });
    expect(saved?.own?.mon).toEqual([{ start: '08:30', end: '12:00' }]);
    expect(await api.level(3)).toBe('mentions');
    await api.setLevel(3, 'none');
    expect(net.calls[2]!.body).toEqual({ level: 'none' });
  });

  it('writes a week as people read it', () => {
    expect(spansText(defaultSchedule().mon, '、')).toBe('08:30–12:00、14:30–18:00');
    expect(groupDays(defaultSchedule()).map((g) => [g.days.join(','), g.spans.length])).toEqual([
      ['mon,tue,wed,thu,fri', 2],
      ['sat,sun', 0],
    ]);
    expect(groupDays(PART_TIME).map((g) => g.days.join(','))).toEqual(['mon', 'tue', 'wed', 'thu,fri,sat,sun']);
  });

  it('checks a leave range as the server does', () => {
    expect(checkLeave({ from: '2026-05-06', to: '2026-05-08' }, 0)).toBeUndefined();
    expect(checkLeave({ from: '', to: '2026-05-08' }, 0)).toBe('from_format');
    expect(checkLeave({ from: '2026-02-30', to: '2026-03-01' }, 0)).toBe('from_format');
    expect(checkLeave({ from: '2026-05-06', to: 'x' }, 0)).toBe('to_format');
    expect(checkLeave({ from: '2026-05-08', to: '2026-05-06' }, 0)).toBe('order');
    expect(checkLeave({ from: '2026-01-01', to: '2027-01-01' }, 0)).toBeUndefined(); // 366 days
    expect(checkLeave({ from: '2026-01-01', to: '2027-01-02' }, 0)).toBe('too_long');
    expect(checkLeave({ from: '2026-05-06', to: '2026-05-06', note: '假'.repeat(201) }, 0)).toBe('note_long');
    expect(checkLeave({ from: '2026-05-06', to: '2026-05-06', note: '假'.repeat(200) }, 0)).toBeUndefined();
    expect(checkLeave({ from: '2026-05-06', to: '2026-05-06' }, 100)).toBe('too_many');
    expect(leaveDays({ from: '2026-04-30', to: '2026-05-05' })).toBe(6);
  });

  it('lists leave still to come first, past leave apart', () => {
    const l = [{ from: '2026-01-05', to: '2026-01-06' }, { from: '2026-06-01', to: '2026-06-02' }, { from: '2026-03-01', to: '2026-03-10' }];
    const { current, past } = splitLeave(l, '2026-03-10');
    expect(current.map((x) => x.from)).toEqual(['2026-03-01', '2026-06-01']);
    expect(past.map((x) => x.from)).toEqual(['2026-01-05']);
  });
});
