import { describe, expect, it } from 'vitest';
import { checkDay, checkSchedule, clockText, dayMinutes, defaultSchedule, hasProblems, nextSpan, normalizeClock, parseClock, readSchedule, sameSchedule, scheduleBody } from './schedule';

describe('parseClock', () => {
  it.each([
    ['08:30', 510],
    ['8:30', 510],
    ['00:00', 0],
    ['24:00', 1440],
    [' 14:30 ', 870],
    ['18：00', 1080], // a full-width colon, as a Chinese IME types it
  ])('reads %j', (s, m) => expect(parseClock(s)).toBe(m));

  it.each(['', '8', '0830', '24:01', '25:00', '12:60', '12:5', 'ab:cd', '-1:00', '12:00:00'])('refuses %j', (s) => expect(parseClock(s)).toBeUndefined());

  it('writes HH:MM and normalises what was typed', () => {
    expect(clockText(510)).toBe('08:30');
    expect(clockText(1440)).toBe('24:00');
    expect(normalizeClock('8:30')).toBe('08:30');
    expect(normalizeClock('nope')).toBe('nope');
  });
});

describe('checkDay', () => {
  it('accepts the default day, touching spans and a span to midnight', () => {
    expect(checkDay(defaultSchedule().mon)).toEqual({});
    expect(checkDay([{ start: '08:00', end: '12:00' }, { start: '12:00', end: '24:00' }])).toEqual({});
  });

  it('names the span whose start or end is not a time', () => {
    expect(checkDay([{ start: '8.30', end: '12:00' }])).toEqual({ 0: 'start_format' });
    expect(checkDay([{ start: '08:30', end: '' }])).toEqual({ 0: 'end_format' });
  });

  it('wants the start before the end', () => {
    expect(checkDay([{ start: '12:00', end: '08:30' }])).toEqual({ 0: 'order' });
    expect(checkDay([{ start: '12:00', end: '12:00' }])).toEqual({ 0: 'order' });
    expect(checkDay([{ start: '24:00', end: '24:00' }])).toEqual({ 0: 'order' });
  });

  it('marks the later-entered of two overlapping spans, whatever their order in the day', () => {
    expect(checkDay([{ start: '08:30', end: '12:00' }, { start: '11:00', end: '13:00' }])).toEqual({ 1: 'overlap' });
    expect(checkDay([{ start: '14:00', end: '18:00' }, { start: '08:00', end: '15:00' }])).toEqual({ 1: 'overlap' });
    expect(checkDay([{ start: '08:00', end: '18:00' }, { start: '09:00', end: '10:00' }])).toEqual({ 1: 'overlap' });
  });
});

describe('the week', () => {
  it('finds nothing wrong with the default', () => {
    expect(hasProblems(checkSchedule(defaultSchedule()))).toBe(false);
  });

  it('reports problems by day', () => {
    const s = defaultSchedule();
    s.tue = [{ start: '09:00', end: '08:00' }];
    expect(checkSchedule(s)).toEqual({ tue: { 0: 'order' } });
  });

  it('reads the server form, with missing and null days as rest days', () => {
    const s = readSchedule({ mon: [{ start: '08:30', end: '12:00' }], tue: null, bogus: 1 });
    expect(s.mon).toEqual([{ start: '08:30', end: '12:00' }]);
    expect(s.tue).toEqual([]);
    expect(s.sun).toEqual([]);
  });

  it('saves every day, times normalised and spans in order', () => {
    const s = readSchedule({ wed: [{ start: '14:30', end: '18:00' }, { start: '8:30', end: '12:00' }] });
    const b = scheduleBody(s);
    expect(Object.keys(b)).toEqual(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
    expect(b.wed).toEqual([
      { start: '08:30', end: '12:00' },
      { start: '14:30', end: '18:00' },
    ]);
  });

  it('tells unsaved changes from a mere reordering', () => {
    const a = defaultSchedule();
    const b = defaultSchedule();
    b.mon = [...b.mon].reverse();
    expect(sameSchedule(a, b)).toBe(true);
    b.sat = [{ start: '09:00', end: '11:00' }];
    expect(sameSchedule(a, b)).toBe(false);
  });
});

describe('helpers', () => {
  it('proposes a new span after the last', () => {
    expect(nextSpan([])).toEqual({ start: '08:30', end: '12:00' });
    expect(nextSpan(defaultSchedule().mon)).toEqual({ start: '18:00', end: '19:00' });
    expect(nextSpan([{ start: '20:00', end: '23:30' }])).toEqual({ start: '23:30', end: '24:00' });
    expect(nextSpan([{ start: '20:00', end: '24:00' }])).toBeUndefined();
  });

  it('adds up a day', () => {
    expect(dayMinutes(defaultSchedule().mon)).toBe(7 * 60);
    expect(dayMinutes([{ start: 'x', end: '12:00' }])).toBe(0);
  });
});
