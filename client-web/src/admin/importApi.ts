// POST /api/v1/admin/import: the CSV upload, and a refusal with its rejected rows.

import { ApiError, type Request } from '../api';
import { parseRows } from './importErrors';
import type { ImportResult, ImportRowError } from './types';

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

/** A refused import: the normalised error, plus what only the import sends. */
export class ImportFailure extends Error {
  readonly error: ApiError;
  readonly rows?: ImportRowError[];
  /** The server's English message, for a file it could not read at all. */
  readonly detail?: string;

  constructor(error: ApiError, rows?: ImportRowError[], detail?: string) {
    super(error.message);
    this.name = 'ImportFailure';
    this.error = error;
    this.rows = rows;
    this.detail = detail;
  }
}

export type Importer = (csv: string, dryRun: boolean) => Promise<ImportResult>;

export function createImporter(request: Request): Importer {
  return async (csv, dryRun) => {
    const path = dryRun ? '/admin/import?dry_run=true' : '/admin/import';
    try {
      const r = await request<ImportResult>('POST', path, { raw: csv, contentType: CSV_CONTENT_TYPE });
      return { ...r, one_time_passwords: r.one_time_passwords ?? [] };
    } catch (err) {
      // The server's message explains a file it could not read at all.
      if (err instanceof ApiError) throw new ImportFailure(err, parseRows(err.rows), err.message && err.message !== err.code ? err.message : undefined);
      throw err;
    }
  };
}
