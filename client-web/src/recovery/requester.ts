// The locked-key screen's state machine (issue 12; PROTOCOL.md §4.23, E2E.md §4.6): after
// an administrator reset the password, the person's key is wrapped under a password they
// no longer have. Three ways out, in this order:
//
//   在其他设备上批准 (device)  ─┐  a one-time X25519 pair E made here; POST /me/key-recoveries
//   申请保密员恢复 (officer)   ─┘  {method, E.public}; E's private half kept sealed under a
//        │                        device key in IndexedDB (a reload, even days later for the
//        ▼                        officer, picks the request up again)
//   waiting ── key_recovery frame / poll GET /me/key-recoveries/{id} ──┐
//        │  answered: open `sealed` with E, check it is the private half of the published
//        │  key, wrap it under the current password (held since the login, or asked for
//        │  once), PUT /me/key (same public key) → done; E forgotten
//        └─ declined / rejected / expired / cancelled → ended (E forgotten), choose again
//   放弃旧密钥 → a new key pair (old files need re-sharing)

import { ApiError, type Request } from '../api';
import { toUiError, type UiError } from '../errors';
import type { Credential } from '../e2e/credential';
import type { DeviceVault } from '../files/device';
import type { MyKey } from '../files/types';
import type { CreateKeyRecoveryRequest, KeyRecovery, KeyRecoveryEvent, RecoveryMethod, RecoveryState } from './types';

export type RequesterState =
  | { step: 'loading' }
  /** officer: this key has a recovery wrap (else the officer cannot help). */
  | { step: 'choose'; officer: boolean }
  | { step: 'waiting'; method: RecoveryMethod; id: number; createdAt: string; expiresAt: string }
  /** The current password's credential is not in memory (a reload): asked for once. */
  | { step: 'password'; then: 'recover' | 'abandon'; wrong?: boolean }
  | { step: 'working' }
  | { step: 'done'; how: 'recovered' | 'new' }
  | { step: 'ended'; method: RecoveryMethod; why: Exclude<RecoveryState, 'pending' | 'answered' | 'done'>; note?: string };

export interface RequesterView {
  state: RequesterState;
  error?: UiError;
  /** The key received was not the published key's private half: refused. */
  mismatch?: boolean;
}

/** What the requester needs of the keyring (files/keyring-impl.ts). */
export interface RequesterKeyring {
  myKey(): MyKey | null;
  getState(): { status: string; held?: boolean };
  recovered(key: Uint8Array, k: { key_id: string; public_key: string }, cred?: Credential): Promise<void>;
  createNew(cred?: Credential): Promise<void>;
  /** Looks at the server's wrap again with the held credential (files/keyring-impl.ts). */
  retryHeld?(): Promise<void>;
  /** Called when the keyring's state may have changed. */
  subscribe?(fn: () => void): () => void;
}

export interface RequesterCrypto {
  generateKeyPair(): Promise<{ publicKey: Uint8Array; privateKey: Uint8Array }>;
  receiveTransfer(ephemeralPrivate: Uint8Array, sealed: string, requestId: string, userId: number, keyId: string, publicKey: Uint8Array): Promise<Uint8Array>;
  b64u(b: Uint8Array): string;
  fromB64u(s: string): Uint8Array;
}

export interface RequesterDeps {
  request: Request;
  me: { id: number };
  keyring: RequesterKeyring;
  crypto: RequesterCrypto;
  /** Where the one-time private key waits (IndexedDB 'govchat-recovery', sealed under a
   * non-extractable device key). */
  vault: DeviceVault;
  /** The credential of the current password typed on the 'password' step, checked with
   * the server first (a mistyped password must not become the key's wrap); null: wrong. */
  verify(password: string): Promise<Credential | null>;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (t: unknown) => void;
}

/** How often the request is looked at while waiting (a frame says it at once). */
export const POLL_MS: Record<RecoveryMethod, number> = { device: 3_000, officer: 20_000 };

const RECORD = /^recovery:([1-9][0-9]{0,17}):(device|officer)$/;
const recordId = (id: number, method: RecoveryMethod) => `recovery:${id}:${method}`;

export type Requester = ReturnType<typeof createRequester>;

export function createRequester(deps: RequesterDeps) {
  const { request, me, keyring, crypto: c, vault } = deps;
  const setT = deps.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const clearT = deps.clearTimer ?? ((t: unknown) => clearTimeout(t as ReturnType<typeof setTimeout>));
  const now = deps.now ?? Date.now;
  let view: RequesterView = { state: { step: 'loading' } };
  const listeners = new Set<() => void>();
  let timer: unknown;
  let disposed = false;
  // The one-time key of the request being waited for (memory; its sealed copy in the vault).
  let eph: { id: number; method: RecoveryMethod; privateKey: Uint8Array } | undefined;
  // An answered request waiting for the password (a reload lost the login's credential).
  let answered: KeyRecovery | undefined;

  function set(next: Partial<RequesterView>) {
    if (disposed) return;
    view = { ...view, ...next };
    listeners.forEach((fn) => fn());
  }
  const go = (state: RequesterState, extra: Partial<RequesterView> = {}) => set({ state, error: undefined, mismatch: undefined, ...extra });

  // Unlocked meanwhile by other means — another device of the person's re-wrapped the key
  // under the new password from its own copy (files/keyring-impl.ts keyFrame): done.
  const unwatch = keyring.subscribe?.(() => {
    const step = view.state.step;
    if (keyring.getState().status !== 'ready' || (step !== 'waiting' && step !== 'choose' && step !== 'ended')) return;
    void forgetEph().then(() => go({ step: 'done', how: 'recovered' }));
  });

  const choose = () => {
    const k = keyring.myKey();
    return { step: 'choose' as const, officer: !!k?.recovery_wrap };
  };

  async function forgetEph() {
    eph?.privateKey.fill(0);
    eph = undefined;
    try {
      await vault.wipe(me.id);
    } catch {
      /* nothing kept */
    }
  }

  function schedule() {
    if (timer !== undefined) clearT(timer);
    timer = undefined;
    if (disposed || view.state.step !== 'waiting') return;
    timer = setT(() => {
      timer = undefined;
      void refresh();
    }, POLL_MS[view.state.method]);
  }

  /** What the server says of the request now. */
  async function refresh(): Promise<void> {
    if (!eph) return;
    // Another device of the person's may have wrapped the key under the new password from
    // its own copy (signing in there re-wraps at once): that unlocks here too.
    if (eph.method === 'device') await keyring.retryHeld?.().catch(() => undefined);
    if (!eph) return;
    let rec: KeyRecovery;
    try {
      rec = await request<KeyRecovery>('GET', `/me/key-recoveries/${eph.id}`);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'not_found') {
        await forgetEph();
        go(choose());
        return;
      }
      set({ error: toUiError(err, now()) });
      schedule();
      return;
    }
    await handle(rec);
  }

  async function handle(rec: KeyRecovery) {
    switch (rec.state) {
      case 'pending':
        go({ step: 'waiting', method: rec.method, id: rec.id, createdAt: rec.created_at, expiresAt: rec.expires_at });
        schedule();
        return;
      case 'answered':
        answered = rec;
        await complete();
        return;
      case 'done':
        // Completed in another tab of this browser.
        await forgetEph();
        go({ step: 'done', how: 'recovered' });
        return;
      default:
        await forgetEph();
        go({ step: 'ended', method: rec.method, why: rec.state, note: rec.note });
    }
  }

  /** Opens the answer and stores the key under the current password. */
  async function complete(cred?: Credential) {
    const rec = answered;
    const mine = keyring.myKey();
    if (!rec || !eph || !mine) return;
    if (cred === undefined && !keyring.getState().held) {
      go({ step: 'password', then: 'recover' });
      return;
    }
    go({ step: 'working' });
    let key: Uint8Array;
    try {
      if (rec.key_id !== mine.key_id || !rec.sealed) throw new Error('recovery: not this key');
      key = await c.receiveTransfer(eph.privateKey, rec.sealed, String(rec.id), me.id, mine.key_id, c.fromB64u(mine.public_key));
    } catch {
      // Not the published key's private half, or not for this request: never used.
      answered = undefined;
      await forgetEph();
      go(choose(), { mismatch: true });
      return;
    }
    try {
      await keyring.recovered(key, mine, cred);
    } catch (err) {
      // Kept for another try (the answer is given out until completed).
      key.fill(0);
      go({ step: 'password', then: 'recover' }, { error: toUiError(err, now()) });
      return;
    }
    answered = undefined;
    await forgetEph();
    go({ step: 'done', how: 'recovered' });
  }

  return {
    getState: (): RequesterView => view,
    subscribe(fn: () => void): () => void {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },

    /** On showing the screen: a request kept from before a reload, or the choice. */
    async init(): Promise<void> {
      let kept: { keyId: string; privateKey: Uint8Array } | null = null;
      try {
        kept = await vault.load(me.id);
      } catch {
        kept = null;
      }
      const m = kept ? RECORD.exec(kept.keyId) : null;
      if (!kept || !m) {
        go(choose());
        return;
      }
      eph = { id: Number(m[1]), method: m[2] as RecoveryMethod, privateKey: kept.privateKey };
      await refresh();
    },

    /** 在其他设备上批准 / 申请保密员恢复: a one-time key pair and the request. */
    async start(method: RecoveryMethod): Promise<void> {
      const s = view.state;
      if (s.step !== 'choose' && s.step !== 'ended') return;
      go({ step: 'working' });
      const pair = await c.generateKeyPair();
      const body: CreateKeyRecoveryRequest = { method, ephemeral_public: c.b64u(pair.publicKey) };
      let rec: KeyRecovery;
      try {
        rec = await request<KeyRecovery>('POST', '/me/key-recoveries', body);
      } catch (err) {
        pair.privateKey.fill(0);
        go(choose(), { error: toUiError(err, now()) });
        return;
      }
      await forgetEph();
      eph = { id: rec.id, method, privateKey: pair.privateKey };
      try {
        await vault.save(me.id, recordId(rec.id, method), pair.privateKey);
      } catch {
        // No IndexedDB: the request lasts as long as this page.
      }
      await handle(rec);
    },

    /** A key_recovery frame: about the request waited for, look now. */
    frame(e: KeyRecoveryEvent): boolean {
      if (!e || !Number.isSafeInteger(e.id) || !eph || e.id !== eph.id) return false;
      void refresh();
      return true;
    },

    /** 取消申请: this browser forgets the request (a new one replaces it on the server). */
    async cancel(): Promise<void> {
      await forgetEph();
      answered = undefined;
      go(choose());
    },

    /** 放弃旧密钥: a new key pair under the current password. */
    async abandon(cred?: Credential): Promise<void> {
      if (cred === undefined && !keyring.getState().held) {
        go({ step: 'password', then: 'abandon' });
        return;
      }
      go({ step: 'working' });
      try {
        await keyring.createNew(cred);
      } catch (err) {
        go(choose(), { error: toUiError(err, now()) });
        return;
      }
      await forgetEph();
      go({ step: 'done', how: 'new' });
    },

    /** The password asked for on the 'password' step. */
    async password(pw: string): Promise<void> {
      const s = view.state;
      if (s.step !== 'password' || !pw) return;
      go({ step: 'working' });
      let cred: Credential | null;
      try {
        cred = await deps.verify(pw);
      } catch (err) {
        go(s, { error: toUiError(err, now()) });
        return;
      }
      if (!cred) {
        go({ step: 'password', then: s.then, wrong: true });
        return;
      }
      if (s.then === 'recover') await complete(cred);
      else await this.abandon(cred);
    },

    /** Back to the choice from an ended request. */
    again() {
      go(choose());
    },

    dispose() {
      disposed = true;
      unwatch?.();
      if (timer !== undefined) clearT(timer);
      eph?.privateKey.fill(0);
      eph = undefined;
      listeners.clear();
    },
  };
}
