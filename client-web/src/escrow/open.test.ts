// 案件调取 in the browser: the form's checks (the server's rules), the audited open, the
// escrow wrap unwrapped with the key file (binding: user 0, the wrap's context and key
// id), and the file opened with real e2e files behind a fake file endpoint.

import { describe, expect, it } from 'vitest';
import { createRequest } from '../api';
import * as e2e from '../e2e';
import { FileOpenError } from '../files/open';
import type { EscrowOpen } from '../files/types';
import { FakeFiles, bytesOf, person, seal } from '../files/viewkit';
import { fakeFetch } from '../testing';
import { checkCaseForm, createEscrowOpener, escrowOpen, EscrowOpenError, isThumbnailOpen, normaliseBlobId, unwrapEscrow } from './open';

const ID = '5f0c3a9e1b2d4c6e8f0a1b2c3d4e5f60';
const ok = { blobId: ID, caseNumber: '（2026）保密字第7号', reason: '依据保密检查通知核查文件流转' };

describe('the case form', () => {
  it('takes a pasted id with spaces and capitals', () => {
    expect(normaliseBlobId(`  ${ID.toUpperCase().slice(0, 16)} ${ID.slice(16)}\n`)).toBe(ID);
    expect(checkCaseForm({ ...ok, blobId: ` ${ID.toUpperCase()} ` })).toBeUndefined();
  });

  it('names the first field that the server would refuse, and why', () => {
    const cases: [Partial<typeof ok>, string, string][] = [
      [{ blobId: '' }, 'blob_id', 'required'],
      [{ blobId: ID.slice(1) }, 'blob_id', 'blob_id_format'],
      [{ blobId: ID.slice(1) + 'g' }, 'blob_id', 'blob_id_format'],
      [{ caseNumber: '   ' }, 'case_number', 'required'],
      [{ caseNumber: '号'.repeat(65) }, 'case_number', 'too_long'],
      [{ caseNumber: '第7号\n' + '续' }, 'case_number', 'control'],
      [{ caseNumber: '第\u202e7号' }, 'case_number', 'control'],
      [{ reason: '' }, 'reason', 'required'],
      [{ reason: '因'.repeat(501) }, 'reason', 'too_long'],
      [{ reason: '核查\u0007' }, 'reason', 'control'],
    ];
    for (const [edit, field, problem] of cases) expect(checkCaseForm({ ...ok, ...edit }), JSON.stringify(edit)).toEqual({ field, problem });
    // At the limits, and line breaks in the reason, are fine; characters, not UTF-16 units, count.
    expect(checkCaseForm({ ...ok, caseNumber: '𠀀'.repeat(64), reason: '第一行\n第二行\t' + '因'.repeat(490) })).toBeUndefined();
  });

  it('posts the trimmed case to the normalised file id', async () => {
    const srv = fakeFetch({ [`POST /api/v1/files/${ID}/escrow-open`]: () => ({ status: 200, body: { key: {}, attachment: {}, channels: [] } }) });
    await escrowOpen(createRequest(srv.fetch), { blobId: ID.toUpperCase(), caseNumber: ` ${ok.caseNumber} `, reason: `${ok.reason}\n` });
    expect(srv.calls[0]!.body).toEqual({ case_number: ok.caseNumber, reason: ok.reason });
  });
});

/** A file sent in channel 12 with its escrow wrap, as the server answers an open. */
async function escrowed(bytes = bytesOf(200_000, 3)) {
  const escrow = await person(0);
  const s = await seal({ name: '2027年预算执行情况.xlsx', type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', bytes });
  const context = 'channel:12';
  const wrapped = await e2e.wrapFileKeys(escrow.publicKey, { file: s.key }, { blobId: s.att.blob_id, context, userId: 0, keyId: escrow.keyId });
  const open: EscrowOpen = {
    key: { blob_id: s.att.blob_id, context, user_id: 0, key_id: escrow.keyId, wrapped, wrapped_by: 7 },
    attachment: s.att,
    channels: [12],
  };
  const srv = new FakeFiles();
  srv.add(s);
  return { escrow, s, open, srv, bytes };
}

async function readAll(body: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  await body.pipeTo(new WritableStream({ write: (c) => void parts.push(c.slice()) }));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

describe('unwrapping the escrow wrap', () => {
  it('opens with the escrow private key, bound to user 0 and the wrap’s context', async () => {
    const { escrow, s, open } = await escrowed();
    expect(await unwrapEscrow(open, escrow.privateKey)).toEqual({ file: s.key });
    // The same wrap read as made for someone else's user id, or another channel, does not open.
    await expect(unwrapEscrow({ ...open, key: { ...open.key, context: 'channel:13' } }, escrow.privateKey)).rejects.toMatchObject({ code: 'wrap_damaged' });
  });

  it('a key file of another key: 密钥文件与托管密钥不符, naming both key ids', async () => {
    const { open } = await escrowed();
    const other = await person(0);
    const e = await unwrapEscrow(open, other.privateKey).catch((x) => x);
    expect(e).toBeInstanceOf(EscrowOpenError);
    expect(e).toMatchObject({ code: 'wrong_key', wantKeyId: open.key.key_id, gotKeyId: other.keyId });
  });

  it('the right key file and a changed wrap: wrap_damaged', async () => {
    const { escrow, open } = await escrowed();
    const raw = e2e.fromB64u(open.key.wrapped);
    raw[raw.length - 1]! ^= 1;
    await expect(unwrapEscrow({ ...open, key: { ...open.key, wrapped: e2e.b64u(raw) } }, escrow.privateKey)).rejects.toMatchObject({ code: 'wrap_damaged' });
  });

  it('knows when the id asked for was a picture’s thumbnail', () => {
    const open = { attachment: { blob_id: 'a'.repeat(32), thumb_blob_id: 'b'.repeat(32) } } as EscrowOpen;
    expect(isThumbnailOpen('B'.repeat(32), open)).toBe(true);
    expect(isThumbnailOpen('a'.repeat(32), open)).toBe(false);
  });
});

describe('the escrow opener', () => {
  it('reads the metadata from the first bytes, then decrypts the whole file to the same bytes', async () => {
    const { escrow, open, srv, bytes } = await escrowed();
    const keys = await unwrapEscrow(open, escrow.privateKey);
    const opener = createEscrowOpener({ fetch: srv.fetch }, open.attachment, keys);
    const meta = await opener.meta(open.attachment);
    expect(meta).toMatchObject({ name: '2027年预算执行情况.xlsx', size: bytes.byteLength });
    expect(srv.fileGets).toEqual([{ id: open.attachment.blob_id, range: `bytes=0-${e2e.META_PREFIX_BYTES - 1}`, purpose: 'view' }]);
    let seen = 0;
    const f = await opener.open(open.attachment, undefined, { onBytes: (n) => (seen = n), purpose: 'save' });
    expect(await readAll(f.body)).toEqual(bytes);
    // A save says so, so the service worker streams it to disk (public/sw-download.js).
    expect(srv.fileGets.at(-1)).toEqual({ id: open.attachment.blob_id, purpose: 'save' });
    expect(seen).toBe(open.attachment.size);
    opener.wipe();
    expect(keys.file.every((b) => b === 0)).toBe(true);
  });

  it('a commitment that is not the message’s: damaged, before anything is shown', async () => {
    const { escrow, open, srv } = await escrowed();
    const keys = await unwrapEscrow(open, escrow.privateKey);
    const att = { ...open.attachment, commitment: e2e.b64u(new Uint8Array(32)) };
    const opener = createEscrowOpener({ fetch: srv.fetch }, att, keys);
    await expect(opener.meta(att)).rejects.toBeInstanceOf(e2e.DamagedFileError);
  });

  it('once the server no longer lets the officer download it (past the 30 minutes): gone', async () => {
    const { escrow, open, srv } = await escrowed();
    srv.gone.add(open.attachment.blob_id);
    const opener = createEscrowOpener({ fetch: srv.fetch }, open.attachment, await unwrapEscrow(open, escrow.privateKey));
    const e = await opener.meta(open.attachment).catch((x) => x);
    expect(e).toBeInstanceOf(FileOpenError);
    expect(e.code).toBe('gone');
    // And it asks again next time rather than keep the failure.
    srv.gone.clear();
    expect((await opener.meta(open.attachment)).name).toBe('2027年预算执行情况.xlsx');
  });
});
