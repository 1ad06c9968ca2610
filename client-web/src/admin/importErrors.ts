// What an import_invalid answer means, for the administrator (PROTOCOL.md 5, Errors).

import type { ImportRowError } from './types';

/** Every row code the server sends; each has a text under admin.import.code.<code>. */
export const ROW_CODES = [
  'unknown_column',
  'duplicate_column',
  'missing_column',
  'unnamed_column',
  'too_many_rows',
  'too_many_errors',
  'invalid_csv',
  'wrong_field_count',
  'missing_field',
  'invalid_username',
  'duplicate_username',
  'too_long',
  'invalid_phone',
  'invalid_email',
  'unknown_role',
  'unknown_party_role',
  'party_role_without_party',
  'bad_path',
  'control_characters',
  'password_policy',
  'watcher_account',
  'own_role',
] as const;
export type RowCode = (typeof ROW_CODES)[number];

export function isKnownRowCode(code: string): code is RowCode {
  return (ROW_CODES as readonly string[]).includes(code);
}

/** The rows of an error body, keeping only well-formed entries. */
export function parseRows(v: unknown): ImportRowError[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: ImportRowError[] = [];
  for (const r of v) {
    if (typeof r !== 'object' || r === null) continue;
    const o = r as Record<string, unknown>;
    if (typeof o.line !== 'number' || typeof o.code !== 'string') continue;
    out.push({
      line: o.line,
      code: o.code,
      column: typeof o.column === 'string' && o.column ? o.column : undefined,
      value: typeof o.value === 'string' && o.value ? o.value : undefined,
      message: typeof o.message === 'string' ? o.message : '',
    });
  }
  return out;
}

/** A file the server could not read at all answers import_invalid without rows; its
 * English message says which case it is. */
export type UnreadableKind = 'not_utf8' | 'empty' | 'no_rows' | 'other';

export function unreadableKind(message: string | undefined): UnreadableKind {
  const m = (message ?? '').toLowerCase();
  if (m.startsWith('the file is not utf-8')) return 'not_utf8';
  if (m.startsWith('the file is empty')) return 'empty';
  if (m.startsWith('the file has a header but no rows')) return 'no_rows';
  return 'other';
}

/** Rows grouped by line, for a count of the lines at fault. */
export function badLineCount(rows: readonly ImportRowError[]): number {
  return new Set(rows.filter((r) => r.code !== 'too_many_errors').map((r) => r.line)).size;
}
