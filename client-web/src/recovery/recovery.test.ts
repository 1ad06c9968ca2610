// Key recovery end to end with the real e2e library and a fake server that keeps the
// state of PROTOCOL.md §4.23: the requester's one-time key, the device's answer, the
// officer's approval from the recovery key file, and every refusal before a post.
import { describe, expect, it, vi } from 'vitest';
import { ApiError, createRequest } from '../api';
import * as e2e from '../e2e';
import { keyFileBytes } from '../escrow/keyfile';
import { createDeviceVault, type DeviceRecord, type DeviceStore } from '../files/device';
import type { MyKey } from '../files/types';
import { err, fakeFetch } from '../testing';
import { createApprover } from './approver';
import { createOfficerRecovery, OfficerRecoveryError } from './officer';
import { createRequester, type RequesterKeyring } from './requester';
import type { KeyRecovery, KeyRecoveryEvent } from './types';

// Each login derives with PBKDF2 (600,000 rounds): slow on a busy machine.
vi.setConfig({ testTimeout: 30_000 });

const ME = 7;

function mapStore(): DeviceStore & { data: Map<number, DeviceRecord> } {
  const data = new Map<number, DeviceRecord>();
  return { data, get: async (id) => data.get(id), put: async (id, r) => void data.set(id, r), delete: async (id) => void data.delete(id) };
}

async function world(opts: { recovery?: boolean } = {}) {
  const pair = await e2e.generateKeyPair();
  const keyId = await e2e.keyIdOf(pair.publicKey);
  const org = await e2e.generateKeyPair();
  const orgId = await e2e.keyIdOf(org.publicKey);
  const mine: MyKey = {
    user_id: ME,
    key_id: keyId,
    public_key: e2e.b64u(pair.publicKey),
    created_at: '',
    wrapped_private: 'x',
    kdf_salt: 's',
    kdf_iterations: 600000,
    ...(opts.recovery === false ? {} : { recovery_wrap: await e2e.recoveryWrap(org.publicKey, pair.privateKey, ME, keyId), recovery_key_id: orgId }),
  };
  const recs = new Map<number, KeyRecovery>();
  const frames: KeyRecoveryEvent[] = [];
  const posts: { url: string; body: unknown }[] = [];
  let next = 30;
  const evt = (r: KeyRecovery): KeyRecoveryEvent => ({ id: r.id, method: r.method, state: r.state, key_id: r.key_id, ephemeral_public: r.ephemeral_public, created_at: r.created_at, ip: '10.1.2.3', user_agent: 'Chrome' });
  const routes: Record<string, (b: unknown) => { status: number; body?: unknown }> = {
    'POST /api/v1/me/key-recoveries': (b) => {
      const body = b as { method: 'device' | 'officer'; ephemeral_public: string };
      if (body.method === 'officer' && !mine.recovery_wrap) return { status: 409, body: err('key_missing') };
      const r: KeyRecovery = { id: ++next, user_id: ME, method: body.method, state: 'pending', key_id: keyId, ephemeral_public: body.ephemeral_public, created_at: '2026-11-24T01:00:00Z', expires_at: '2026-11-24T01:15:00Z' };
      recs.set(r.id, r);
      frames.push(evt(r));
      return { status: 201, body: r };
    },
    'GET /api/v1/keys?users=7': () => ({ status: 200, body: { keys: [{ user_id: ME, key_id: keyId, public_key: mine.public_key, created_at: '' }] } }),
    'GET /api/v1/keys/account-recovery': () => ({ status: 200, body: { key_id: orgId, public_key: e2e.b64u(org.publicKey), set_by: 3, created_at: '' } }),
    'GET /api/v1/key-recoveries?state=pending': () => ({ status: 200, body: { recoveries: [...recs.values()].filter((r) => r.method === 'officer' && r.state === 'pending').map((r) => ({ ...r, recovery_wrap: mine.recovery_wrap, recovery_key_id: mine.recovery_key_id })) } }),
  };
  const handler = (method: string, url: string, b: unknown) => {
    posts.push({ url: `${method} ${url}`, body: b });
    const m = /^\/api\/v1\/(me\/)?key-recoveries\/(\d+)(?:\/(answer|decline|approve|reject))?$/.exec(url);
    if (m) {
      const r = recs.get(Number(m[2]));
      if (!r) return { status: 404, body: err('not_found') };
      if (method === 'GET') return { status: 200, body: r };
      if (r.state !== 'pending') return { status: 409, body: err('conflict', { reason: r.state }) };
      const act = m[3];
      if (act === 'answer' || act === 'approve') {
        if (act === 'approve' && (b as { recovery_key_id: string }).recovery_key_id !== mine.recovery_key_id) return { status: 400, body: err('bad_request', { field: 'recovery_key_id' }) };
        Object.assign(r, { state: 'answered', sealed: (b as { sealed: string }).sealed, note: (b as { note?: string }).note });
      } else Object.assign(r, { state: act === 'decline' ? 'declined' : 'rejected', note: (b as { note?: string } | undefined)?.note });
      frames.push(evt(r));
      return { status: 200, body: r };
    }
    const h = routes[`${method} ${url}`];
    return h ? h(b) : { status: 404, body: err('not_found') };
  };
  const srv = fakeFetch(new Proxy({}, { get: () => (b: unknown, call: { method: string; url: string }) => handler(call.method, call.url, b) }) as never);
  const request = createRequest(srv.fetch);
  // The requesting browser's keyring: locked, holding the new password's credential.
  const stored: { key?: Uint8Array; k?: unknown; cred?: unknown; fresh?: boolean } = {};
  const keyring: RequesterKeyring & { held: boolean } = {
    held: true,
    myKey: () => mine,
    getState: () => ({ status: 'locked', held: keyring.held }),
    async recovered(key, k, cred) {
      if (!keyring.held && !cred) throw new ApiError(0, 'network', 'no credential');
      Object.assign(stored, { key: new Uint8Array(key), k, cred });
    },
    async createNew(cred) {
      Object.assign(stored, { fresh: true, cred });
    },
  };
  const store = mapStore();
  const timers: (() => void)[] = [];
  const make = (verify: (pw: string) => Promise<e2e.Credential | null> = async () => null) =>
    createRequester({ request, me: { id: ME }, keyring, crypto: e2e, vault: createDeviceVault(store), verify, setTimer: (fn) => timers.push(fn), clearTimer: () => undefined });
  return { pair, keyId, org, orgId, mine, recs, frames, posts, request, keyring, stored, store, make, timers };
}


describe('device-assisted recovery', () => {
  it('the other device approves; the new browser opens the key, checks it and stores it', async () => {
    const w = await world();
    const req = w.make();
    await req.init();
    expect(req.getState().state).toEqual({ step: 'choose', officer: true });
    await req.start('device');
    expect(req.getState().state).toMatchObject({ step: 'waiting', method: 'device', id: 31 });
    // The one-time private key waits sealed in the vault, not in the clear.
    const rec = w.store.data.get(ME)!;
    expect(rec.keyId).toBe('recovery:31:device');
    expect(rec.key.extractable).toBe(false);

    const other = createApprover({ request: w.request, me: { id: ME }, keyring: () => ({ privateKey: () => w.pair.privateKey, keyId: () => w.keyId }), crypto: e2e });
    expect(other.frame(w.frames[0]!)).toBe(true);
    expect(other.getState().prompts.map((p) => p.id)).toEqual([31]);
    await other.approve(31);
    expect(other.getState()).toMatchObject({ prompts: [], outcome: { kind: 'approved' } });
    const answer = w.posts.find((p) => p.url === 'POST /api/v1/me/key-recoveries/31/answer')!.body as { sealed: string };
    expect(e2e.fromB64u(answer.sealed)).toHaveLength(80);

    expect(req.frame(w.frames.at(-1)!)).toBe(true);
    await vi.waitFor(() => expect(req.getState().state).toEqual({ step: 'done', how: 'recovered' }));
    expect(w.stored.key).toEqual(w.pair.privateKey);
    expect(w.store.data.has(ME)).toBe(false); // the one-time key forgotten
  });

  it('a device without the key, or with another key, never prompts; a non-pending frame takes the prompt away', async () => {
    const w = await world();
    const req = w.make();
    await req.init();
    await req.start('device');
    const locked = createApprover({ request: w.request, me: { id: ME }, keyring: () => ({ privateKey: () => null, keyId: () => undefined }), crypto: e2e });
    locked.frame(w.frames[0]!);
    expect(locked.getState().prompts).toEqual([]);
    const otherKey = createApprover({ request: w.request, me: { id: ME }, keyring: () => ({ privateKey: () => w.pair.privateKey, keyId: () => '0123456789abcdef' }), crypto: e2e });
    otherKey.frame(w.frames[0]!);
    expect(otherKey.getState().prompts).toEqual([]);
    const a = createApprover({ request: w.request, me: { id: ME }, keyring: () => ({ privateKey: () => w.pair.privateKey, keyId: () => w.keyId }), crypto: e2e });
    a.frame(w.frames[0]!);
    a.frame({ ...w.frames[0]!, state: 'answered' });
    expect(a.getState().prompts).toEqual([]);
  });

  it('拒绝 declines; the requester sees it and chooses again', async () => {
    const w = await world();
    const req = w.make();
    await req.init();
    await req.start('device');
    const a = createApprover({ request: w.request, me: { id: ME }, keyring: () => ({ privateKey: () => w.pair.privateKey, keyId: () => w.keyId }), crypto: e2e });
    a.frame(w.frames[0]!);
    await a.decline(31);
    req.frame(w.frames.at(-1)!);
    await vi.waitFor(() => expect(req.getState().state).toMatchObject({ step: 'ended', why: 'declined' }));
    expect(w.stored.key).toBeUndefined();
  });

  it('an answer that is not the published key’s private half is refused and never stored', async () => {
    const w = await world();
    const req = w.make();
    await req.init();
    await req.start('device');
    const wrong = await e2e.generateKeyPair();
    const a = createApprover({ request: w.request, me: { id: ME }, keyring: () => ({ privateKey: () => wrong.privateKey, keyId: () => w.keyId }), crypto: e2e });
    a.frame(w.frames[0]!);
    await a.approve(31);
    req.frame(w.frames.at(-1)!);
    await vi.waitFor(() => expect(req.getState()).toMatchObject({ state: { step: 'choose' }, mismatch: true }));
    expect(w.stored.key).toBeUndefined();
  });
});

describe('officer-approved recovery', () => {
  it('survives a reload; the officer’s key file opens the wrap and the requester completes (after the password, checked)', async () => {
    const w = await world();
    const first = w.make();
    await first.init();
    await first.start('officer');
    first.dispose();

    const officer = createOfficerRecovery({ request: w.request, keys: { keys: async () => [{ user_id: ME, key_id: w.keyId, public_key: w.mine.public_key, created_at: '' }] }, crypto: e2e });
    const current = await officer.currentKey();
    // A key file that is not the configured key: refused before anything is posted.
    const stray = await e2e.generateKeyPair();
    const before = w.posts.length;
    await expect(officer.loadKeyFile(keyFileBytes(stray.privateKey), current)).rejects.toMatchObject({ code: 'key_wrong' });
    await expect(officer.approve((await officer.pending())[0]!, '')).rejects.toMatchObject({ code: 'no_key_file' });
    expect(w.posts.slice(before).filter((p) => p.url.startsWith('POST'))).toEqual([]);
    expect(await officer.loadKeyFile(keyFileBytes(w.org.privateKey), current)).toBe(w.orgId);
    const [rec] = await officer.pending();
    await officer.approve(rec!, '已核对工作证');
    expect(w.recs.get(31)).toMatchObject({ state: 'answered', note: '已核对工作证' });

    // A reload: the request is picked up from the vault; the credential is not held.
    w.keyring.held = false;
    let tried = '';
    const again = w.make(async (pw) => {
      tried = pw;
      return pw === 'New#Password1' ? await e2e.newCredential(pw) : null;
    });
    await again.init();
    expect(again.getState().state).toEqual({ step: 'password', then: 'recover' });
    await again.password('typo');
    expect(again.getState().state).toEqual({ step: 'password', then: 'recover', wrong: true });
    expect(w.stored.key).toBeUndefined();
    await again.password('New#Password1');
    expect(tried).toBe('New#Password1');
    expect(again.getState().state).toEqual({ step: 'done', how: 'recovered' });
    expect(w.stored.key).toEqual(w.pair.privateKey);
  }, 30_000);

  it('a wrap to another key, or one that opens to another key, is refused before the post', async () => {
    const w = await world();
    const req = w.make();
    await req.init();
    await req.start('officer');
    const officer = createOfficerRecovery({ request: w.request, keys: { keys: async () => [{ user_id: ME, key_id: w.keyId, public_key: e2e.b64u((await e2e.generateKeyPair()).publicKey), created_at: '' }] }, crypto: e2e });
    await officer.loadKeyFile(keyFileBytes(w.org.privateKey), await officer.currentKey());
    const [rec] = await officer.pending();
    await expect(officer.approve({ ...rec!, recovery_key_id: 'ffffffffffffffff' }, '')).rejects.toBeInstanceOf(OfficerRecoveryError);
    await expect(officer.approve(rec!, '')).rejects.toMatchObject({ code: 'wrap_bad' });
    expect(w.posts.filter((p) => p.url.includes('/approve'))).toEqual([]);
    officer.forgetKey();
  });

  it('without a recovery wrap the officer is not offered; 放弃旧密钥 makes a new key', async () => {
    const w = await world({ recovery: false });
    const req = w.make();
    await req.init();
    expect(req.getState().state).toEqual({ step: 'choose', officer: false });
    await req.abandon();
    expect(req.getState().state).toEqual({ step: 'done', how: 'new' });
    expect(w.stored.fresh).toBe(true);
  });
});
