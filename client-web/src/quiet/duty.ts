// The duty roster (值班表): checking a new slot as the administrator enters it in Beijing
// time, the body sent to the server, and the order slots are listed in. Pure functions.

import { beijingIso, fromBeijing, parseDate, toBeijingFields } from './beijing';
import { parseClock } from './schedule';
import type { DutySlot } from './types';

export const MAX_DUTY_NOTE = 200;
/** The longest slot accepted here: a month covers any holiday rota. */
export const MAX_DUTY_DAYS = 31;

export interface DutyForm {
  userId?: number;
  userName?: string;
  startDate: string;
  startTime: string;
  endDate: string;
  endTime: string;
  note: string;
}

export type DutyField = 'person' | 'start' | 'end' | 'note';
export type DutyProblem = 'required' | 'date_format' | 'time_format' | 'order' | 'too_long' | 'past' | 'note_too_long';
export type DutyProblems = Partial<Record<DutyField, DutyProblem>>;

/** A new slot's form: tonight 18:00 to tomorrow 08:30 (Beijing), the usual night duty. */
export function emptyDutyForm(now: Date | number): DutyForm {
  const today = toBeijingFields(now).date;
  const t = new Date(fromBeijing(today, '12:00')!.getTime() + 86_400_000);
  return { startDate: today, startTime: '18:00', endDate: toBeijingFields(t).date, endTime: '08:30', note: '' };
}

export function checkDuty(f: DutyForm, now: Date | number): DutyProblems {
  const out: DutyProblems = {};
  if (!f.userId) out.person = 'required';
  const at = (date: string, time: string, field: 'start' | 'end'): Date | undefined => {
    if (!date.trim() || !time.trim()) out[field] = 'required';
    else if (!parseDate(date)) out[field] = 'date_format';
    else if (parseClock(time) === undefined) out[field] = 'time_format';
    else return fromBeijing(date, time);
    return undefined;
  };
  const start = at(f.startDate, f.startTime, 'start');
  const end = at(f.endDate, f.endTime, 'end');
  if (start && end) {
    if (end.getTime() <= start.getTime()) out.end = 'order';
    else if (end.getTime() - start.getTime() > MAX_DUTY_DAYS * 86_400_000) out.end = 'too_long';
    else if (end.getTime() <= (now instanceof Date ? now.getTime() : now)) out.end = 'past';
  }
  if ([...f.note].length > MAX_DUTY_NOTE) out.note = 'note_too_long';
  return out;
}

/** The body of POST /admin/duty; call only when checkDuty found nothing. */
export function dutyBody(f: DutyForm): { user_id: number; start: string; end: string; note?: string } {
  const note = f.note.trim();
  return {
    user_id: f.userId!,
    start: beijingIso(fromBeijing(f.startDate, f.startTime)!),
    end: beijingIso(fromBeijing(f.endDate, f.endTime)!),
    ...(note ? { note } : {}),
  };
}

/** Slots split into those not yet over (by start) and past ones (latest first). */
export function splitSlots(slots: readonly DutySlot[], now: Date | number): { current: DutySlot[]; past: DutySlot[] } {
  const n = now instanceof Date ? now.getTime() : now;
  const t = (s: string) => new Date(s).getTime();
  const current = slots.filter((s) => t(s.end) > n).sort((a, b) => t(a.start) - t(b.start) || a.id - b.id);
  const past = slots.filter((s) => t(s.end) <= n).sort((a, b) => t(b.start) - t(a.start) || b.id - a.id);
  return { current, past };
}

/** Whether a slot is under way now. */
export function isActive(s: DutySlot, now: Date | number): boolean {
  const n = now instanceof Date ? now.getTime() : now;
  return new Date(s.start).getTime() <= n && n < new Date(s.end).getTime();
}
