// The 发起收集 form as plain data: kind, title, description, deadline (Beijing time), per
// person or per department, the audience (the notice's picker, notices/form.ts) and the
// fields builder; what is wrong with it and the request it makes. Pure functions, no DOM.

import {
  audienceOf,
  audienceProblem,
  charCount,
  deadlineOf,
  deadlineProblem,
  emptyAudienceChoice,
  text,
  type AudienceChoice,
  type Problem,
} from '../notices/form';
import {
  COLUMN_TYPES,
  MAX_COLUMNS,
  MAX_DESCRIPTION,
  MAX_FIELDS,
  MAX_LABEL,
  MAX_OPTION,
  MAX_OPTIONS,
  MAX_TABLE_ROWS,
  MAX_TITLE,
  type CollectionKind,
  type CollectionPer,
  type Field,
  type FieldType,
  type PublishCollectionRequest,
} from './types';

/** A field while it is built: options as the textarea holds them (one a line), max rows as typed. */
export interface DraftField {
  id: string;
  label: string;
  type: FieldType;
  required: boolean;
  options: string;
  multiple: boolean;
  columns: DraftField[];
  maxRows: string;
}

export interface CreateForm extends AudienceChoice {
  kind: CollectionKind;
  title: string;
  description: string;
  deadlineDate: string;
  deadlineTime: string;
  per: CollectionPer;
  secrecy: 0 | 1;
  fields: DraftField[];
}

export function emptyCreateForm(): CreateForm {
  return { kind: 'form', title: '', description: '', deadlineDate: '', deadlineTime: '', per: 'person', secrecy: 0, fields: [], ...emptyAudienceChoice() };
}

/** A new field's id: the next free f1, f2… (c1, c2… for a table's columns). Ids stay as
 * given once made, so reordering or removing fields never renames an answer's key. */
export function nextId(existing: readonly { id: string }[], prefix: 'f' | 'c'): string {
  const used = new Set(existing.map((f) => f.id));
  for (let i = 1; ; i++) if (!used.has(`${prefix}${i}`)) return `${prefix}${i}`;
}

export function newField(existing: readonly { id: string }[], type: FieldType, prefix: 'f' | 'c' = 'f'): DraftField {
  const f: DraftField = { id: nextId(existing, prefix), label: '', type, required: false, options: '', multiple: false, columns: [], maxRows: '' };
  if (type === 'table') {
    f.columns = [newField([], 'text', 'c')];
    f.maxRows = '20';
  }
  return f;
}

export function optionsOf(s: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const line of s.split('\n')) {
    const o = line.trim();
    if (o && !seen.has(o)) {
      seen.add(o);
      out.push(o);
    }
  }
  return out;
}

/** Moves item i by delta (−1 up, +1 down), keeping the others in order. */
export function move<T>(list: readonly T[], i: number, delta: number): T[] {
  const j = i + delta;
  if (j < 0 || j >= list.length) return [...list];
  const out = [...list];
  [out[i], out[j]] = [out[j]!, out[i]!];
  return out;
}

export type CreateProblemKey =
  | Problem['key']
  | 'collect.err_fields_empty'
  | 'collect.err_fields_too_many'
  | 'collect.err_options_empty'
  | 'collect.err_options_too_many'
  | 'collect.err_option_too_long'
  | 'collect.err_columns_empty'
  | 'collect.err_columns_too_many'
  | 'collect.err_max_rows'
  | 'collect.err_label_duplicate';

export interface CreateProblem {
  key: CreateProblemKey;
  params?: Record<string, number>;
}

/** Problems of the form: title, description, deadline, audience, fields (the list as a
 * whole), and each field by `field:<id>` (its label, options, columns, rows) and
 * `field:<id>:<columnId>` for a column. */
export type CreateProblems = Record<string, CreateProblem>;

function checkDraftField(f: DraftField, key: string, p: CreateProblems, siblings: readonly DraftField[], column: boolean) {
  const label = text(f.label, MAX_LABEL);
  if (label) p[key] = label;
  else if (siblings.some((o) => o !== f && o.label.trim() === f.label.trim())) p[key] = { key: 'collect.err_label_duplicate' };
  if (f.type === 'choice') {
    const opts = f.options.split('\n').map((o) => o.trim());
    const list = optionsOf(f.options);
    if (!list.length) p[`${key}:options`] = { key: 'collect.err_options_empty' };
    else if (list.length > MAX_OPTIONS) p[`${key}:options`] = { key: 'collect.err_options_too_many', params: { max: MAX_OPTIONS } };
    else if (opts.some((o) => charCount(o) > MAX_OPTION)) p[`${key}:options`] = { key: 'collect.err_option_too_long', params: { max: MAX_OPTION } };
  }
  if (f.type === 'table' && !column) {
    if (!f.columns.length) p[`${key}:columns`] = { key: 'collect.err_columns_empty' };
    else if (f.columns.length > MAX_COLUMNS) p[`${key}:columns`] = { key: 'collect.err_columns_too_many', params: { max: MAX_COLUMNS } };
    const rows = Number(f.maxRows.trim());
    if (!/^\d+$/.test(f.maxRows.trim()) || rows < 1 || rows > MAX_TABLE_ROWS) p[`${key}:rows`] = { key: 'collect.err_max_rows', params: { max: MAX_TABLE_ROWS } };
    for (const c of f.columns) checkDraftField(c, `${key}:${c.id}`, p, f.columns, true);
  }
}

export function checkCreate(f: CreateForm, now: number): CreateProblems {
  const p: CreateProblems = {};
  const title = text(f.title, MAX_TITLE);
  if (title) p.title = title;
  if (charCount(f.description) > MAX_DESCRIPTION) p.description = { key: 'notices.form_too_long', params: { max: MAX_DESCRIPTION } };
  const deadline = deadlineProblem(f.deadlineDate, f.deadlineTime, now);
  if (deadline) p.deadline = deadline;
  const audience = audienceProblem(f);
  if (audience) p.audience = audience;
  if (f.kind === 'form') {
    if (!f.fields.length) p.fields = { key: 'collect.err_fields_empty' };
    else if (f.fields.length > MAX_FIELDS) p.fields = { key: 'collect.err_fields_too_many', params: { max: MAX_FIELDS } };
    for (const x of f.fields) checkDraftField(x, `field:${x.id}`, p, f.fields, false);
  }
  return p;
}

/** A built field as the wire has it (also what the preview shows). */
export function fieldOf(d: DraftField, column = false): Field {
  const f: Field = { id: d.id, label: d.label.trim(), type: d.type };
  if (d.required) f.required = true;
  if (d.type === 'choice') {
    f.options = optionsOf(d.options);
    if (d.multiple) f.multiple = true;
  }
  if (d.type === 'table' && !column) {
    f.columns = d.columns.filter((c) => (COLUMN_TYPES as readonly string[]).includes(c.type)).map((c) => fieldOf(c, true));
    const rows = Number(d.maxRows.trim());
    f.max_rows = Number.isInteger(rows) && rows >= 1 ? Math.min(rows, MAX_TABLE_ROWS) : MAX_TABLE_ROWS;
  }
  return f;
}

export function createBody(f: CreateForm): PublishCollectionRequest {
  const body: PublishCollectionRequest = { kind: f.kind, title: f.title.trim(), per: f.kind === 'signup' ? 'person' : f.per, audience: audienceOf(f) };
  const desc = f.description.replace(/\s+$/, '');
  if (desc) body.description = desc;
  if (f.kind === 'form') body.fields = f.fields.map((x) => fieldOf(x));
  const deadline = deadlineOf(f.deadlineDate, f.deadlineTime);
  if (deadline) body.deadline = deadline;
  if (f.secrecy) body.secrecy = f.secrecy;
  return body;
}
