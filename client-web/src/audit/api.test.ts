// The console's requests that are not JSON: an export's file name, and a bundle fetched so
// that an error answer is said rather than saved.

import { describe, expect, it } from 'vitest';
import { fakeFetch, err } from '../testing';
import { dispositionName, fetchExport, normaliseBlobId, tracePath } from './api';

describe('exports', () => {
  it.each<[string | null, string | undefined]>([
    [null, undefined],
    ['attachment', undefined],
    ['attachment; filename="govchat-audit-20261207-081000.zip"', 'govchat-audit-20261207-081000.zip'],
    ['attachment; filename=plain.csv', 'plain.csv'],
    ["attachment; filename=\"audit.csv\"; filename*=UTF-8''%E5%AE%A1%E8%AE%A1.csv", '审计.csv'],
  ])('%j names %j', (h, name) => {
    expect(dispositionName(h)).toBe(name);
  });

  it('a bundle is fetched with the session, and its name taken from the answer', async () => {
    const { fetch, calls } = fakeFetch({
      'GET /api/v1/audit/export.bundle?case_number=x': () => ({ status: 200, body: 'PK', headers: { 'Content-Disposition': 'attachment; filename="b.zip"', 'Content-Type': 'application/zip' } }),
    });
    const r = await fetchExport('/api/v1/audit/export.bundle?case_number=x', fetch);
    expect(r.name).toBe('b.zip');
    expect(await r.blob.text()).toBe('PK');
    expect(calls[0]!.init.credentials).toBe('same-origin');
  });

  it('an error answer is thrown with its code and field, not saved', async () => {
    const { fetch } = fakeFetch({ 'GET /api/v1/audit/export.bundle?case_number=': () => ({ status: 400, body: err('bad_request', { field: 'case_number' }) }) });
    await expect(fetchExport('/api/v1/audit/export.bundle?case_number=', fetch)).rejects.toMatchObject({ code: 'bad_request', field: 'case_number' });
  });
});

describe('trace addresses', () => {
  it('from a pasted id or from a message', () => {
    const id = '0123456789abcdef0123456789abcdef';
    expect(normaliseBlobId(` ${id.slice(0, 16).toUpperCase()} ${id.slice(16)}\n`)).toBe(id);
    expect(tracePath({ blobId: ` ${id.toUpperCase()}\n` })).toBe(`/audit/files/${id}/trace`);
    expect(tracePath({ channelId: 12, seq: 88 })).toBe('/audit/messages/12/88/trace');
  });
});
