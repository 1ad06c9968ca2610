// The person's key pair in this browser, and colleagues' public keys (E2E.md §4; the
// Keyring interface is in keyring.ts).
//
//   at login (the password in memory):  GET /me/key
//     none           → make a pair, wrap it with the password, PUT /me/key
//     exists         → unwrap it with the password
//       fails, and this device holds that key (an administrator reset the password)
//                    → wrap the device's copy with the new password, PUT (same public key)
//       fails, no device copy → locked; 我 offers 创建新的加密密钥
//   at a reload (no password): the device copy of the server's key id → unlocked; else
//     locked, and a small prompt asks for the password where files are needed
//   a password change: wrap again with the new password, PUT (same public key)
//
// Colleagues' keys are pinned (trust on first use) in localStorage per user: a key id
// other than the pinned one is reported by changedKeys() until the person accepts it.

import type { LocalStore } from '../chat/outbox';
import { toUiError, type UiError } from '../errors';
import type { WrappedPrivate } from '../e2e';
import type { FilesApi } from './api';
import type { DeviceVault } from './device';
import type { Keyring } from './keyring';
import type { KeyEvent, MyKey, UserKey } from './types';

/** What the keyring needs of the e2e library. */
export interface KeyCrypto {
  generateKeyPair(): Promise<{ publicKey: Uint8Array; privateKey: Uint8Array }>;
  keyIdOf(publicKey: Uint8Array): Promise<string>;
  wrapPrivateKey(priv: Uint8Array, password: string, userId: number, keyId: string): Promise<WrappedPrivate>;
  unwrapPrivateKey(w: WrappedPrivate, password: string, userId: number, keyId: string): Promise<Uint8Array>;
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
  error?: UiError;
  /** Colleagues whose key changed since this browser pinned theirs. */
  changed: number[];
}

export interface KeyringDeps {
  api: Pick<FilesApi, 'myKey' | 'putMyKey' | 'keys' | 'channelKeys' | 'escrowKey'>;
  crypto: KeyCrypto;
  vault: DeviceVault;
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
}

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
  let retryPassword: string | undefined;
  // 稍后 on the unlock prompt: hidden for the rest of the page's life.
  let promptHidden = false;
  // The id of a key pair this page is storing: the server's key frame for it comes back
  // to this page too, perhaps before the PUT's answer.
  let storing: string | undefined;
  const cache = new Map<number, { key: UserKey; at: number }>();
  const channels = new Map<number, { keys: Map<number, UserKey>; at: number }>();
  let escrow: { at: number; key: { key_id: string; public_key: string } | null } | undefined;
  const pins = loadPins();
  let state: KeyringState = { status: 'loading', busy: false, changed: changedIds() };
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
      if (v && typeof v.pins === 'object' && typeof v.changed === 'object' && v.pins && v.changed) return { pins: v.pins, changed: v.changed };
    } catch {
      /* unreadable: start again */
    }
    return { pins: {}, changed: {} };
  }
  function savePins() {
    try {
      storage?.setItem(pinsKey(me.id), JSON.stringify(pins));
    } catch {
      /* storage full or off: pins hold for this page */
    }
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
          dirty = true;
        }
      } else if (pins.changed[id] !== undefined) {
        delete pins.changed[id]; // back to the key pinned
        dirty = true;
      }
    }
    if (dirty) {
      savePins();
      set({ changed: changedIds() });
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
    retryPassword = undefined;
    set({ status: 'ready', keyId: k.key_id, busy: false, wrongPassword: false, error: undefined });
  }

  /** Wraps `key` (whose public half is `publicKey`) with the password and stores it. */
  async function put(publicKey: string, keyId: string, key: Uint8Array, password: string) {
    const w = await c.wrapPrivateKey(key, password, me.id, keyId);
    await api.putMyKey({ public_key: publicKey, wrapped_private: w.wrapped, kdf_salt: w.salt, kdf_iterations: w.iterations });
    mine = { user_id: me.id, key_id: keyId, public_key: publicKey, created_at: new Date(now()).toISOString(), wrapped_private: w.wrapped, kdf_salt: w.salt, kdf_iterations: w.iterations };
  }

  /** A new key pair, wrapped with the password, stored on the server and this device. */
  async function create(password: string) {
    const pair = await c.generateKeyPair();
    const keyId = await c.keyIdOf(pair.publicKey);
    storing = keyId;
    await put(c.b64u(pair.publicKey), keyId, pair.privateKey, password);
    cache.delete(me.id);
    channels.clear(); // they hold the old public key
    await keepOnDevice(keyId, pair.privateKey);
    unlocked({ key_id: keyId }, pair.privateKey);
  }

  async function tryUnwrap(k: MyKey, password: string): Promise<Uint8Array | null> {
    try {
      return await c.unwrapPrivateKey(wrappedOf(k), password, me.id, k.key_id);
    } catch {
      return null;
    }
  }

  function failed(err: unknown) {
    set({ status: priv ? 'ready' : 'error', busy: false, error: toUiError(err, now()) });
  }

  /** At the shell's start: with the password when the person just typed it. */
  async function start(password?: string): Promise<void> {
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
      retryPassword = password;
      failed(err);
      return;
    }
    mine = server;
    try {
      if (!server) {
        if (password) await create(password);
        else {
          priv = null;
          set({ status: 'none', busy: false });
        }
        return;
      }
      const dev = await deviceCopy();
      const devMatches = dev && dev.keyId === server.key_id ? dev : null;
      if (password) {
        const key = await tryUnwrap(server, password);
        if (key) {
          if (!devMatches) await keepOnDevice(server.key_id, key);
          unlocked(server, key);
          return;
        }
        if (devMatches) {
          // The password was reset by an administrator: the device still holds the key.
          await put(server.public_key, server.key_id, devMatches.privateKey, password);
          unlocked(server, devMatches.privateKey);
          return;
        }
        priv = null;
        set({ status: 'locked', keyId: server.key_id, busy: false, wrongPassword: true });
        return;
      }
      if (devMatches) {
        unlocked(server, devMatches.privateKey);
        return;
      }
      priv = null;
      set({ status: 'locked', keyId: server.key_id, busy: false });
    } catch (err) {
      retryPassword = password;
      failed(err);
    }
  }

  /** The small prompt's password: unlocks the key, or makes the first one. */
  async function unlock(password: string): Promise<void> {
    if (state.busy || state.status === 'ready') return;
    if (state.status === 'error' || state.status === 'loading') return start(password);
    set({ busy: true, error: undefined, wrongPassword: false });
    try {
      const server = await api.myKey();
      mine = server;
      if (!server) {
        await create(password);
        return;
      }
      const key = await tryUnwrap(server, password);
      if (!key) {
        set({ status: 'locked', keyId: server.key_id, busy: false, wrongPassword: true });
        return;
      }
      await keepOnDevice(server.key_id, key);
      unlocked(server, key);
    } catch (err) {
      failed(err);
    }
  }

  /** 我 → 创建新的加密密钥: a new pair replaces the lost one (files sent to the old key
   * can no longer be opened). */
  async function createNew(password: string): Promise<void> {
    if (state.busy) return;
    set({ busy: true, error: undefined, wrongPassword: false });
    try {
      await create(password);
    } catch (err) {
      failed(err);
    }
  }

  /** The password changed (我, or the forced change): wrap the key with the new one. */
  async function passwordChanged(current: string, next: string): Promise<void> {
    let key = priv;
    let server = mine;
    try {
      if (!key) {
        server = await api.myKey();
        mine = server;
        if (!server) {
          await create(next);
          return;
        }
        key = await tryUnwrap(server, current);
        if (!key) return; // still locked; the new password may open nothing either
        await keepOnDevice(server.key_id, key);
        unlocked(server, key);
      }
      if (!server) return;
      await rewrap(server.public_key, server.key_id, key, next, 0);
    } catch (err) {
      failed(err);
    }
  }

  async function rewrap(publicKey: string, keyId: string, key: Uint8Array, password: string, attempt: number): Promise<void> {
    try {
      await put(publicKey, keyId, key, password);
    } catch (err) {
      const wait = REWRAP_RETRY_MS[attempt];
      if (wait === undefined || disposed) {
        // The server keeps the old wrap; the next login here wraps again from this device.
        failed(err);
        return;
      }
      setT(() => void rewrap(publicKey, keyId, key, password, attempt + 1), wait);
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
    /** Asks again after an error (the password of the failed start, if there was one). */
    retry: () => start(retryPassword),
    unlock,
    createNew,
    passwordChanged,
    promptHidden: () => promptHidden,
    hidePrompt() {
      promptHidden = true;
    },
    /** 知道了: the person accepts a colleague's new key. */
    acceptChange(userId: number) {
      const id = String(userId);
      const next = pins.changed[id];
      if (next === undefined) return;
      pins.pins[id] = next;
      delete pins.changed[id];
      savePins();
      set({ changed: changedIds() });
    },
    /** A key frame (PROTOCOL.md §7.5): someone stored a new key pair. A colleague's is
     * compared with the pinned one at once (and fetched afresh when next needed); one's
     * own, made on another device, locks this one until the password opens the new key. */
    keyFrame(e: KeyEvent) {
      if (!e || !Number.isSafeInteger(e.user_id) || typeof e.key_id !== 'string') return;
      channels.clear();
      cache.delete(e.user_id);
      if (e.user_id === me.id) {
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
      retryPassword = undefined;
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
      retryPassword = undefined;
      listeners.clear();
    },
  };
}
