import { describe, expect, it } from 'vitest';
import { createRequest, type FetchLike } from '../api';
import { err } from '../testing';
import { createImporter, CSV_CONTENT_TYPE, ImportFailure } from './importApi';

// fakeFetch parses request bodies as JSON; the import sends CSV, so a small stub here.
function stub(status: number, body: unknown) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetch: FetchLike = async (url, init = {}) => {
    calls.push({ url, init });
    return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  };
  return { fetch, calls };
}

const CSV = '用户名,姓名\nlihong,李红\n';

describe('createImporter', () => {
  it('sends the file as text/csv, with dry_run for a check', async () => {
    const result = { dry_run: true, rows: 1, users_created: 1, users_updated: 0, departments_created: 0, party_orgs_created: 0 };
    const { fetch, calls } = stub(200, result);
    const r = await createImporter(createRequest(fetch))(CSV, true);
    expect(calls[0]!.url).toBe('/api/v1/admin/import?dry_run=true');
    expect(calls[0]!.init.method).toBe('POST');
    expect(calls[0]!.init.body).toBe(CSV);
    expect((calls[0]!.init.headers as Record<string, string>)['Content-Type']).toBe(CSV_CONTENT_TYPE);
    expect(calls[0]!.init.credentials).toBe('same-origin');
    expect(r).toEqual({ ...result, one_time_passwords: [] });
  });

  it('applies without dry_run and returns the one-time passwords', async () => {
    const otp = [{ username: 'lihong', password: 'zJRR-MjF9-77A3' }];
    const { fetch, calls } = stub(200, { dry_run: false, rows: 1, users_created: 1, users_updated: 0, departments_created: 0, party_orgs_created: 0, one_time_passwords: otp });
    const r = await createImporter(createRequest(fetch))(CSV, false);
    expect(calls[0]!.url).toBe('/api/v1/admin/import');
    expect(r.one_time_passwords).toEqual(otp);
  });

  it('hands back the rows of import_invalid', async () => {
    const rows = [{ line: 2, column: '手机', code: 'invalid_phone', value: '1.38E+10', message: 'm' }];
    const { fetch } = stub(400, err('import_invalid', { rows }));
    const e = await createImporter(createRequest(fetch))(CSV, true).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ImportFailure);
    const f = e as ImportFailure;
    expect(f.error.code).toBe('import_invalid');
    expect(f.error.requestId).toBe('req-1');
    expect(f.rows).toEqual(rows);
  });

  it('keeps the message of a file the server could not read', async () => {
    const { fetch } = stub(400, err('import_invalid', { message: 'the file is empty: there is no header line' }));
    const f = (await createImporter(createRequest(fetch))(CSV, true).catch((x: unknown) => x)) as ImportFailure;
    expect(f.rows).toBeUndefined();
    expect(f.detail).toBe('the file is empty: there is no header line');
  });

  it('passes other errors through with their code', async () => {
    const { fetch } = stub(409, err('conflict'));
    const f = (await createImporter(createRequest(fetch))(CSV, false).catch((x: unknown) => x)) as ImportFailure;
    expect(f.error.code).toBe('conflict');
    expect(f.error.status).toBe(409);
  });
});
