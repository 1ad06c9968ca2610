// The author's view as data: who has and has not submitted by department (from GET
// …/status, refreshed live on `collection` frames), the submissions as a table with the
// form's columns, a 接龙's numbered lines, and what each state means for the reader.
// Pure functions, no DOM.

import type { Attachment } from '../files/types';
import { attachmentOf } from './answer';
import type { Collection, CollectionCounts, CollectionStatus, Field, MyState, StatusDepartment, StatusPerson, Submission, TableRow } from './types';

export type StatusFilter = 'all' | 'todo' | 'submitted' | 'returned';

export interface DepartmentGroup {
  id: number;
  name: string;
  total: number;
  submitted: number;
  returned: number;
  todo: number;
  /** The people shown under the filter: not yet first, then returned, then submitted. */
  people: StatusPerson[];
}

const ORDER: Record<string, number> = { todo: 0, returned: 1, submitted: 2 };

/** Departments with people under the filter; departments with none of them left out;
 * departments with the most still to do first, so the laggards are on top. */
export function groupStatus(s: CollectionStatus | undefined, filter: StatusFilter = 'all'): DepartmentGroup[] {
  if (!s) return [];
  const out: DepartmentGroup[] = [];
  for (const d of s.departments ?? []) {
    const all = d.people ?? [];
    const people = all.filter((p) => filter === 'all' || p.state === filter).sort(byState);
    if (filter !== 'all' && !people.length) continue;
    out.push({ id: d.department_id, name: d.name, total: countTotal(d), submitted: d.submitted, returned: d.returned, todo: d.todo, people });
  }
  return out.sort((a, b) => b.todo + b.returned - (a.todo + a.returned) || a.name.localeCompare(b.name, 'zh-CN'));
}

function countTotal(d: StatusDepartment): number {
  return d.submitted + d.returned + d.todo;
}

function byState(a: StatusPerson, b: StatusPerson): number {
  return (ORDER[a.state] ?? 9) - (ORDER[b.state] ?? 9) || a.display_name.localeCompare(b.display_name, 'zh-CN');
}

/** Answers still to come: expected, less those submitted or returned (never below 0). */
export function todoOf(c: CollectionCounts): number {
  return Math.max(0, c.units - c.submitted - c.returned);
}

/** Shares of the answers expected for the progress bar, in whole percent. */
export function statusShares(c: CollectionCounts): { submitted: number; returned: number; todo: number } {
  const total = Math.max(c.units, c.submitted + c.returned);
  if (!total) return { submitted: 0, returned: 0, todo: 0 };
  const submitted = Math.round((c.submitted * 100) / total);
  const returned = Math.min(100 - submitted, Math.round((c.returned * 100) / total));
  return { submitted, returned, todo: 100 - submitted - returned };
}

/** What the reader still owes: 待填写, 已提交 (may edit), 已退回 (must edit), or nothing. */
export type ReaderState = MyState | 'closed' | 'author';

export function readerState(c: Collection, now: number): { state: ReaderState; canEdit: boolean } {
  const st = (c.my?.state ?? 'author') as ReaderState;
  if (!c.my) return { state: 'author', canEdit: false };
  const open = c.status === 'open' && !(c.deadline && Date.parse(c.deadline) <= now);
  return { state: st, canEdit: open };
}

/** Whether the reader must still act on it (pinned, listed under 待填写). */
export function needsAnswer(c: Collection, now: number): boolean {
  return !!c.my && c.my.state !== 'submitted' && readerState(c, now).canEdit;
}

/** Pinned order: returned first (someone is waiting for a correction), then the nearest
 * deadline (none last), then the newest. */
export function comparePinned(a: Collection, b: Collection): number {
  const r = Number(b.my?.state === 'returned') - Number(a.my?.state === 'returned');
  if (r) return r;
  const da = a.deadline ? Date.parse(a.deadline) : Infinity;
  const db = b.deadline ? Date.parse(b.deadline) : Infinity;
  if (da !== db) return da < db ? -1 : 1;
  return b.id - a.id;
}

/** The collections pinned in a channel: open ones of its audience the reader must answer. */
export function pinnedIn(list: readonly Collection[], channelId: number, now: number): Collection[] {
  return list.filter((c) => needsAnswer(c, now) && (c.audience?.channels ?? []).includes(channelId)).sort(comparePinned);
}

// ---- the table of submissions ----

/** A cell of the author's table as text: numbers as written, choices joined with 、, files
 * by count (their names are in the zip), a table by its rows. */
export function cellText(f: Field, v: unknown): string {
  if (v === undefined || v === null || v === '') return '';
  switch (f.type) {
    case 'choice':
      return Array.isArray(v) ? v.join('、') : String(v);
    case 'file':
      return attachmentOf(v) ? '1' : '';
    case 'table':
      return Array.isArray(v) ? String(v.length) : '';
    default:
      return String(v);
  }
}

export interface TableView {
  columns: Field[];
  rows: { submission: Submission; cells: unknown[] }[];
}

/** The submissions under the form's fields, in the order they first came. */
export function submissionsTable(fields: readonly Field[], subs: readonly Submission[]): TableView {
  const rows = [...subs]
    .sort((a, b) => Date.parse(a.submitted_at) - Date.parse(b.submitted_at) || a.user_id - b.user_id)
    .map((s) => ({ submission: s, cells: fields.map((f) => s.values?.[f.id]) }));
  return { columns: [...fields], rows };
}

/** A 接龙's lines, numbered in the order of first submission (the server's number when
 * it gives one). */
export function signupLines(subs: readonly Submission[]): { n: number; submission: Submission; line: string }[] {
  return [...subs]
    .sort((a, b) => (a.number ?? 0) - (b.number ?? 0) || Date.parse(a.submitted_at) - Date.parse(b.submitted_at) || a.user_id - b.user_id)
    .map((s, i) => ({ n: s.number || i + 1, submission: s, line: typeof s.values?.line === 'string' ? s.values.line : '' }));
}

/** Every file answer of the submissions, with who sent it and under which field. */
export interface FileAnswer {
  submission: Submission;
  field: Field;
  attachment: Attachment;
}

export function fileAnswers(fields: readonly Field[], subs: readonly Submission[]): FileAnswer[] {
  const out: FileAnswer[] = [];
  for (const s of subs) {
    for (const f of fields) {
      if (f.type !== 'file') continue;
      const a = attachmentOf(s.values?.[f.id]);
      if (a) out.push({ submission: s, field: f, attachment: a });
    }
  }
  return out;
}

export function rowsOf(v: unknown): TableRow[] {
  return Array.isArray(v) ? (v as TableRow[]) : [];
}
