// Setting the escrow key from the browser: a pair made here is set only after its private
// key file was handed over (and the key zeroed) and the officer typed the key id's last
// four; a pasted public key is checked; replacing a key needs an acknowledgement.

import { describe, expect, it, vi } from 'vitest';
import { createRequest } from '../api';
import * as e2e from '../e2e';
import { err, fakeFetch } from '../testing';
import type { EscrowKey } from '../files/types';
import { createEscrowSetup } from './setup';

function world(opts: { put?: (body: unknown) => { status: number; body?: unknown } } = {}) {
  const puts: unknown[] = [];
  const srv = fakeFetch({
    'PUT /api/v1/admin/escrow-key': (body) => {
      puts.push(body);
      if (opts.put) return opts.put(body);
      const b = body as { public_key: string };
      return { status: 200, body: { key_id: 'set', public_key: b.public_key, set_by: 5, created_at: '2026-11-23T01:00:00Z' } };
    },
  });
  const saved: { name: string; text: string; given: Uint8Array }[] = [];
  let pair: { publicKey: Uint8Array; privateKey: Uint8Array } | undefined;
  const setup = createEscrowSetup({
    request: createRequest(srv.fetch),
    save: (name, bytes) => saved.push({ name, text: new TextDecoder().decode(bytes), given: bytes }),
    crypto: {
      ...e2e,
      generateKeyPair: async () => (pair = await e2e.generateKeyPair()),
    },
  });
  return { setup, puts, saved, pair: () => pair!, calls: srv.calls };
}

const existing = (keyId: string): EscrowKey => ({ key_id: keyId, public_key: 'x', set_by: 5, created_at: '2026-01-01T00:00:00Z' });

describe('a key pair made in the page', () => {
  it('offers the private key file once, zeroes the key, and sets only after the last four are typed', async () => {
    const w = world();
    await w.setup.generate();
    const s = w.setup.getState();
    expect(s.step).toBe('generated');
    if (s.step !== 'generated') return;
    const { publicKey, privateKey } = w.pair();
    const line = e2e.b64u(privateKey) + '\n';
    expect(s.keyId).toBe(await e2e.keyIdOf(publicKey));
    expect(s.publicKey).toBe(e2e.b64u(publicKey));
    // Not yet saved: nothing can be set.
    expect(w.setup.ready(s.keyId.slice(-4), null, true)).toBe(false);
    await expect(w.setup.set(s.keyId.slice(-4), null, true)).rejects.toThrow();

    w.setup.saveKeyFile();
    expect(w.saved).toHaveLength(1);
    expect(w.saved[0]!.name).toBe(`govchat-escrow-${s.keyId}.key`);
    expect(w.saved[0]!.text).toBe(line);
    // The bytes handed over and the private key are zeroed once the browser has them.
    expect(w.saved[0]!.given.every((b) => b === 0)).toBe(true);
    expect(privateKey.every((b) => b === 0)).toBe(true);
    expect(w.setup.getState()).toEqual({ step: 'saved', keyId: s.keyId, publicKey: s.publicKey });
    w.setup.saveKeyFile(); // once only
    expect(w.saved).toHaveLength(1);

    for (const wrong of ['', s.keyId.slice(0, 4), s.keyId.slice(-3)]) expect(w.setup.ready(wrong, null, false), wrong).toBe(false);
    expect(w.setup.ready(s.keyId.slice(-4).toUpperCase(), null, false)).toBe(true);
    expect(w.calls).toHaveLength(0);
    const set = await w.setup.set(s.keyId.slice(-4), null, false);
    expect(w.puts).toEqual([{ public_key: s.publicKey }]);
    expect(set.public_key).toBe(s.publicKey);
    expect(w.setup.getState()).toEqual({ step: 'idle' });
  });

  it('cancelled, the private key is zeroed and nothing is sent', async () => {
    const w = world();
    await w.setup.generate();
    const { privateKey } = w.pair();
    w.setup.cancel();
    expect(privateKey.every((b) => b === 0)).toBe(true);
    expect(w.setup.getState()).toEqual({ step: 'idle' });
    w.setup.saveKeyFile();
    expect(w.saved).toHaveLength(0);
    expect(w.calls).toHaveLength(0);
  });

  it('a second generate zeroes the first private key; leaving the page zeroes the current one', async () => {
    const w = world();
    await w.setup.generate();
    const first = w.pair().privateKey;
    await w.setup.generate();
    expect(first.every((b) => b === 0)).toBe(true);
    const second = w.pair().privateKey;
    expect(second.some((b) => b !== 0)).toBe(true);
    w.setup.dispose();
    expect(second.every((b) => b === 0)).toBe(true);
  });

  it('a refused set keeps the step, so the officer can try again', async () => {
    let fail = true;
    const w = world({ put: () => (fail ? { status: 403, body: err('forbidden') } : { status: 200, body: existing('new') }) });
    await w.setup.generate();
    w.setup.saveKeyFile();
    const s = w.setup.getState();
    if (s.step !== 'saved') throw new Error(s.step);
    await expect(w.setup.set(s.keyId.slice(-4), null, false)).rejects.toMatchObject({ code: 'forbidden' });
    expect(w.setup.getState().step).toBe('saved');
    fail = false;
    await w.setup.set(s.keyId.slice(-4), null, false);
    expect(w.setup.getState().step).toBe('idle');
  });
});

describe('replacing a key', () => {
  it('needs the acknowledgement that older files keep the old key, unless it is the same key', async () => {
    const w = world();
    await w.setup.generate();
    w.setup.saveKeyFile();
    const s = w.setup.getState();
    if (s.step !== 'saved') throw new Error(s.step);
    const four = s.keyId.slice(-4);
    expect(w.setup.ready(four, existing('0123456789abcdef'), false)).toBe(false);
    expect(w.setup.ready(four, existing('0123456789abcdef'), true)).toBe(true);
    expect(w.setup.ready(four, existing(s.keyId), false)).toBe(true);
  });
});

describe('a pasted public key', () => {
  it('is checked, then set with the replacement acknowledged', async () => {
    const w = world();
    const { publicKey } = await e2e.generateKeyPair();
    const id = await e2e.keyIdOf(publicKey);
    await expect(w.setup.paste('not a key')).rejects.toMatchObject({ code: 'public_invalid' });
    expect(w.setup.getState().step).toBe('idle');
    await w.setup.paste(`${id} ${e2e.b64u(publicKey)}`);
    expect(w.setup.getState()).toEqual({ step: 'pasted', keyId: id, publicKey: e2e.b64u(publicKey) });
    expect(w.setup.ready('', null, false)).toBe(true);
    expect(w.setup.ready('', existing('0123456789abcdef'), false)).toBe(false);
    await w.setup.set('', existing('0123456789abcdef'), true);
    expect(w.puts).toEqual([{ public_key: e2e.b64u(publicKey) }]);
  });

  it('tells subscribers of each step', async () => {
    const w = world();
    const fn = vi.fn();
    w.setup.subscribe(fn);
    await w.setup.generate();
    w.setup.saveKeyFile();
    w.setup.cancel();
    expect(fn).toHaveBeenCalledTimes(3);
  });
});
