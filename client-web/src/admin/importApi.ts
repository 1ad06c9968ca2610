// POST /api/v1/admin/import. The app's ApiError keeps code, field and request id but not
// the `rows` of an import_invalid answer, so the upload peeks at the error body on its
// way through and hands the rows back beside the ApiError.

import { ApiError, createRequest, type FetchLike } from '../api';
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

const browserFetch: FetchLike = (i, init) => fetch(i, init);

export function createImporter(fetchFn: FetchLike = browserFetch, base = '/api/v1'): Importer {
  return async (csv, dryRun) => {
    let rows: ImportRowError[] | undefined;
    let detail: string | undefined;
    const peek: FetchLike = async (input, init) => {
      const res = await fetchFn(input, init);
      if (!res.ok) {
        try {
          const e = ((await res.clone().json()) as { error?: { rows?: unknown; message?: unknown } }).error;
          rows = parseRows(e?.rows);
          detail = typeof e?.message === 'string' ? e.message : undefined;
        } catch {
          /* not JSON: the request function makes the error from the status */
        }
      }
      return res;
    };
    const request = createRequest(peek, base);
    const path = dryRun ? '/admin/import?dry_run=true' : '/admin/import';
    try {
      const r = await request<ImportResult>('POST', path, { raw: csv, contentType: CSV_CONTENT_TYPE });
      return { ...r, one_time_passwords: r.one_time_passwords ?? [] };
    } catch (err) {
      if (err instanceof ApiError) {
        // Should ApiError ever carry rows itself, take them from there too.
        const own = parseRows((err as unknown as { rows?: unknown }).rows);
        throw new ImportFailure(err, rows ?? own, detail);
      }
      throw err;
    }
  };
}
