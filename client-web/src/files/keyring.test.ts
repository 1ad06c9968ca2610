import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api';
import { memoryStorage } from '../testing';
import { createDeviceVault, type DeviceRecord, type DeviceStore } from './device';
import { createKeyring, KEY_CACHE_MS, pinsKey, type KeyCrypto } from './keyring-impl';
import { b64u, contains, fromB64u, fromHex, hex, utf8 } from './testbytes';
import type { MyKey, PutMyKeyRequest, UserKey } from './types';
import type { Credential } from '../e2e';
import type { KeySecret } from '../login/login';

const ME = 5;

/** A credential as the fake crypto uses it: the password stands in for the auth hash (and
 * the wrap key), the account's salt is one fixed value. */
const cred = (password: string, salt = 'account-salt'): Credential => ({ salt, iterations: 600000, authHash: password, wrapKey: {} as CryptoKey });
const sec = (password: string): KeySecret => ({ cred: cred(password) });

/** Stands in for the e2e library: a wrap opens only with the same password, user and key
 * id (as AES-GCM with the aad would), so every branch of the keyring can be driven. */
function fakeCrypto(): KeyCrypto & { made: number } {
  const c = {
    made: 0,
    async generateKeyPair() {
      c.made++;
      const privateKey = crypto.getRandomValues(new Uint8Array(32));
      const publicKey = new Uint8Array(privateKey).reverse();
      return { publicKey, privateKey };
    },
    keyIdOf: async (pub: Uint8Array) => hex(pub).slice(0, 16),
    async wrapWithCredential(priv: Uint8Array, cred: Credential, userId: number, keyId: string) {
      return { wrapped: JSON.stringify({ password: cred.authHash, userId, keyId, priv: hex(priv) }), salt: cred.salt, iterations: cred.iterations };
    },
    async unwrapWithCredential(w: { wrapped: string; salt: string }, cred: Credential, userId: number, keyId: string) {
      const v = JSON.parse(w.wrapped);
      if (w.salt !== cred.salt || v.password !== cred.authHash || v.userId !== userId || v.keyId !== keyId) throw new Error('OperationError');
      return fromHex(v.priv);
    },
    async unwrapWithPassword(w: { wrapped: string }, password: string, userId: number, keyId: string) {
      const v = JSON.parse(w.wrapped);
      if (v.password !== password || v.userId !== userId || v.keyId !== keyId) throw new Error('OperationError');
      return fromHex(v.priv);
    },
    async recoveryWrap(pub: Uint8Array, priv: Uint8Array, userId: number, keyId: string) {
      return JSON.stringify({ to: hex(pub), userId, keyId, priv: hex(priv) });
    },
    b64u,
    fromB64u,
  };
  return c;
}

function mapStore(): DeviceStore & { data: Map<number, DeviceRecord> } {
  const data = new Map<number, DeviceRecord>();
  return {
    data,
    get: async (id) => data.get(id),
    put: async (id, r) => void data.set(id, r),
    delete: async (id) => void data.delete(id),
  };
}

/** The server's side of /me/key and the key directory. */
function fakeServer() {
  const s = {
    mine: null as MyKey | null,
    puts: [] as PutMyKeyRequest[],
    users: new Map<number, UserKey>(),
    fail: undefined as ApiError | undefined,
    failPut: 0,
    asked: [] as string[],
    escrow: null as { key_id: string; public_key: string; set_by: number; created_at: string } | null,
    recovery: null as { key_id: string; public_key: string; set_by: number; created_at: string } | null,
  };
  const api = {
    async myKey() {
      s.asked.push('me');
      if (s.fail) throw s.fail;
      return s.mine;
    },
    async putMyKey(k: PutMyKeyRequest) {
      if (s.failPut > 0) {
        s.failPut--;
        throw new ApiError(0, 'network', 'down');
      }
      s.puts.push(k);
      const keyId = hex(fromB64u(k.public_key)).slice(0, 16);
      s.mine = { user_id: ME, key_id: keyId, public_key: k.public_key, created_at: '', wrapped_private: k.wrapped_private, kdf_salt: k.kdf_salt, kdf_iterations: k.kdf_iterations, recovery_wrap: k.recovery_wrap, recovery_key_id: k.recovery_key_id };
    },
    async keys(ids: readonly number[]) {
      s.asked.push(`keys:${ids.join(',')}`);
      return ids.map((id) => s.users.get(id)).filter((k): k is UserKey => !!k);
    },
    async channelKeys(id: number) {
      s.asked.push(`channel:${id}`);
      return [...s.users.values()];
    },
    async escrowKey() {
      s.asked.push('escrow');
      return s.escrow;
    },
    async recoveryKey() {
      return s.recovery;
    },
  };
  return { s, api };
}

function setup(o: { store?: ReturnType<typeof mapStore>; server?: ReturnType<typeof fakeServer>; storage?: ReturnType<typeof memoryStorage>; crypto?: ReturnType<typeof fakeCrypto> } = {}) {
  const store = o.store ?? mapStore();
  const server = o.server ?? fakeServer();
  const c = o.crypto ?? fakeCrypto();
  let clock = 1_000_000;
  const timers: { fn: () => void; ms: number }[] = [];
  const storage = o.storage ?? memoryStorage();
  const k = createKeyring({
    api: server.api,
    crypto: c,
    vault: createDeviceVault(store),
    storage: { ...storage, getItem: (x) => storage.getItem(x), setItem: (x, v) => storage.setItem(x, v), removeItem: (x) => storage.data.delete(x) },
    me: { id: ME },
    derive: async (pw: string) => cred(pw),
    now: () => clock,
    setTimeout: (fn, ms) => timers.push({ fn, ms }),
  });
  return { k, store, server, c, storage, timers, tick: (ms: number) => (clock += ms) };
}

const uk = (id: number, keyId: string): UserKey => ({ user_id: id, key_id: keyId, public_key: b64u(utf8(keyId)), created_at: '' });

describe('keyring: the person’s own key', () => {
  it('first sign-in: makes a pair, wraps it with the password, stores it on the server and this device', async () => {
    const t = setup();
    await t.k.start(sec('Govchat#2026'));
    expect(t.k.getState()).toMatchObject({ status: 'ready', busy: false });
    expect(t.server.s.puts).toHaveLength(1);
    const put = t.server.s.puts[0]!;
    expect(put.kdf_iterations).toBeGreaterThanOrEqual(600000);
    expect(JSON.parse(put.wrapped_private)).toMatchObject({ password: 'Govchat#2026', userId: ME, keyId: t.k.getState().keyId });
    expect(t.k.keyring.privateKey()).toHaveLength(32);
    expect(t.store.data.get(ME)?.keyId).toBe(t.k.getState().keyId);
    expect(t.store.data.get(ME)?.key.extractable).toBe(false);
  });

  it('a reload on this device unlocks from its copy, without a password and without a PUT', async () => {
    const first = setup();
    await first.k.start(sec('pw-1234567890'));
    const priv = first.k.keyring.privateKey();
    const again = setup({ store: first.store, server: first.server });
    await again.k.start();
    expect(again.k.getState().status).toBe('ready');
    expect(again.k.keyring.privateKey()).toEqual(priv);
    expect(first.server.s.puts).toHaveLength(1);
  });

  it('a reload on another device is locked; the prompt’s password unlocks it and keeps a copy', async () => {
    const first = setup();
    await first.k.start(sec('pw-1234567890'));
    const other = setup({ server: first.server });
    await other.k.start();
    expect(other.k.getState()).toMatchObject({ status: 'locked', keyId: first.k.getState().keyId });
    expect(other.k.keyring.privateKey()).toBeNull();
    await other.k.unlock('wrong-password');
    expect(other.k.getState()).toMatchObject({ status: 'locked', wrongPassword: true });
    await other.k.unlock('pw-1234567890');
    expect(other.k.getState()).toMatchObject({ status: 'ready', wrongPassword: false });
    expect(other.k.keyring.privateKey()).toEqual(first.k.keyring.privateKey());
    expect(other.store.data.has(ME)).toBe(true);
    expect(first.server.s.puts).toHaveLength(1);
  });

  it('signing in elsewhere unwraps with the password and keeps a device copy', async () => {
    const first = setup();
    await first.k.start(sec('pw-1234567890'));
    const other = setup({ server: first.server });
    await other.k.start(sec('pw-1234567890'));
    expect(other.k.getState().status).toBe('ready');
    expect(other.store.data.get(ME)?.keyId).toBe(first.k.getState().keyId);
    expect(first.server.s.puts).toHaveLength(1);
  });

  it('a password reset by an administrator: this device’s copy is wrapped with the new password (same public key)', async () => {
    const first = setup();
    await first.k.start(sec('old-password-1'));
    const pub = first.server.s.mine!.public_key;
    const after = setup({ store: first.store, server: first.server });
    await after.k.start(sec('new-password-2'));
    expect(after.k.getState().status).toBe('ready');
    expect(first.server.s.puts).toHaveLength(2);
    expect(first.server.s.puts[1]!.public_key).toBe(pub);
    expect(JSON.parse(first.server.s.puts[1]!.wrapped_private).password).toBe('new-password-2');
    // Another device now opens it with the new password.
    const other = setup({ server: first.server });
    await other.k.start(sec('new-password-2'));
    expect(other.k.keyring.privateKey()).toEqual(first.k.keyring.privateKey());
  });

  it('a reset with no device copy stays locked; 创建新的加密密钥 makes a new pair', async () => {
    const first = setup();
    await first.k.start(sec('old-password-1'));
    const oldId = first.k.getState().keyId;
    const other = setup({ server: first.server });
    await other.k.start(sec('new-password-2'));
    expect(other.k.getState()).toMatchObject({ status: 'locked', wrongPassword: true });
    expect(first.server.s.puts).toHaveLength(1);
    await other.k.createNew('new-password-2');
    expect(other.k.getState().status).toBe('ready');
    expect(other.k.getState().keyId).not.toBe(oldId);
    expect(first.server.s.puts).toHaveLength(2);
    expect(first.server.s.puts[1]!.public_key).not.toBe(first.server.s.puts[0]!.public_key);
  });

  it('a device copy of an older key does not open the new one', async () => {
    const first = setup();
    await first.k.start(sec('pw-1234567890'));
    const elsewhere = setup({ server: first.server });
    await elsewhere.k.start(sec('other-password'));
    await elsewhere.k.createNew('other-password');
    const back = setup({ store: first.store, server: first.server });
    await back.k.start();
    expect(back.k.getState().status).toBe('locked');
    // …nor is it wrapped over the new key when the password does not open it.
    const puts = first.server.s.puts.length;
    const again = setup({ store: first.store, server: first.server });
    await again.k.start(sec('pw-1234567890'));
    expect(again.k.getState().status).toBe('locked');
    expect(first.server.s.puts).toHaveLength(puts);
  });

  it('a reload before any key: none; the prompt’s password makes it', async () => {
    const t = setup();
    await t.k.start();
    expect(t.k.getState().status).toBe('none');
    expect(t.k.hasKey()).toBe(false);
    await t.k.unlock('pw-1234567890');
    expect(t.k.getState().status).toBe('ready');
    expect(t.k.hasKey()).toBe(true);
    expect(t.server.s.puts).toHaveLength(1);
  });

  it('a locked key still lets the person send (their public key exists)', async () => {
    const first = setup();
    await first.k.start(sec('pw-1234567890'));
    const other = setup({ server: first.server });
    await other.k.start();
    expect(other.k.hasKey()).toBe(true);
  });

  it('a password change: the key wrapped under the new credential goes with the change, no PUT', async () => {
    const t = setup();
    await t.k.start(sec('old-password-1'));
    const next = cred('new-password-2', 'fresh-salt');
    const sent = await t.k.wrapFor(next);
    expect(sent?.key_id).toBe(t.k.getState().keyId);
    expect(JSON.parse(sent!.wrapped_private)).toMatchObject({ password: 'new-password-2', userId: ME });
    t.k.passwordChanged(next, sent);
    expect(t.server.s.puts).toHaveLength(1);
    expect(t.k.myKey()?.kdf_salt).toBe('fresh-salt');
  });

  it('a password change while locked: the current password unlocks first, then wraps', async () => {
    const first = setup();
    await first.k.start(sec('old-password-1'));
    const other = setup({ server: first.server });
    await other.k.start();
    expect(await other.k.wrapFor(cred('x'))).toBeUndefined();
    await other.k.unlockWith(cred('old-password-1'));
    expect(other.k.getState().status).toBe('ready');
    expect(await other.k.wrapFor(cred('new-password-2'))).toBeDefined();
  });

  it('a reset device’s re-wrap that fails is tried again a few times, then reported', async () => {
    const first = setup();
    await first.k.start(sec('old-password-1'));
    const t = setup({ store: first.store, server: first.server });
    t.server.s.failPut = 2;
    await t.k.start(sec('new-password-2'));
    expect(t.timers.map((x) => x.ms)).toEqual([2000]);
    t.timers.shift()!.fn();
    await new Promise((r) => setTimeout(r, 0));
    t.timers.shift()!.fn();
    await new Promise((r) => setTimeout(r, 0));
    expect(JSON.parse(t.server.s.mine!.wrapped_private).password).toBe('new-password-2');
    const u = setup({ store: first.store, server: first.server });
    t.server.s.failPut = 9;
    await u.k.start(sec('third-password'));
    for (let i = 0; i < 3; i++) {
      u.timers.shift()!.fn();
      await new Promise((r) => setTimeout(r, 0));
    }
    expect(u.timers).toHaveLength(0);
    expect(u.k.getState()).toMatchObject({ status: 'ready', error: { code: 'network' } });
  });

  it('a legacy wrap (its own salt) opens with the upgrade login’s password and is wrapped under the account salt', async () => {
    const t = setup();
    const priv = crypto.getRandomValues(new Uint8Array(32));
    const pub = new Uint8Array(priv).reverse();
    const keyId = hex(pub).slice(0, 16);
    t.server.s.mine = { user_id: ME, key_id: keyId, public_key: b64u(pub), created_at: '', wrapped_private: JSON.stringify({ password: 'Govchat#2026', userId: ME, keyId, priv: hex(priv) }), kdf_salt: 'old-wrap-salt', kdf_iterations: 600000 };
    await t.k.start({ cred: cred('auth-of-upgrade'), legacyPassword: 'Govchat#2026' });
    expect(t.k.getState().status).toBe('ready');
    expect(t.k.keyring.privateKey()).toEqual(priv);
    expect(t.server.s.puts).toHaveLength(1);
    expect(t.server.s.puts[0]).toMatchObject({ public_key: b64u(pub), kdf_salt: 'account-salt' });
    // Without the password, the old wrap stays shut.
    const u = setup();
    u.server.s.mine = { ...t.server.s.mine!, wrapped_private: JSON.stringify({ password: 'Govchat#2026', userId: ME, keyId, priv: hex(priv) }), kdf_salt: 'old-wrap-salt' };
    await u.k.start(sec('auth-of-upgrade'));
    expect(u.k.getState().status).toBe('locked');
  });

  it('a new key is also wrapped to the account-recovery key when one is set', async () => {
    const t = setup();
    t.server.s.recovery = { key_id: 'rk01', public_key: b64u(utf8('recovery-public')), set_by: 9, created_at: '' };
    await t.k.start(sec('pw-1234567890'));
    const put = t.server.s.puts[0]!;
    expect(put.recovery_key_id).toBe('rk01');
    expect(JSON.parse(put.recovery_wrap!)).toMatchObject({ to: hex(utf8('recovery-public')), userId: ME, keyId: t.k.getState().keyId, priv: hex(t.k.keyring.privateKey()!) });
  });

  it('a reset with no device copy holds the new credential; a recovered key is wrapped under it (same public key)', async () => {
    const first = setup();
    await first.k.start(sec('old-password-1'));
    const priv = first.k.keyring.privateKey()!;
    const mine = first.server.s.mine!;
    const other = setup({ server: first.server });
    await other.k.start(sec('new-password-2'));
    expect(other.k.getState()).toMatchObject({ status: 'locked', held: true });
    await other.k.recovered(priv, mine);
    expect(other.k.getState()).toMatchObject({ status: 'ready', held: false });
    expect(first.server.s.puts.at(-1)).toMatchObject({ public_key: mine.public_key });
    expect(JSON.parse(first.server.s.puts.at(-1)!.wrapped_private).password).toBe('new-password-2');
    expect(other.store.data.get(ME)?.keyId).toBe(mine.key_id);
  });

  it('offline at a reload: the device copy still unlocks; with none, an error and retry (with the password of that start)', async () => {
    const first = setup();
    await first.k.start(sec('pw-1234567890'));
    first.server.s.fail = new ApiError(0, 'network', 'down');
    const back = setup({ store: first.store, server: first.server });
    await back.k.start();
    expect(back.k.getState().status).toBe('ready');
    const other = setup({ server: first.server });
    await other.k.start(sec('pw-1234567890'));
    expect(other.k.getState()).toMatchObject({ status: 'error', error: { code: 'network' } });
    first.server.s.fail = undefined;
    await other.k.retry();
    expect(other.k.getState().status).toBe('ready');
  });

  it('tells a view when the private key comes (and goes)', async () => {
    const first = setup();
    await first.k.start(sec('pw-1234567890'));
    const other = setup({ server: first.server });
    let calls = 0;
    other.k.keyring.subscribe!(() => calls++);
    await other.k.start();
    expect(calls).toBe(0); // locked: nothing new
    await other.k.unlock('pw-1234567890');
    expect(calls).toBe(1);
    other.k.acceptChange(3); // other changes do not call
    expect(calls).toBe(1);
    await other.k.forget();
    expect(calls).toBe(2);
  });

  it('logout wipes this device’s copy and the key in memory', async () => {
    const t = setup();
    await t.k.start(sec('pw-1234567890'));
    await t.k.forget();
    expect(t.store.data.has(ME)).toBe(false);
    expect(t.k.keyring.privateKey()).toBeNull();
  });
});

describe('keyring: colleagues’ keys', () => {
  it('pins keys first seen; a different key id is flagged until accepted', async () => {
    const t = setup();
    t.server.s.users.set(3, uk(3, 'aaaaaaaaaaaaaaaa'));
    t.server.s.users.set(4, uk(4, 'bbbbbbbbbbbbbbbb'));
    const got = await t.k.keyring.publicKeys([3, 4, 9]);
    expect([...got.keys()].sort()).toEqual([3, 4]);
    expect(t.k.keyring.changedKeys()).toEqual([]);
    t.server.s.users.set(3, uk(3, 'cccccccccccccccc'));
    t.tick(KEY_CACHE_MS);
    await t.k.keyring.publicKeys([3]);
    expect(t.k.keyring.changedKeys()).toEqual([3]);
    expect(t.k.getState().changed).toEqual([3]);
    // Another page of the same person sees it too (pins live in storage).
    const again = setup({ storage: t.storage, server: t.server });
    expect(again.k.keyring.changedKeys()).toEqual([3]);
    t.k.acceptChange(3);
    expect(t.k.keyring.changedKeys()).toEqual([]);
    expect(JSON.parse(t.storage.data.get(pinsKey(ME))!).pins['3']).toBe('cccccccccccccccc');
  });

  it('locked after a reset, holding the new credential: the same key re-wrapped elsewhere (its key frame) unlocks here', async () => {
    const first = setup();
    await first.k.start(sec('old-password-1'));
    const keyId = first.k.getState().keyId!;
    const other = setup({ server: first.server });
    await other.k.start(sec('new-password-2'));
    expect(other.k.getState()).toMatchObject({ status: 'locked', held: true });
    // The office PC, with its device copy, signs in with the new password and re-wraps.
    const pc = setup({ store: first.store, server: first.server });
    await pc.k.start(sec('new-password-2'));
    other.k.keyFrame({ user_id: ME, key_id: keyId });
    await vi.waitFor(() => expect(other.k.getState().status).toBe('ready'));
    expect(other.k.keyring.privateKey()).toEqual(first.k.keyring.privateKey());
  });

  it('a key change is noted once in each chat: dismissed in one, still shown once in another, never again where dismissed', async () => {
    const t = setup();
    t.server.s.users.set(3, uk(3, 'aaaaaaaaaaaaaaaa'));
    await t.k.keyring.publicKeys([3]);
    t.server.s.users.set(3, uk(3, 'cccccccccccccccc'));
    t.tick(KEY_CACHE_MS);
    await t.k.keyring.publicKeys([3]);
    expect(t.k.getState().notes).toEqual({ 3: { key: 'cccccccccccccccc', seen: [] } });
    t.k.acceptChange(3, 11); // dismissed in chat 11: the new key is pinned
    expect(t.k.keyring.changedKeys()).toEqual([]);
    expect(t.k.getState().notes?.[3]?.seen).toEqual([11]);
    t.k.acceptChange(3, 12); // and once in chat 12
    expect(t.k.getState().notes?.[3]?.seen).toEqual([11, 12]);
    // A reload keeps where it was dismissed; a further change is noted afresh everywhere.
    const again = setup({ storage: t.storage, server: t.server });
    expect(again.k.getState().notes?.[3]?.seen).toEqual([11, 12]);
    t.server.s.users.set(3, uk(3, 'dddddddddddddddd'));
    t.tick(KEY_CACHE_MS);
    await t.k.keyring.publicKeys([3]);
    expect(t.k.getState().notes).toEqual({ 3: { key: 'dddddddddddddddd', seen: [] } });
  });

  it('a key that changes back to the pinned one is no longer flagged', async () => {
    const t = setup();
    t.server.s.users.set(3, uk(3, 'aaaaaaaaaaaaaaaa'));
    await t.k.keyring.channelKeys(7);
    t.server.s.users.set(3, uk(3, 'cccccccccccccccc'));
    t.tick(KEY_CACHE_MS);
    await t.k.keyring.channelKeys(7);
    expect(t.k.keyring.changedKeys()).toEqual([3]);
    t.server.s.users.set(3, uk(3, 'aaaaaaaaaaaaaaaa'));
    t.tick(KEY_CACHE_MS);
    await t.k.keyring.channelKeys(7);
    expect(t.k.keyring.changedKeys()).toEqual([]);
  });

  it('a key frame flags a colleague’s new key at once, and the next lookup asks afresh', async () => {
    const t = setup();
    t.server.s.users.set(3, uk(3, 'aaaaaaaaaaaaaaaa'));
    await t.k.keyring.channelKeys(7);
    t.k.keyFrame({ user_id: 3, key_id: 'cccccccccccccccc' });
    expect(t.k.keyring.changedKeys()).toEqual([3]);
    t.k.keyFrame({ user_id: 3, key_id: 'cccccccccccccccc' }); // once per shared channel
    expect(t.k.keyring.changedKeys()).toEqual([3]);
    t.server.s.users.set(3, uk(3, 'cccccccccccccccc'));
    await t.k.keyring.channelKeys(7);
    expect(t.server.s.asked).toEqual(['channel:7', 'channel:7']);
    // A first key is pinned, not flagged.
    t.k.keyFrame({ user_id: 9, key_id: 'dddddddddddddddd' });
    expect(t.k.keyring.changedKeys()).toEqual([3]);
    t.k.keyFrame({ user_id: 'x', key_id: 1 } as never); // junk is ignored
  });

  it('one’s own key frame: this page’s new key is no news; another device’s locks this one', async () => {
    const t = setup();
    await t.k.start(sec('pw-1234567890'));
    t.k.keyFrame({ user_id: ME, key_id: t.k.getState().keyId! });
    expect(t.k.getState().status).toBe('ready');
    const elsewhere = setup({ server: t.server });
    await elsewhere.k.start(sec('pw-1234567890'));
    await elsewhere.k.createNew('pw-1234567890');
    t.k.keyFrame({ user_id: ME, key_id: elsewhere.k.getState().keyId! });
    await new Promise((r) => setTimeout(r, 0));
    await new Promise((r) => setTimeout(r, 0));
    expect(t.k.getState()).toMatchObject({ status: 'locked', keyId: elsewhere.k.getState().keyId });
    expect(t.k.keyring.privateKey()).toBeNull();
    await t.k.unlock('pw-1234567890');
    expect(t.k.keyring.privateKey()).toEqual(elsewhere.k.keyring.privateKey());
  });

  it('fresh channel keys skip the cache; after a reconnect everything is asked again', async () => {
    const t = setup();
    t.server.s.users.set(3, uk(3, 'aaaaaaaaaaaaaaaa'));
    t.server.s.escrow = { key_id: 'eeeeeeeeeeeeeeee', public_key: 'pe', set_by: 4, created_at: '' };
    await t.k.keyring.channelKeys(7);
    await t.k.keyring.escrowKey();
    await t.k.freshChannelKeys(7);
    expect(t.server.s.asked).toEqual(['channel:7', 'escrow', 'channel:7']);
    t.k.forgetCached();
    await t.k.keyring.publicKeys([3]);
    await t.k.keyring.escrowKey();
    expect(t.server.s.asked.slice(3)).toEqual(['keys:3', 'escrow']);
  });

  it('one’s own key is not pinned here', async () => {
    const t = setup();
    t.server.s.users.set(ME, uk(ME, 'aaaaaaaaaaaaaaaa'));
    await t.k.keyring.publicKeys([ME]);
    t.server.s.users.set(ME, uk(ME, 'bbbbbbbbbbbbbbbb'));
    t.tick(KEY_CACHE_MS);
    await t.k.keyring.publicKeys([ME]);
    expect(t.k.keyring.changedKeys()).toEqual([]);
  });

  it('keys are cached for a minute; people without a key are asked again', async () => {
    const t = setup();
    t.server.s.users.set(3, uk(3, 'aaaaaaaaaaaaaaaa'));
    await t.k.keyring.channelKeys(7);
    await t.k.keyring.channelKeys(7);
    await t.k.keyring.publicKeys([3, 8]);
    expect(t.server.s.asked).toEqual(['channel:7', 'keys:8']);
    t.tick(KEY_CACHE_MS);
    await t.k.keyring.publicKeys([3]);
    expect(t.server.s.asked.at(-1)).toBe('keys:3');
  });

  it('the escrow key: null when none, cached a while', async () => {
    const t = setup();
    expect(await t.k.keyring.escrowKey()).toBeNull();
    t.server.s.escrow = { key_id: 'eeeeeeeeeeeeeeee', public_key: 'pe', set_by: 4, created_at: '' };
    expect(await t.k.keyring.escrowKey()).toBeNull();
    t.tick(5 * 60_000);
    expect(await t.k.keyring.escrowKey()).toEqual({ key_id: 'eeeeeeeeeeeeeeee', public_key: 'pe' });
  });

  it('broken pins in storage start afresh', () => {
    const storage = memoryStorage();
    storage.setItem(pinsKey(ME), '{not json');
    const t = setup({ storage });
    expect(t.k.keyring.changedKeys()).toEqual([]);
  });
});

describe('device vault', () => {
  it('seals under a non-extractable key, bound to the user and key id', async () => {
    const store = mapStore();
    const v = createDeviceVault(store);
    const priv = crypto.getRandomValues(new Uint8Array(32));
    await v.save(5, 'k1', priv);
    const r = store.data.get(5)!;
    expect(r.key.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('raw', r.key)).rejects.toThrow();
    expect(contains(r.sealed, priv)).toBe(false);
    expect(await v.load(5)).toEqual({ keyId: 'k1', privateKey: priv });
    // Moved to another user, or relabelled with another key id: it does not open.
    store.data.set(6, r);
    expect(await v.load(6)).toBeNull();
    store.data.set(5, { ...r, keyId: 'k2' });
    expect(await v.load(5)).toBeNull();
    store.data.set(5, { ...r, sealed: new Uint8Array(5) });
    expect(await v.load(5)).toBeNull();
    await v.wipe(5);
    expect(await v.load(5)).toBeNull();
  });
});
