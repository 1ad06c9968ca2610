// The device side of a device-assisted recovery (issue 12; PROTOCOL.md §4.23): on a device
// where the person is still signed in and their key is unlocked, a key_recovery frame
// (state pending, method device) for this very key pair prompts 批准在新设备上恢复密钥?
// with when, from where and from what browser it was asked. 批准 seals the private key to
// the request's one-time public key (HPKE, E2E.md §4.6) and posts the answer; 拒绝
// declines. A frame with any other state (answered by another tab or device, declined,
// expired) takes the prompt away.

import type { Request } from '../api';
import { toUiError, type UiError } from '../errors';
import type { KeyRecoveryEvent } from './types';

export interface ApproverKeyring {
  privateKey(): Uint8Array | null;
  /** This device's key id (the keyring state's), when unlocked. */
  keyId(): string | undefined;
}

export interface ApproverCrypto {
  sealTransfer(ephemeralPublic: Uint8Array, privateKey: Uint8Array, requestId: string, userId: number, keyId: string): Promise<string>;
  fromB64u(s: string): Uint8Array;
}

export interface ApproverView {
  prompts: KeyRecoveryEvent[];
  busy?: number;
  /** What the last action came to, for the status line. */
  outcome?: { kind: 'approved' | 'declined' } | { kind: 'failed'; error: UiError };
}

const KEY_ID = /^[0-9a-f]{16}$/;

export type Approver = ReturnType<typeof createApprover>;

export function createApprover(deps: { request: Request; me: { id: number }; keyring: () => ApproverKeyring | undefined; crypto: ApproverCrypto; now?: () => number }) {
  const now = deps.now ?? Date.now;
  let view: ApproverView = { prompts: [] };
  const listeners = new Set<() => void>();
  const set = (next: Partial<ApproverView>) => {
    view = { ...view, ...next };
    listeners.forEach((fn) => fn());
  };
  const without = (id: number) => view.prompts.filter((p) => p.id !== id);

  async function act(id: number, kind: 'approve' | 'decline') {
    const p = view.prompts.find((x) => x.id === id);
    if (!p || view.busy !== undefined) return;
    set({ busy: id, outcome: undefined });
    try {
      if (kind === 'approve') {
        const kr = deps.keyring();
        const priv = kr?.privateKey();
        if (!kr || !priv || kr.keyId() !== p.key_id) throw new Error('recovery: this device no longer holds the key');
        const sealed = await deps.crypto.sealTransfer(deps.crypto.fromB64u(p.ephemeral_public), priv, String(p.id), deps.me.id, p.key_id);
        await deps.request('POST', `/me/key-recoveries/${p.id}/answer`, { sealed });
        set({ prompts: without(id), busy: undefined, outcome: { kind: 'approved' } });
      } else {
        await deps.request('POST', `/me/key-recoveries/${p.id}/decline`);
        set({ prompts: without(id), busy: undefined, outcome: { kind: 'declined' } });
      }
    } catch (err) {
      // Answered elsewhere meanwhile, expired, …: the prompt goes, the reason shows.
      set({ prompts: without(id), busy: undefined, outcome: { kind: 'failed', error: toUiError(err, now()) } });
    }
  }

  return {
    getState: (): ApproverView => view,
    subscribe(fn: () => void): () => void {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    /** A key_recovery frame; true when it was one. */
    frame(e: KeyRecoveryEvent): boolean {
      if (!e || typeof e !== 'object' || !Number.isSafeInteger(e.id)) return false;
      if (e.state !== 'pending') {
        if (view.prompts.some((p) => p.id === e.id)) set({ prompts: without(e.id) });
        return true;
      }
      if (e.method !== 'device' || typeof e.ephemeral_public !== 'string' || typeof e.key_id !== 'string' || !KEY_ID.test(e.key_id)) return true;
      const kr = deps.keyring();
      // Only a device that can help asks: its key unlocked, and the very key pair asked for.
      if (!kr?.privateKey() || kr.keyId() !== e.key_id) return true;
      if (view.prompts.some((p) => p.id === e.id)) return true;
      set({ prompts: [...view.prompts, e], outcome: undefined });
      return true;
    },
    approve: (id: number) => act(id, 'approve'),
    decline: (id: number) => act(id, 'decline'),
    dismissOutcome: () => set({ outcome: undefined }),
  };
}
