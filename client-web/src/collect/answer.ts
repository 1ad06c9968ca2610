// A person's answer to a form while it is filled in: every field's draft as the inputs hold
// it (strings), what is wrong with it, and the values it sends. Pure functions, no DOM.
//
// Each field type is checked before sending, as the server checks it again:
//   text    required, at most MAX_TEXT_VALUE characters
//   number  a decimal number (full-width digits and thousands commas accepted), sent as a
//           JSON number
//   date    a real day, YYYY-MM-DD
//   choice  one of the options (several when multiple)
//   file    one file (required means it must be given); sent as an AttachmentRef
//   table   rows within max_rows; each row's cells checked as fields of their type; a row
//           left wholly empty is dropped, not sent

import type { Attachment, AttachmentRef } from '../files/types';
import { charCount } from '../notices/form';
import { MAX_CELL_TEXT, MAX_FIELD_FILES, MAX_LINE, MAX_TABLE_ROWS, MAX_TEXT_VALUE, type Field, type TableRow, type Values } from './types';

/** A cell or a simple field as the input holds it; a multiple choice as the chosen options. */
export type DraftCell = string | string[];
export type DraftRow = Record<string, DraftCell>;
export type DraftValue = DraftCell | DraftRow[];
export type AnswerDraft = Record<string, DraftValue>;

export type AnswerProblemKey =
  | 'collect.err_required'
  | 'collect.err_too_long'
  | 'collect.err_number'
  | 'collect.err_date'
  | 'collect.err_choice'
  | 'collect.err_too_many_rows'
  | 'collect.err_too_many_files'
  | 'collect.err_files_pending';

export interface AnswerProblem {
  key: AnswerProblemKey;
  params?: Record<string, number | string>;
}

/** Problems by field id, and by `fieldId.row.columnId` for a table's cells (row from 0). */
export type AnswerProblems = Record<string, AnswerProblem>;

export function cellKey(fieldId: string, row: number, columnId: string): string {
  return `${fieldId}.${row}.${columnId}`;
}

/** An empty draft for the fields (a table starts with one empty row). */
export function emptyAnswer(fields: readonly Field[]): AnswerDraft {
  const d: AnswerDraft = {};
  for (const f of fields) {
    if (f.type === 'file') continue;
    d[f.id] = f.type === 'table' ? [emptyRow(f)] : f.type === 'choice' && f.multiple ? [] : '';
  }
  return d;
}

export function emptyRow(table: Field): DraftRow {
  const r: DraftRow = {};
  for (const c of table.columns ?? []) r[c.id] = c.type === 'choice' && c.multiple ? [] : '';
  return r;
}

/** The draft of an answer already sent (to edit it). */
export function draftOf(fields: readonly Field[], values: Values | undefined): AnswerDraft {
  const d = emptyAnswer(fields);
  if (!values) return d;
  for (const f of fields) {
    const v = values[f.id];
    if (v === undefined || f.type === 'file') continue;
    if (f.type === 'table') {
      const rows = Array.isArray(v) ? (v as TableRow[]) : [];
      d[f.id] = rows.length ? rows.map((r) => cellsOf(f.columns ?? [], r)) : [emptyRow(f)];
    } else d[f.id] = cellOf(f, v as string | number | string[]);
  }
  return d;
}

function cellsOf(columns: readonly Field[], r: TableRow): DraftRow {
  const out: DraftRow = {};
  for (const c of columns) out[c.id] = cellOf(c, r?.[c.id]);
  return out;
}

function cellOf(f: Field, v: string | number | string[] | undefined): DraftCell {
  if (f.type === 'choice' && f.multiple) return Array.isArray(v) ? v.map(String) : v === undefined || v === '' ? [] : [String(v)];
  if (v === undefined || v === null) return '';
  return Array.isArray(v) ? v.join('、') : String(v);
}

const FULL_WIDTH = /[０-９．－，]/g;

/** A number as people type it: full-width digits, thousands commas, spaces. undefined when
 * it is not a plain decimal number. */
export function parseNumber(s: string): number | undefined {
  const t = s
    .trim()
    .replace(FULL_WIDTH, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[,\s]/g, '');
  if (!/^[-+]?(\d+(\.\d*)?|\.\d+)$/.test(t)) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

/** A date as YYYY-MM-DD naming a real day. */
export function isDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s.trim());
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

function isEmptyCell(v: DraftCell | undefined): boolean {
  return v === undefined || (Array.isArray(v) ? v.length === 0 : !v.trim());
}

/** A row whose every cell is empty: not an answer, dropped on sending. */
export function isEmptyRow(r: DraftRow): boolean {
  return Object.values(r).every(isEmptyCell);
}

/** Numbers the server takes: |x| ≤ 10^15. */
const MAX_NUMBER = 1e15;

/** The problem of one simple value (a field, or a table's cell). */
export function checkCell(f: Field, v: DraftCell | undefined, cell = false): AnswerProblem | undefined {
  if (isEmptyCell(v)) return f.required ? { key: 'collect.err_required' } : undefined;
  switch (f.type) {
    case 'text': {
      const max = cell ? MAX_CELL_TEXT : MAX_TEXT_VALUE;
      return charCount(String(v)) > max ? { key: 'collect.err_too_long', params: { max } } : undefined;
    }
    case 'number': {
      const n = parseNumber(String(v));
      return n === undefined || Math.abs(n) > MAX_NUMBER ? { key: 'collect.err_number' } : undefined;
    }
    case 'date':
      return isDate(String(v)) ? undefined : { key: 'collect.err_date' };
    case 'choice': {
      const chosen = Array.isArray(v) ? v : [v as string];
      const opts = f.options ?? [];
      if (!f.multiple && chosen.length > 1) return { key: 'collect.err_choice' };
      return chosen.every((c) => opts.includes(c)) ? undefined : { key: 'collect.err_choice' };
    }
    default:
      return undefined;
  }
}

export interface FileCount {
  /** Files attached and ready (uploaded, or kept from the answer sent before). */
  ready: number;
  /** Still uploading (or failed): the answer cannot be sent yet. */
  pending: number;
}

/** Everything wrong with an answer. `files` counts each file field's files. */
export function checkAnswer(fields: readonly Field[], d: AnswerDraft, files: Record<string, FileCount> = {}): AnswerProblems {
  const p: AnswerProblems = {};
  for (const f of fields) {
    if (f.type === 'file') {
      const c = files[f.id] ?? { ready: 0, pending: 0 };
      if (c.pending) p[f.id] = { key: 'collect.err_files_pending' };
      else if (c.ready > MAX_FIELD_FILES) p[f.id] = { key: 'collect.err_too_many_files', params: { max: MAX_FIELD_FILES } };
      else if (f.required && c.ready === 0) p[f.id] = { key: 'collect.err_required' };
      continue;
    }
    if (f.type === 'table') {
      const rows = ((d[f.id] as DraftRow[] | undefined) ?? []).filter((r) => !isEmptyRow(r));
      const max = Math.min(f.max_rows || MAX_TABLE_ROWS, MAX_TABLE_ROWS);
      if (rows.length > max) p[f.id] = { key: 'collect.err_too_many_rows', params: { max } };
      else if (f.required && rows.length === 0) p[f.id] = { key: 'collect.err_required' };
      // Cells are checked in the rows as shown (empty rows included, so the numbers match).
      ((d[f.id] as DraftRow[] | undefined) ?? []).forEach((r, i) => {
        if (isEmptyRow(r)) return;
        for (const c of f.columns ?? []) {
          const cp = checkCell(c, r[c.id], true);
          if (cp) p[cellKey(f.id, i, c.id)] = cp;
        }
      });
      continue;
    }
    const cp = checkCell(f, d[f.id] as DraftCell | undefined);
    if (cp) p[f.id] = cp;
  }
  return p;
}

function wireCell(f: Field, v: DraftCell | undefined): string | number | string[] | undefined {
  if (isEmptyCell(v)) return undefined;
  switch (f.type) {
    case 'number':
      return parseNumber(String(v));
    case 'choice':
      return f.multiple ? (Array.isArray(v) ? [...v] : [String(v)]) : Array.isArray(v) ? v[0] : String(v);
    case 'date':
      return String(v).trim();
    default:
      return String(v).replace(/\s+$/, '');
  }
}

/** What names a file in an answer: the blob, its key commitment and its thumbnail. */
export function refOf(a: AttachmentRef | Attachment): AttachmentRef {
  const r: AttachmentRef = { blob_id: a.blob_id, commitment: a.commitment };
  if (a.thumb_blob_id) r.thumb_blob_id = a.thumb_blob_id;
  return r;
}

/** The values an answer sends: empty fields left out, table rows without their empty ones,
 * a file field as its file's AttachmentRef. Call checkAnswer first. */
export function valuesOf(fields: readonly Field[], d: AnswerDraft, files: Record<string, AttachmentRef | Attachment | undefined> = {}): Values {
  const out: Values = {};
  for (const f of fields) {
    if (f.type === 'file') {
      const a = files[f.id];
      if (a) out[f.id] = refOf(a);
      continue;
    }
    if (f.type === 'table') {
      const rows: TableRow[] = [];
      for (const r of (d[f.id] as DraftRow[] | undefined) ?? []) {
        if (isEmptyRow(r)) continue;
        const row: TableRow = {};
        for (const c of f.columns ?? []) {
          const v = wireCell(c, r[c.id]);
          if (v !== undefined) row[c.id] = v;
        }
        rows.push(row);
      }
      if (rows.length) out[f.id] = rows;
      continue;
    }
    const v = wireCell(f, d[f.id] as DraftCell | undefined);
    if (v !== undefined) out[f.id] = v;
  }
  return out;
}

/** A 接龙's line: required, one line, at most MAX_LINE characters. */
export function checkLine(line: string): AnswerProblem | undefined {
  if (!line.trim()) return { key: 'collect.err_required' };
  if (charCount(line.trim()) > MAX_LINE) return { key: 'collect.err_too_long', params: { max: MAX_LINE } };
  return undefined;
}

export function lineValues(line: string): Values {
  return { line: line.replace(/\s+/g, ' ').trim() };
}

/** The table's rows after adding one, unless it is full. */
export function addRow(table: Field, rows: readonly DraftRow[]): DraftRow[] {
  const max = Math.min(table.max_rows || MAX_TABLE_ROWS, MAX_TABLE_ROWS);
  return rows.length >= max ? [...rows] : [...rows, emptyRow(table)];
}

export function removeRow(table: Field, rows: readonly DraftRow[], i: number): DraftRow[] {
  const left = rows.filter((_, j) => j !== i);
  return left.length ? left : [emptyRow(table)];
}

/** A file field's value as an Attachment, or undefined when it holds none. */
export function attachmentOf(v: unknown): Attachment | undefined {
  const a = Array.isArray(v) ? v[0] : v;
  return a && typeof a === 'object' && typeof (a as Attachment).blob_id === 'string' ? (a as Attachment) : undefined;
}

/** The files of an answer already sent (kept when it is edited). */
export function filesOf(fields: readonly Field[], values: Values | undefined): Record<string, Attachment> {
  const out: Record<string, Attachment> = {};
  for (const f of fields) {
    const a = f.type === 'file' ? attachmentOf(values?.[f.id]) : undefined;
    if (a) out[f.id] = a;
  }
  return out;
}
