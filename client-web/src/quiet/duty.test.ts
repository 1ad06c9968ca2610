import { describe, expect, it } from 'vitest';
import { checkDuty, dutyBody, emptyDutyForm, isActive, splitSlots, type DutyForm } from './duty';
import type { DutySlot } from './types';

const now = new Date('2026-11-24T06:00:00Z'); // 14:00 Beijing, Tuesday 24 Nov

const form = (f: Partial<DutyForm> = {}): DutyForm => ({
  userId: 7,
  userName: '王建国',
  startDate: '2026-11-24',
  startTime: '18:00',
  endDate: '2026-11-25',
  endTime: '08:30',
  note: '',
  ...f,
});

describe('a new duty slot', () => {
  it('starts as tonight’s night duty, in Beijing dates', () => {
    expect(emptyDutyForm(now)).toEqual({ startDate: '2026-11-24', startTime: '18:00', endDate: '2026-11-25', endTime: '08:30', note: '' });
    // 23:30 UTC is already the 25th in Beijing.
    expect(emptyDutyForm(new Date('2026-11-24T23:30:00Z')).startDate).toBe('2026-11-25');
  });

  it('is fine as entered', () => {
    expect(checkDuty(form(), now)).toEqual({});
  });

  it.each<[string, Partial<DutyForm>, object]>([
    ['without a person', { userId: undefined }, { person: 'required' }],
    ['without a start time', { startTime: '' }, { start: 'required' }],
    ['with a bad date', { endDate: '2026-11-31' }, { end: 'date_format' }],
    ['with a bad time', { startTime: '25:00' }, { start: 'time_format' }],
    ['ending before it starts', { endDate: '2026-11-24', endTime: '17:00' }, { end: 'order' }],
    ['ending when it starts', { endDate: '2026-11-24', endTime: '18:00' }, { end: 'order' }],
    ['over', { startDate: '2026-11-23', endDate: '2026-11-24', endTime: '08:30' }, { end: 'past' }],
    ['too long', { endDate: '2026-12-30' }, { end: 'too_long' }],
    ['with a long note', { note: '值'.repeat(201) }, { note: 'note_too_long' }],
  ])('is refused %s', (_n, f, want) => expect(checkDuty(form(f), now)).toEqual(want));

  it('is sent in Beijing time', () => {
    expect(dutyBody(form({ note: '  夜间值班 ' }))).toEqual({ user_id: 7, start: '2026-11-24T18:00:00+08:00', end: '2026-11-25T08:30:00+08:00', note: '夜间值班' });
    expect(dutyBody(form())).not.toHaveProperty('note');
  });
});

describe('the roster', () => {
  const slot = (id: number, start: string, end: string): DutySlot => ({ id, user_id: id, start, end });
  const slots = [
    slot(1, '2026-11-20T10:00:00Z', '2026-11-21T00:30:00Z'), // past
    slot(2, '2026-11-25T10:00:00Z', '2026-11-26T00:30:00Z'), // upcoming
    slot(3, '2026-11-24T00:00:00Z', '2026-11-24T10:00:00Z'), // now
    slot(4, '2026-11-22T10:00:00Z', '2026-11-23T00:30:00Z'), // past, later
  ];

  it('lists what is not over by start, the past latest first', () => {
    const { current, past } = splitSlots(slots, now);
    expect(current.map((s) => s.id)).toEqual([3, 2]);
    expect(past.map((s) => s.id)).toEqual([4, 1]);
  });

  it('knows who is on duty now', () => {
    expect(isActive(slots[2]!, now)).toBe(true);
    expect(isActive(slots[1]!, now)).toBe(false);
  });
});
