// The person's key pair in this browser, and colleagues' public keys (E2E.md §4; the
// Keyring interface is in keyring.ts).
//
// Since issue 12 the keyring never sees the password: it gets the login's credential
// (E2E.md §4.4: the wrap key derived by the login's one PBKDF2, non-extractable), and a
// legacy account's password once, at its upgrade login, to open the old wrap.
//
//   at login (the credential in memory):  GET /me/key
//     none           → make a pair, wrap it under the credential (and to the account-
//                      recovery key when there is one), PUT /me/key
//     exists         → unwrap it with the credential (a legacy wrap: with the password,
//                      then wrapped again under the credential)
//       fails, and this device holds that key (an administrator reset the password)
//                    → wrap the device's copy under the new credential, PUT (same public key)
//       fails, no device copy → locked; the credential is held (memory only) until the
//                      key is recovered (src/recovery) or replaced (放弃旧密钥)
//   at a reload (no credential): the device copy of the server's key id → unlocked; else
//     locked, and a small prompt asks for the password where files are needed
//   a password change: the key wrapped under the new credential goes with the change
//
// Colleagues' keys are pinned (trust on first use) in localStorage per user: a key id
// other than the pinned one is reported by changedKeys() until the person accepts it.

import type { LocalStore } from '../chat/outbox';
import { toUiError, type UiError } from '../errors';
import type { Credential, WrappedPrivate } from '../e2e';
import type { KeySecret } from '../login/login';
import type { FilesApi } from './api';
import type { DeviceVault } from './device';
import type { Keyring } from './keyring';
import type { KeyEvent, MyKey, PutMyKeyRequest, UserKey } from './types';

/** What the keyring needs of the e2e library. */
export interface KeyCrypto {
  generateKeyPair(): Promise<{ publicKey: Uint8Array; privateKey: Uint8Array }>;
  keyIdOf(publicKey: Uint8Array): Promise<string>;
  wrapWithCredential(priv: Uint8Array, cred: Credential, userId: number, keyId: string): Promise<WrappedPrivate>;
  unwrapWithCredential(w: WrappedPrivate, cred: Credential, userId: number, keyId: string): Promise<Uint8Array>;
  /** A wrap under its own salt (before the upgrade), with the password of that login. */
  unwrapWithPassword(w: WrappedPrivate, password: string, userId: number, keyId: string): Promise<Uint8Array>;
  /** HPKE to the account-recovery key (E2E.md §4.5). */
  recoveryWrap(recoveryPublic: Uint8Array, priv: Uint8Array, userId: number, keyId: string): Promise<string>;
  b64u(bytes: Uint8Array): string;
  fromB64u(s: string): Uint8Array;
}

export type KeyStatus =
  | 'loading' // asking the server and the device
  | 'ready' // the private key is in memory
  | 'locked' // a key exists; no device copy, no password yet
  | 'none' // no key yet, and no password to make one with
  | 'error'; // the server could not be asked, and this device has no copy

export interface KeyringState {
  status: KeyStatus;
  /** The person's own key id, once known. */
  keyId?: string;
  /** An unlock, a new key or a re-wrap is under way. */
  busy: boolean;
  /** The password given does not open the key: mistyped, or reset by an administrator. */
  wrongPassword?: boolean;
  /** A credential of the current password is held (memory only): a recovered or new key
   * can be wrapped without asking for the password again. */
  held?: boolean;
  error?: UiError;
  /** Colleagues whose key changed since this browser pinned theirs. */
  changed: number[];
  /** Key-change notes per colleague: shown once in each chat (dismissed there: `seen`). */
  notes?: Record<number, { key: string; seen: number[] }>;
}

export interface KeyringDeps {
  api: Pick<FilesApi, 'myKey' | 'putMyKey' | 'keys' | 'channelKeys' | 'escrowKey'> & {
    /** GET /keys/account-recovery; null when none is set (no recovery wrap is made). */
    recoveryKey?(): Promise<{ key_id: string; public_key: string } | null>;
  };
  crypto: KeyCrypto;
  vault: DeviceVault;
  /** The credential of the current password typed in this page (prelogin, then the one
   * PBKDF2): the unlock prompt after a reload. */
  derive?: (password: string) => Promise<Credential>;
  /** Where pins live (localStorage); none: pins last for the page. */
  storage?: LocalStore;
  me: { id: number };
  now?: () => number;
  setTimeout?: (fn: () => void, ms: number) => unknown;
}

/** How long a fetched public key is used before asking again (a changed key shows up). */
export const KEY_CACHE_MS = 60_000;
const ESCROW_CACHE_MS = 5 * 60_000;
const REWRAP_RETRY_MS = [2_000, 5_000, 15_000];

export type KeyringStore = ReturnType<typeof createKeyring>;

interface Pins {
  pins: Record<string, string>;
  changed: Record<string, string>;
  /** A colleague's key change, noted once in each chat shared with them (issue 12): the
   * new key id and the channels where the note was dismissed. */
  notes?: Record<string, { key: string; seen: number[] }>;
}

/** At most this many channels are remembered per note (the oldest go first). */
const NOTE_CHANNELS = 200;

export const pinsKey = (userId: number) => `govchat.keypins.${userId}`;

/** "abcd ef01 2345 6789": a key id to read out over the phone, four digits at a time. */
export function fingerprint(keyId: string): string {
  return keyId.replace(/(.{4})(?=.)/g, '$1 ');
}

export function createKeyring(deps: KeyringDeps) {
  const { api, crypto: c, vault, storage, me } = deps;
  const now = deps.now ?? Date.now;
  const setT = deps.setTimeout ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  let priv: Uint8Array | null = null;
  let mine: MyKey | null = null;
  let disposed = false;
  // Kept only while the server could not be asked, for the retry: never stored.
  let retrySecret: KeySecret | undefined;
  // The current password's credential while the key is locked or not made yet (memory
  // only): what a recovered or new key is wrapped under. Dropped once unlocked.
  let held: Credential | undefined;
  // 稍后 on the unlock prompt: hidden for the rest of the page's life.
  let promptHidden = false;
  // The id of a key pair this page is storing: the server's key frame for it comes back
  // to this page too, perhaps before the PUT's answer.
  let storing: string | undefined;
  const cache = new Map<number, { key: UserKey; at: number }>();
  const channels = new Map<number, { keys: Map<number, UserKey>; at: number }>();
  let escrow: { at: number; key: { key_id: string; public_key: string } | null } | undefined;
  const pins = loadPins();
  let state: KeyringState = { status: 'loading', busy: false, changed: changedIds(), notes: notesOf() };
  const listeners = new Set<(s: KeyringState) => void>();

  function set(next: Partial<KeyringState>) {
    if (disposed) return;
    state = { ...state, ...next };
    listeners.forEach((fn) => fn(state));
  }

  // ---- pins ----

  function loadPins(): Pins {
    try {
      const raw = storage?.getItem(pinsKey(me.id));
      const v = raw ? (JSON.parse(raw) as Partial<Pins>) : undefined;
      if (v && typeof v.pins === 'object' && typeof v.changed === 'object' && v.pins && v.changed) {
        return { pins: v.pins, changed: v.changed, notes: v.notes && typeof v.notes === 'object' ? v.notes : {} };
      }
    } catch {
      /* unreadable: start again */
    }
    return { pins: {}, changed: {}, notes: {} };
  }
  function savePins() {
    try {
      storage?.setItem(pinsKey(me.id), JSON.stringify(pins));
    } catch {
      /* storage full or off: pins hold for this page */
    }
  }
  function notesOf(): Record<number, { key: string; seen: number[] }> {
    const out: Record<number, { key: string; seen: number[] }> = {};
    for (const [id, n] of Object.entries(pins.notes ?? {})) if (n && typeof n.key === 'string' && Array.isArray(n.seen)) out[Number(id)] = n;
    return out;
  }
  function changedIds(): number[] {
    return Object.keys(pins.changed).map(Number).sort((a, b) => a - b);
  }
  /** Pins first-seen keys and notes changed ones. */
  function observe(keys: readonly UserKey[]) {
    let dirty = false;
    for (const k of keys) {
      if (k.user_id === me.id) continue; // one's own key is the keyring's business
      const id = String(k.user_id);
      const pinned = pins.pins[id];
      if (pinned === undefined) {
        pins.pins[id] = k.key_id;
        dirty = true;
      } else if (pinned !== k.key_id) {
        if (pins.changed[id] !== k.key_id) {
          pins.changed[id] = k.key_id;
          (pins.notes ??= {})[id] = { key: k.key_id, seen: [] };
          dirty = true;
        }
      } else if (pins.changed[id] !== undefined) {
        delete pins.changed[id]; // back to the key pinned
        dirty = true;
      }
    }
    if (dirty) {
      savePins();
      set({ changed: changedIds(), notes: notesOf() });
    }
  }

  // ---- the person's own key ----

  function wrappedOf(k: MyKey): WrappedPrivate {
    return { wrapped: k.wrapped_private, salt: k.kdf_salt, iterations: k.kdf_iterations };
  }

  async function keepOnDevice(keyId: string, key: Uint8Array) {
    try {
      await vault.save(me.id, keyId, key);
    } catch {
      // No IndexedDB (a private window, a policy): the next reload asks for the password.
    }
  }

  async function deviceCopy(): Promise<{ keyId: string; privateKey: Uint8Array } | null> {
    try {
      return await vault.load(me.id);
    } catch {
      return null;
    }
  }

  function unlocked(k: { key_id: string }, key: Uint8Array) {
    priv = key;
    retrySecret = undefined;
    held = undefined;
    set({ status: 'ready', keyId: k.key_id, busy: false, wrongPassword: false, error: undefined, held: false });
  }

  /** The organisation's account-recovery key, asked afresh at each store (rare). A
   * failure to ask makes no recovery wrap rather than no key. */
  async function recoveryKey(): Promise<{ key_id: string; public_key: string } | null> {
    if (!api.recoveryKey) return null;
    try {
      return await api.recoveryKey();
    } catch {
      return null;
    }
  }

  /** Wraps `key` (whose public half is `publicKey`) under the credential — and to the
   * account-recovery key when one is set — and stores it. */
  async function put(publicKey: string, keyId: string, key: Uint8Array, cred: Credential) {
    const w = await c.wrapWithCredential(key, cred, me.id, keyId);
    const rk = await recoveryKey();
    const body: PutMyKeyRequest = { public_key: publicKey, wrapped_private: w.wrapped, kdf_salt: w.salt, kdf_iterations: w.iterations };
    if (rk) {
      body.recovery_wrap = await c.recoveryWrap(c.fromB64u(rk.public_key), key, me.id, keyId);
      body.recovery_key_id = rk.key_id;
    }
    await api.putMyKey(body);
    mine = { user_id: me.id, key_id: keyId, public_key: publicKey, created_at: new Date(now()).toISOString(), wrapped_private: w.wrapped, kdf_salt: w.salt, kdf_iterations: w.iterations };
  }

  /** A new key pair, wrapped under the credential, stored on the server and this device. */
  async function create(cred: Credential) {
    const pair = await c.generateKeyPair();
    const keyId = await c.keyIdOf(pair.publicKey);
    storing = keyId;
    await put(c.b64u(pair.publicKey), keyId, pair.privateKey, cred);
    cache.delete(me.id);
    channels.clear(); // they hold the old public key
    await keepOnDevice(keyId, pair.privateKey);
    unlocked({ key_id: keyId }, pair.privateKey);
  }

  /** Opens the server's wrap: under the credential, or (a legacy wrap, made under its own
   * salt) with the upgrade login's password. */
  async function tryUnwrap(k: MyKey, secret: KeySecret): Promise<Uint8Array | null> {
    try {
      return await c.unwrapWithCredential(wrappedOf(k), secret.cred, me.id, k.key_id);
    } catch {
      /* another salt, or another password */
    }
    if (secret.legacyPassword === undefined) return null;
    try {
      return await c.unwrapWithPassword(wrappedOf(k), secret.legacyPassword, me.id, k.key_id);
    } catch {
      return null;
    }
  }

  /** Unwrapped under another salt than the account's (a legacy wrap): wrapped again under
   * the credential, so the next login needs one derivation. Best effort. */
  async function upgradeWrap(k: MyKey, key: Uint8Array, cred: Credential) {
    if (k.kdf_salt === cred.salt && k.kdf_iterations === cred.iterations) return;
    try {
      await put(k.public_key, k.key_id, key, cred);
    } catch {
      /* the old wrap still opens with the password: the next login tries again */
    }
  }

  function lockedHolding(keyId: string, cred: Credential | undefined, wrongPassword: boolean) {
    priv = null;
    held = cred;
    set({ status: 'locked', keyId, busy: false, wrongPassword, held: !!cred });
  }

  function failed(err: unknown) {
    set({ status: priv ? 'ready' : 'error', busy: false, error: toUiError(err, now()) });
  }

  /** At the shell's start: with the login's credential when the person just signed in. */
  async function start(secret?: KeySecret): Promise<void> {
    set({ status: 'loading', busy: true, error: undefined });
    let server: MyKey | null;
    try {
      server = await api.myKey();
    } catch (err) {
      // Offline: this device's copy still opens files.
      const dev = await deviceCopy();
      if (dev) {
        unlocked({ key_id: dev.keyId }, dev.privateKey);
        return;
      }
      retrySecret = secret;
      failed(err);
      return;
    }
    mine = server;
    try {
      if (!server) {
        if (secret) await create(secret.cred);
        else {
          priv = null;
          set({ status: 'none', busy: false });
        }
        return;
      }
      const dev = await deviceCopy();
      const devMatches = dev && dev.keyId === server.key_id ? dev : null;
      if (secret) {
        const key = await tryUnwrap(server, secret);
        if (key) {
          if (!devMatches) await keepOnDevice(server.key_id, key);
          unlocked(server, key);
          await upgradeWrap(server, key, secret.cred);
          return;
        }
        if (devMatches) {
          // The password was reset by an administrator: the device still holds the key,
          // and wraps it under the new password at once (no recovery needed).
          await rewrap(server.public_key, server.key_id, devMatches.privateKey, secret.cred, 0);
          unlocked(server, devMatches.privateKey);
          return;
        }
        lockedHolding(server.key_id, secret.cred, true);
        return;
      }
      if (devMatches) {
        unlocked(server, devMatches.privateKey);
        return;
      }
      lockedHolding(server.key_id, undefined, false);
    } catch (err) {
      retrySecret = secret;
      failed(err);
    }
  }

  /** With a credential of the current password: unlocks the key, or makes the first one. */
  async function unlockWith(cred: Credential): Promise<void> {
    if (state.busy || state.status === 'ready') return;
    if (state.status === 'error' || state.status === 'loading') return start({ cred });
    set({ busy: true, error: undefined, wrongPassword: false });
    try {
      const server = await api.myKey();
      mine = server;
      if (!server) {
        await create(cred);
        return;
      }
      const key = await tryUnwrap(server, { cred });
      if (!key) {
        lockedHolding(server.key_id, cred, true);
        return;
      }
      await keepOnDevice(server.key_id, key);
      unlocked(server, key);
    } catch (err) {
      failed(err);
    }
  }

  /** The small prompt's password: derived (prelogin, one PBKDF2), then as unlockWith. */
  async function unlock(password: string): Promise<void> {
    if (state.busy || state.status === 'ready' || !deps.derive) return;
    set({ busy: true, error: undefined, wrongPassword: false });
    let cred: Credential;
    try {
      cred = await deps.derive(password);
    } catch (err) {
      failed(err);
      return;
    }
    set({ busy: false });
    return unlockWith(cred);
  }

  /** The credential for a new or recovered key: the one given, the one held, else the password's. */
  async function credentialFor(password?: string | Credential): Promise<Credential> {
    if (password !== undefined && typeof password !== 'string') return password;
    if (held) return held;
    if (password !== undefined && deps.derive) return deps.derive(password);
    throw new Error('keyring: no credential for the password');
  }

  /** 放弃旧密钥 / 创建新的加密密钥: a new pair replaces the lost one (files sent to the
   * old key can no longer be opened until re-shared). */
  async function createNew(password?: string | Credential): Promise<void> {
    if (state.busy) return;
    set({ busy: true, error: undefined, wrongPassword: false });
    try {
      await create(await credentialFor(password));
    } catch (err) {
      failed(err);
      throw err;
    }
  }

  /**
   * A private key recovered (src/recovery: from another device or the officer, already
   * checked to be the published key's): wrapped under the current password and stored
   * with the same public key, which completes the recovery on the server; kept here.
   */
  async function recovered(key: Uint8Array, k: { key_id: string; public_key: string }, password?: string | Credential): Promise<void> {
    set({ busy: true, error: undefined });
    try {
      const cred = await credentialFor(password);
      await put(k.public_key, k.key_id, key, cred);
      await keepOnDevice(k.key_id, key);
      unlocked(k, key);
    } catch (err) {
      set({ busy: false });
      throw err;
    }
  }

  /** For a password change (POST /me/password): the key wrapped under the new
   * credential, when this page holds it. */
  async function wrapFor(cred: Credential): Promise<{ wrapped_private: string; key_id: string } | undefined> {
    if (!priv || !mine) return undefined;
    const w = await c.wrapWithCredential(priv, cred, me.id, mine.key_id);
    return { wrapped_private: w.wrapped, key_id: mine.key_id };
  }

  /** The password changed: `sent` the wrap that went with it (the server stored it), or
   * none (locked here): the new credential is held for a recovery. */
  function passwordChanged(cred: Credential, sent?: { wrapped_private: string; key_id: string }): void {
    if (sent && mine && mine.key_id === sent.key_id) {
      mine = { ...mine, wrapped_private: sent.wrapped_private, kdf_salt: cred.salt, kdf_iterations: cred.iterations };
      return;
    }
    if (!priv) {
      held = cred;
      set({ held: true });
    }
  }

  async function rewrap(publicKey: string, keyId: string, key: Uint8Array, cred: Credential, attempt: number): Promise<void> {
    try {
      await put(publicKey, keyId, key, cred);
    } catch (err) {
      const wait = REWRAP_RETRY_MS[attempt];
      if (wait === undefined || disposed) {
        // The server keeps the old wrap; the next login here wraps again from this device.
        failed(err);
        return;
      }
      setT(() => void rewrap(publicKey, keyId, key, cred, attempt + 1), wait);
    }
  }

  // ---- colleagues' keys ----

  function fresh(id: number): UserKey | undefined {
    const e = cache.get(id);
    return e && now() - e.at < KEY_CACHE_MS ? e.key : undefined;
  }

  function remember(keys: readonly UserKey[]) {
    const at = now();
    observe(keys);
    for (const k of keys) cache.set(k.user_id, { key: k, at });
  }

  const keyring: Keyring = {
    userId: me.id,
    privateKey: () => priv,
    async publicKeys(userIds) {
      const out = new Map<number, UserKey>();
      const ask: number[] = [];
      for (const id of new Set(userIds)) {
        const k = fresh(id);
        if (k) out.set(id, k);
        else ask.push(id);
      }
      if (ask.length) {
        const got = await api.keys(ask);
        remember(got);
        const wanted = new Set(ask);
        for (const k of got) if (wanted.has(k.user_id)) out.set(k.user_id, k);
      }
      return out;
    },
    async channelKeys(channelId) {
      const held = channels.get(channelId);
      if (held && now() - held.at < KEY_CACHE_MS) return new Map(held.keys);
      const got = await api.channelKeys(channelId);
      remember(got);
      const keys = new Map(got.map((k) => [k.user_id, k]));
      channels.set(channelId, { keys, at: now() });
      return new Map(keys);
    },
    async escrowKey() {
      if (escrow && now() - escrow.at < ESCROW_CACHE_MS) return escrow.key;
      const k = await api.escrowKey();
      escrow = { at: now(), key: k ? { key_id: k.key_id, public_key: k.public_key } : null };
      return escrow.key;
    },
    changedKeys: () => changedIds(),
    subscribe(fn) {
      let had = priv;
      const on = () => {
        if (priv === had) return;
        had = priv;
        fn();
      };
      listeners.add(on);
      return () => listeners.delete(on);
    },
  };

  return {
    keyring,
    getState: (): KeyringState => state,
    subscribe(fn: (s: KeyringState) => void): () => void {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    start,
    /** Asks again after an error (the credential of the failed start, if there was one). */
    retry: () => start(retrySecret),
    unlock,
    unlockWith,
    createNew,
    recovered,
    wrapFor,
    passwordChanged,
    /** Locked with the current password's credential held: looks at the server's wrap
     * again (another device may have wrapped the key under this password meanwhile). */
    async retryHeld(): Promise<void> {
      if (state.status !== 'locked' || !held || state.busy) return;
      await unlockWith(held);
    },
    /** The server's record of the person's key (public half, key id, wraps), as last read. */
    myKey: (): MyKey | null => mine,
    promptHidden: () => promptHidden,
    hidePrompt() {
      promptHidden = true;
    },
    /** 知道了: the person accepts a colleague's new key — in this chat (`channelId`): the
     * note stays for the other chats shared with them, once each. */
    acceptChange(userId: number, channelId?: number) {
      const id = String(userId);
      const note = pins.notes?.[id];
      if (note && channelId !== undefined && !note.seen.includes(channelId)) {
        note.seen = [...note.seen, channelId].slice(-NOTE_CHANNELS);
      }
      const next = pins.changed[id];
      if (next !== undefined) {
        pins.pins[id] = next;
        delete pins.changed[id];
      }
      savePins();
      set({ changed: changedIds(), notes: notesOf() });
    },
    /** A key frame (PROTOCOL.md §7.5): someone stored a new key pair. A colleague's is
     * compared with the pinned one at once (and fetched afresh when next needed); one's
     * own, made on another device, locks this one until the password opens the new key. */
    keyFrame(e: KeyEvent) {
      if (!e || !Number.isSafeInteger(e.user_id) || typeof e.key_id !== 'string') return;
      channels.clear();
      cache.delete(e.user_id);
      if (e.user_id === me.id) {
        // The same key wrapped again elsewhere — after a reset, by a device of the person's
        // that held it, under the new password: locked here with that password's
        // credential held, it opens now (device-assisted recovery without a prompt).
        if (e.key_id === state.keyId && state.status === 'locked' && held && !state.busy) {
          void unlockWith(held);
          return;
        }
        if (e.key_id === state.keyId || e.key_id === storing || state.busy) return;
        void start();
        return;
      }
      observe([{ user_id: e.user_id, key_id: e.key_id, public_key: '', created_at: '' }]);
    },
    /** After a reconnect (key frames are not replayed): keys are fetched afresh. */
    forgetCached() {
      cache.clear();
      channels.clear();
      escrow = undefined;
    },
    /** The members' keys now, not a minute old: what a share wraps to (the server refuses
     * a wrap to a key that is no longer the person's). */
    freshChannelKeys(channelId: number) {
      channels.delete(channelId);
      return keyring.channelKeys(channelId);
    },
    /** Colleagues' keys now, not a minute old: a key request names the requester's
     * current key, which may be newer than the one cached. */
    freshPublicKeys(userIds: number[]) {
      for (const id of userIds) cache.delete(id);
      return keyring.publicKeys(userIds);
    },
    /** Whether the person has a key pair on the server (sending needs one; opening needs it unlocked). */
    hasKey: () => state.status === 'ready' || state.status === 'locked',
    /** Logout: this device forgets the key. */
    async forget() {
      priv = null;
      retrySecret = undefined;
      held = undefined;
      listeners.forEach((fn) => fn(state));
      disposed = true;
      listeners.clear();
      try {
        await vault.wipe(me.id);
      } catch {
        /* nothing kept, or IndexedDB unavailable */
      }
    },
    dispose() {
      disposed = true;
      retrySecret = undefined;
      held = undefined;
      listeners.clear();
    },
  };
}
