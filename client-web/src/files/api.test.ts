import { describe, expect, it } from 'vitest';
import { ApiError, createRequest } from '../api';
import { err, fakeFetch } from '../testing';
import { base64, contentDigest, createFilesApi, KEY_LOOKUP_CHUNK } from './api';
import { sha256B64 } from './testbytes';

function api(routes: Parameters<typeof fakeFetch>[0]) {
  const f = fakeFetch(routes);
  return { a: createFilesApi(createRequest(f.fetch), f.fetch), calls: f.calls };
}

const UP = { id: 'f'.repeat(32), size: 9000, part_size: 4194304, parts: 1, received: [], complete: false, expires_at: '2026-11-25T00:00:00Z' };

describe('files api', () => {
  it('Content-Digest is RFC 9530: standard base64 (with padding) of the SHA-256', async () => {
    const bytes = new TextEncoder().encode('govchat part');
    const want = sha256B64(bytes);
    expect(await contentDigest(bytes)).toBe(`sha-256=:${want}:`);
    expect(base64(new Uint8Array([0xfb, 0xff]))).toBe('+/8=');
  });

  it('base64 of a long input does not overflow the call stack', () => {
    const big = new Uint8Array(300_000).fill(7);
    expect(base64(big)).toBe(btoa(String.fromCharCode(...big.subarray(0, 3))).repeat(100_000));
  });

  it('creates, asks the status of, completes and cancels an upload', async () => {
    const { a, calls } = api({
      'POST /api/v1/uploads': () => ({ status: 201, body: UP }),
      [`GET /api/v1/uploads/${UP.id}`]: () => ({ status: 200, body: { ...UP, received: [0] } }),
      [`POST /api/v1/uploads/${UP.id}/complete`]: () => ({ status: 200, body: { ...UP, complete: true } }),
      [`DELETE /api/v1/uploads/${UP.id}`]: () => ({ status: 204 }),
    });
    expect(await a.createUpload(9000)).toEqual(UP);
    expect(calls[0]!.body).toEqual({ size: 9000 });
    expect((await a.upload(UP.id)).received).toEqual([0]);
    expect((await a.complete(UP.id, 'ab'.repeat(32))).complete).toBe(true);
    expect(calls[2]!.body).toEqual({ sha256: 'ab'.repeat(32) });
    expect(await a.cancel(UP.id)).toBeUndefined();
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      'POST /api/v1/uploads',
      `GET /api/v1/uploads/${UP.id}`,
      `POST /api/v1/uploads/${UP.id}/complete`,
      `DELETE /api/v1/uploads/${UP.id}`,
    ]);
  });

  it('PUTs a part as raw bytes with its digest and the caller’s abort signal', async () => {
    const { a, calls } = api({ [`PUT /api/v1/uploads/${UP.id}/parts/3`]: () => ({ status: 204 }) });
    const bytes = new Uint8Array([1, 2, 3, 4, 5]);
    const ctrl = new AbortController();
    await a.putPart(UP.id, 3, bytes, ctrl.signal);
    const init = calls[0]!.init;
    const h = init.headers as Record<string, string>;
    expect(init.method).toBe('PUT');
    expect(init.body).toBe(bytes);
    expect(init.signal).toBe(ctrl.signal);
    expect(init.credentials).toBe('same-origin');
    expect(h['Content-Type']).toBe('application/octet-stream');
    expect(h['Content-Digest']).toBe(`sha-256=:${sha256B64(bytes)}:`);
  });

  it('a part refused is the app’s ApiError; a dropped connection is network; an abort stays an abort', async () => {
    const { a } = api({
      [`PUT /api/v1/uploads/${UP.id}/parts/0`]: () => ({ status: 400, body: err('digest_mismatch') }),
      [`PUT /api/v1/uploads/${UP.id}/parts/1`]: () => new TypeError('Failed to fetch'),
      [`PUT /api/v1/uploads/${UP.id}/parts/2`]: () => ({ status: 507, body: err('insufficient_storage') }),
    });
    await expect(a.putPart(UP.id, 0, new Uint8Array(1))).rejects.toMatchObject({ code: 'digest_mismatch', status: 400 });
    const e = await a.putPart(UP.id, 1, new Uint8Array(1)).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toMatchObject({ code: 'network', status: 0 });
    await expect(a.putPart(UP.id, 2, new Uint8Array(1))).rejects.toMatchObject({ code: 'insufficient_storage' });
    const ctrl = new AbortController();
    const reason = new DOMException('stop', 'AbortError');
    ctrl.abort(reason);
    const { a: b } = api({ [`PUT /api/v1/uploads/${UP.id}/parts/0`]: () => new TypeError('aborted') });
    await expect(b.putPart(UP.id, 0, new Uint8Array(1), ctrl.signal)).rejects.toBe(reason);
  });

  it('an id with path characters stays one path segment', async () => {
    const { a, calls } = api({});
    await a.upload('../admin').catch(() => undefined);
    expect(calls[0]!.url).toBe('/api/v1/uploads/..%2Fadmin');
  });

  it('my key: null before the first, the key after; PUT sends the wrap', async () => {
    let have = false;
    const mine = { user_id: 1, key_id: '0123456789abcdef', public_key: 'pk', created_at: '', wrapped_private: 'w', kdf_salt: 's', kdf_iterations: 600000 };
    const { a, calls } = api({
      'GET /api/v1/me/key': () => (have ? { status: 200, body: mine } : { status: 404, body: err('not_found') }),
      'PUT /api/v1/me/key': () => {
        have = true;
        return { status: 200, body: mine };
      },
    });
    expect(await a.myKey()).toBeNull();
    await a.putMyKey({ public_key: 'pk', wrapped_private: 'w', kdf_salt: 's', kdf_iterations: 600000 });
    expect(calls[1]!.body).toEqual({ public_key: 'pk', wrapped_private: 'w', kdf_salt: 's', kdf_iterations: 600000 });
    expect(await a.myKey()).toEqual(mine);
  });

  it('other failures of my key are errors, not "no key"', async () => {
    const { a } = api({ 'GET /api/v1/me/key': () => ({ status: 503, body: err('unavailable') }) });
    await expect(a.myKey()).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('asks public keys in chunks, each id once, sorted', async () => {
    const { a, calls } = api({
      [`GET /api/v1/keys?users=1,2,3`]: () => ({ status: 200, body: { keys: [{ user_id: 2, key_id: 'k2', public_key: 'p2', created_at: '' }] } }),
    });
    const got = await a.keys([3, 1, 2, 3, 0, -1]);
    expect(got.map((k) => k.user_id)).toEqual([2]);
    expect(calls).toHaveLength(1);
    const many = Array.from({ length: KEY_LOOKUP_CHUNK * 2 + 1 }, (_, i) => i + 1);
    const f = fakeFetch({});
    const seen: string[] = [];
    const b = createFilesApi(createRequest(async (url, init) => {
      seen.push(url);
      return f.fetch(url, init).then(() => new Response(JSON.stringify({ keys: [] }), { status: 200 }));
    }));
    await b.keys(many);
    expect(seen).toHaveLength(3);
    expect(seen[0]).toBe(`/api/v1/keys?users=${many.slice(0, KEY_LOOKUP_CHUNK).join(',')}`);
    expect(await b.keys([])).toEqual([]);
  });

  it('channel keys, the escrow key (null when none) and posting wrapped keys', async () => {
    let escrow = false;
    const { a, calls } = api({
      'GET /api/v1/channels/7/keys': () => ({ status: 200, body: { keys: [{ user_id: 3, key_id: 'k3', public_key: 'p3', created_at: '' }] } }),
      'GET /api/v1/keys/escrow': () => (escrow ? { status: 200, body: { key_id: 'e', public_key: 'pe', set_by: 4, created_at: '' } } : { status: 404, body: err('not_found') }),
      [`POST /api/v1/files/${UP.id}/keys`]: () => ({ status: 204 }),
    });
    expect((await a.channelKeys(7)).map((k) => k.key_id)).toEqual(['k3']);
    expect(await a.escrowKey()).toBeNull();
    escrow = true;
    expect(await a.escrowKey()).toMatchObject({ key_id: 'e' });
    const body = { context: 'channel:7', keys: [{ blob_id: UP.id, context: 'channel:7', user_id: 3, key_id: 'k3', wrapped: 'w' }] };
    await a.postFileKeys(UP.id, body);
    expect(calls.at(-1)!.body).toEqual(body);
  });
});
