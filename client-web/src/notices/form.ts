// The publish and revise forms as plain data: what was chosen, what is wrong with it, and
// the request body it makes. Pure functions, no DOM.

import { beijingToIso, isoToBeijing } from './time';
import {
  MAX_AUDIENCE_ITEMS,
  MAX_NOTICE_BODY,
  MAX_NOTICE_CHANGE_NOTE,
  MAX_NOTICE_REASON,
  MAX_NOTICE_TITLE,
  type Audience,
  type DepartmentTarget,
  type Notice,
  type PublishNoticeRequest,
  type ReviseNoticeRequest,
} from './types';

export interface ChosenPerson {
  id: number;
  name: string;
}

export interface PublishForm {
  title: string;
  body: string;
  urgent: boolean;
  /** The notice's level 0…3 (公开 / 内部 / 敏感 / 秘密 by default; names from the ladder). */
  secrecy: number;
  /** Beijing date YYYY-MM-DD and time HH:MM; both empty for no deadline. */
  deadlineDate: string;
  deadlineTime: string;
  needsConfirm: boolean;
  channels: number[];
  departments: DepartmentTarget[];
  partyOrgs: number[];
  people: ChosenPerson[];
  /** 全单位: everyone in the organisation (leaders only). */
  all?: boolean;
}

export function emptyPublishForm(): PublishForm {
  return {
    title: '',
    body: '',
    urgent: false,
    secrecy: 0,
    deadlineDate: '',
    deadlineTime: '',
    needsConfirm: true,
    channels: [],
    departments: [],
    partyOrgs: [],
    people: [],
  };
}

export type FormField = 'title' | 'body' | 'deadline' | 'audience' | 'change_note' | 'reason';

/** A problem of one field: a message key of notices and its parameters. */
export interface Problem {
  key:
    | 'notices.form_required'
    | 'notices.form_too_long'
    | 'notices.form_deadline_invalid'
    | 'notices.form_deadline_past'
    | 'notices.form_audience_empty'
    | 'notices.form_audience_too_many';
  params?: Record<string, number>;
}

export type Problems = Partial<Record<FormField, Problem>>;

/** Characters as people count them (a CJK character or an emoji is one). */
export function charCount(s: string): number {
  return [...s].length;
}

export function text(v: string, max: number): Problem | undefined {
  if (!v.trim()) return { key: 'notices.form_required' };
  if (charCount(v) > max) return { key: 'notices.form_too_long', params: { max } };
  return undefined;
}

/** The deadline as an instant: undefined for none, null when the fields are wrong. */
export function deadlineOf(date: string, time: string): string | undefined | null {
  if (!date.trim() && !time.trim()) return undefined;
  // A date without a time means the end of the working day.
  return beijingToIso(date, time.trim() || '17:30') ?? null;
}

export function deadlineProblem(date: string, time: string, now: number): Problem | undefined {
  const d = deadlineOf(date, time);
  if (d === null || (!date.trim() && time.trim())) return { key: 'notices.form_deadline_invalid' };
  if (d !== undefined && Date.parse(d) <= now) return { key: 'notices.form_deadline_past' };
  return undefined;
}

/** How many targets the audience names (channels, departments, party orgs, people). */
export function targetCount(f: Pick<PublishForm, 'channels' | 'departments' | 'partyOrgs' | 'people' | 'all'>): number {
  return f.channels.length + f.departments.length + f.partyOrgs.length + f.people.length + (f.all ? 1 : 0);
}

/** The audience as chosen in the picker (a notice's, and a collection's: ui/notices/AudiencePicker). */
export type AudienceChoice = Pick<PublishForm, 'channels' | 'departments' | 'partyOrgs' | 'people' | 'all'>;

export function emptyAudienceChoice(): AudienceChoice {
  return { channels: [], departments: [], partyOrgs: [], people: [] };
}

/** What is wrong with a chosen audience: nobody, or a list longer than the server takes. */
export function audienceProblem(f: AudienceChoice): Problem | undefined {
  if (targetCount(f) === 0) return { key: 'notices.form_audience_empty' };
  if ([f.channels, f.departments, f.partyOrgs, f.people].some((l) => l.length > MAX_AUDIENCE_ITEMS)) {
    return { key: 'notices.form_audience_too_many', params: { max: MAX_AUDIENCE_ITEMS } };
  }
  return undefined;
}

/** The wire audience of a choice. */
export function audienceOf(f: AudienceChoice): Audience {
  const a: Audience = {};
  if (f.channels.length) a.channels = [...new Set(f.channels)];
  if (f.departments.length) a.departments = f.departments.map((d) => (d.sub ? { id: d.id, sub: true } : { id: d.id }));
  if (f.partyOrgs.length) a.party_orgs = [...new Set(f.partyOrgs)];
  if (f.people.length) a.users = [...new Set(f.people.map((p) => p.id))];
  if (f.all) a.all = true;
  return a;
}

export function checkPublish(f: PublishForm, now: number): Problems {
  const p: Problems = {};
  const title = text(f.title, MAX_NOTICE_TITLE);
  if (title) p.title = title;
  const body = text(f.body, MAX_NOTICE_BODY);
  if (body) p.body = body;
  const deadline = deadlineProblem(f.deadlineDate, f.deadlineTime, now);
  if (deadline) p.deadline = deadline;
  const audience = audienceProblem(f);
  if (audience) p.audience = audience;
  return p;
}

export function publishBody(f: PublishForm): PublishNoticeRequest {
  const body: PublishNoticeRequest = {
    title: f.title.trim(),
    body: f.body.replace(/\s+$/, ''),
    priority: f.urgent ? 'urgent' : 'normal',
    audience: audienceOf(f),
  };
  if (f.secrecy) body.secrecy = f.secrecy;
  const deadline = deadlineOf(f.deadlineDate, f.deadlineTime);
  if (deadline) body.deadline = deadline;
  if (!f.needsConfirm) body.needs_confirm = false;
  return body;
}

/** Adds or removes an id in a list, keeping the order of choice. */
export function toggleId(list: readonly number[], id: number): number[] {
  return list.includes(id) ? list.filter((x) => x !== id) : [...list, id];
}

/** Chooses or unchooses a department; `sub` says whether the ones below it come too. */
export function toggleDepartment(list: readonly DepartmentTarget[], id: number, sub: boolean): DepartmentTarget[] {
  return list.some((d) => d.id === id) ? list.filter((d) => d.id !== id) : [...list, { id, sub }];
}

export function setDepartmentSub(list: readonly DepartmentTarget[], id: number, sub: boolean): DepartmentTarget[] {
  return list.map((d) => (d.id === id ? { id, sub } : d));
}

// ---- revise ----

export interface ReviseForm {
  title: string;
  body: string;
  changeNote: string;
  urgent: boolean;
  deadlineDate: string;
  deadlineTime: string;
}

export function reviseFormOf(n: Notice): ReviseForm {
  const f: ReviseForm = { title: n.title, body: n.body, changeNote: '', urgent: n.priority === 'urgent', deadlineDate: '', deadlineTime: '' };
  if (n.deadline) {
    const b = isoToBeijing(n.deadline);
    f.deadlineDate = b.date;
    f.deadlineTime = b.time;
  }
  return f;
}

export function checkRevise(f: ReviseForm, original: Notice, now: number): Problems {
  const p: Problems = {};
  const title = text(f.title, MAX_NOTICE_TITLE);
  if (title) p.title = title;
  const body = text(f.body, MAX_NOTICE_BODY);
  if (body) p.body = body;
  const note = text(f.changeNote, MAX_NOTICE_CHANGE_NOTE);
  if (note) p.change_note = note;
  const d = deadlineOf(f.deadlineDate, f.deadlineTime);
  // An unchanged deadline may already have passed; only a new one must lie ahead.
  if (d !== original.deadline && !(d && original.deadline && Date.parse(d) === Date.parse(original.deadline))) {
    const dp = deadlineProblem(f.deadlineDate, f.deadlineTime, now);
    if (dp) p.deadline = dp;
  }
  return p;
}

export function reviseBody(f: ReviseForm, original: Notice): ReviseNoticeRequest {
  const body: ReviseNoticeRequest = { title: f.title.trim(), body: f.body.replace(/\s+$/, ''), change_note: f.changeNote.trim() };
  const priority = f.urgent ? 'urgent' : 'normal';
  if (priority !== original.priority) body.priority = priority;
  const d = deadlineOf(f.deadlineDate, f.deadlineTime);
  if (d === undefined) {
    if (original.deadline) body.clear_deadline = true;
  } else if (d && (!original.deadline || Date.parse(d) !== Date.parse(original.deadline))) {
    body.deadline = d;
  }
  return body;
}

export function checkReason(reason: string): Problem | undefined {
  return text(reason, MAX_NOTICE_REASON);
}
