// 法律保全 without the DOM: the form for a new hold (scope, target, a Beijing date range,
// reason, case number) checked as the server checks it, its request body, the list's
// search and status filter, who may countersign, and the words for a refusal.

import type { UiError } from '../errors';
import { beijingToIso } from '../notices/time';
import { translate, type Locale } from '../i18n';
import { chars } from './levelsForm';
import type { CreateHoldRequest, HoldScope, HoldStatus, LegalHold } from './types';

export const MAX_REASON = 500;
export const MAX_CASE_NO = 64;
export const MAX_NOTE = 500;

export interface Target {
  id: number;
  name: string;
}

export interface HoldForm {
  scope: HoldScope;
  channel?: Target;
  person?: Target;
  /** The notice's number as typed. */
  noticeId: string;
  /** Beijing dates YYYY-MM-DD; empty for an open end. */
  from: string;
  to: string;
  reason: string;
  caseNo: string;
}

export const emptyHoldForm = (): HoldForm => ({ scope: 'channel', noticeId: '', from: '', to: '', reason: '', caseNo: '' });

export type HoldField = 'target' | 'from' | 'to' | 'reason' | 'case_no';
export type HoldProblems = Partial<Record<HoldField, 'required' | 'notice_id' | 'date' | 'range' | 'reason' | 'case_no' | 'control'>>;

// Free text may break lines (a reason); never other controls or direction overrides.
const CONTROL_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const CONTROL_LINE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** The start of a Beijing day, as an instant. */
export function dayStart(date: string): string | undefined {
  return beijingToIso(date, '00:00');
}

/** The last millisecond of a Beijing day: a range "to 3月31日" covers that whole day. */
export function dayEnd(date: string): string | undefined {
  const s = beijingToIso(date, '00:00');
  return s ? new Date(Date.parse(s) + 86_400_000 - 1).toISOString() : undefined;
}

export function holdTarget(f: HoldForm): Target | undefined {
  if (f.scope === 'channel') return f.channel;
  if (f.scope === 'user') return f.person;
  const s = f.noticeId.trim();
  return /^[1-9]\d{0,15}$/.test(s) && Number.isSafeInteger(Number(s)) ? { id: Number(s), name: `#${s}` } : undefined;
}

export function checkHold(f: HoldForm): HoldProblems {
  const p: HoldProblems = {};
  if (!holdTarget(f)) p.target = f.scope === 'notice' && f.noticeId.trim() ? 'notice_id' : 'required';
  if (f.from && !dayStart(f.from)) p.from = 'date';
  if (f.to && !dayEnd(f.to)) p.to = 'date';
  if (!p.from && !p.to && f.from && f.to && f.to < f.from) p.to = 'range';
  const reason = f.reason.trim();
  if (!reason || chars(reason) > MAX_REASON) p.reason = 'reason';
  else if (CONTROL_TEXT.test(f.reason)) p.reason = 'control';
  const c = f.caseNo.trim();
  if (!c || chars(c) > MAX_CASE_NO) p.case_no = 'case_no';
  else if (CONTROL_LINE.test(f.caseNo)) p.case_no = 'control';
  return p;
}

/** The body of POST /holds (call after checkHold found nothing). */
export function holdBody(f: HoldForm): CreateHoldRequest {
  const body: CreateHoldRequest = { scope: f.scope, target_id: holdTarget(f)?.id ?? 0, reason: f.reason.trim(), case_no: f.caseNo.trim() };
  const from = f.from ? dayStart(f.from) : undefined;
  const to = f.to ? dayEnd(f.to) : undefined;
  if (from) body.from = from;
  if (to) body.to = to;
  return body;
}

/** A release note (申请解除 / 会签解除): 1–500 characters. */
export function checkNote(note: string): 'note' | 'control' | undefined {
  const s = note.trim();
  if (!s || chars(s) > MAX_NOTE) return 'note';
  return CONTROL_TEXT.test(note) ? 'control' : undefined;
}

export type StatusFilter = 'all' | HoldStatus;
export const STATUS_FILTERS: readonly StatusFilter[] = ['all', 'active', 'release_requested', 'released'];

/** The holds a search and a status let through, newest first. The search looks at the
 * case number, the target, the reason and the names of the officers involved. */
export function filterHolds(holds: readonly LegalHold[], q: string, status: StatusFilter): LegalHold[] {
  const needle = q.trim().toLowerCase();
  return holds
    .filter((h) => status === 'all' || h.status === status)
    .filter((h) => {
      if (!needle) return true;
      const hay = [h.case_no, h.target_name, h.reason, h.created_by_name, h.release_requested_name ?? '', h.released_by_name ?? '', String(h.id)];
      return hay.some((x) => x.toLowerCase().includes(needle));
    })
    .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at) || b.id - a.id);
}

/** Whether this person may countersign: a release is asked for, by someone else. */
export function mayCountersign(h: LegalHold, meId: number): boolean {
  return h.status === 'release_requested' && h.release_requested_by !== meId;
}

/** The words for a refused hold action. */
export function holdErrorText(e: UiError, locale: Locale, fallback: (e: UiError) => string): string {
  switch (e.code) {
    case 'two_person_rule':
      return translate(locale, 'secrecy.err_two_person');
    case 'forbidden':
      return translate(locale, 'secrecy.err_forbidden');
    default:
      return fallback(e);
  }
}
