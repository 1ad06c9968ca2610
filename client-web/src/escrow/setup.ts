// Setting the organisation's escrow key from the security officer's browser
// (PROTOCOL.md §4.17, E2E.md §5): either a pair made here — the private key offered once
// as a file to keep offline, zeroed as soon as the browser has it, and set only after
// the officer proves they saved it by typing the key id's last four characters — or a
// public key made offline with `govchat e2e keygen` and pasted. Replacing a key asks for
// an acknowledgement: files sent before keep their wrap to the old key, which only the
// old private key opens. The private key never leaves the page except as that file.

import type { Request } from '../api';
import * as e2e from '../e2e';
import type { EscrowKey, SetEscrowKeyRequest } from '../files/types';
import { confirms, keyFileBytes, keyFileName, parsePublicKey } from './keyfile';

export type SetupState =
  | { step: 'idle' }
  /** A pair made here; its private key is still in memory, not yet saved. */
  | { step: 'generated'; keyId: string; publicKey: string }
  /** The key file was handed to the browser and the private key zeroed: confirm, then set. */
  | { step: 'saved'; keyId: string; publicKey: string }
  /** A public key pasted (made offline): check its id, then set. */
  | { step: 'pasted'; keyId: string; publicKey: string };

export interface SetupDeps {
  request: Request;
  /** Where the public half is set: the escrow key (default) or, for issue 12, the
   * account-recovery key (`/admin/account-recovery-key`). */
  endpoint?: string;
  /** The key file's name for a key id (default govchat-escrow-<id>.key). */
  fileName?: (keyId: string) => string;
  /** Hands the key file to the browser (an <a download>); the bytes are zeroed after it returns. */
  save(name: string, bytes: Uint8Array): void;
  crypto?: Pick<typeof e2e, 'generateKeyPair' | 'keyIdOf' | 'b64u'>;
}

export interface EscrowSetup {
  getState(): SetupState;
  subscribe(fn: () => void): () => void;
  /** 生成托管密钥: a new pair in this page. */
  generate(): Promise<void>;
  /** 下载私钥文件: offer the file once, then forget the private key. */
  saveKeyFile(): void;
  /** 使用已有公钥: a key pasted; throws EscrowInputError for one that is not a key. */
  paste(text: string): Promise<void>;
  /** Whether set() may go: the last four typed (a pair made here) and, when a key is
   * set already, the replacement acknowledged. */
  ready(typed: string, current: EscrowKey | null, replaceAcknowledged: boolean): boolean;
  /** PUT /admin/escrow-key; back to idle once set. */
  set(typed: string, current: EscrowKey | null, replaceAcknowledged: boolean): Promise<EscrowKey>;
  /** Throw away what was begun (the private key zeroed). */
  cancel(): void;
  /** Leaving the page: as cancel, and no more updates. */
  dispose(): void;
}

export function createEscrowSetup(deps: SetupDeps): EscrowSetup {
  const c = deps.crypto ?? e2e;
  let state: SetupState = { step: 'idle' };
  let privateKey: Uint8Array | undefined;
  const listeners = new Set<() => void>();
  const emit = () => {
    for (const fn of listeners) fn();
  };
  const go = (s: SetupState) => {
    state = s;
    emit();
  };
  const forget = () => {
    privateKey?.fill(0);
    privateKey = undefined;
  };

  const setup: EscrowSetup = {
    getState: () => state,
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    async generate() {
      forget();
      const pair = await c.generateKeyPair();
      privateKey = pair.privateKey;
      const keyId = await c.keyIdOf(pair.publicKey);
      go({ step: 'generated', keyId, publicKey: c.b64u(pair.publicKey) });
    },
    saveKeyFile() {
      if (state.step !== 'generated' || !privateKey) return;
      const bytes = keyFileBytes(privateKey);
      try {
        deps.save((deps.fileName ?? keyFileName)(state.keyId), bytes);
      } finally {
        bytes.fill(0);
        forget();
      }
      go({ step: 'saved', keyId: state.keyId, publicKey: state.publicKey });
    },
    async paste(text) {
      const k = await parsePublicKey(text);
      forget();
      go({ step: 'pasted', keyId: k.keyId, publicKey: k.publicKey });
    },
    ready(typed, current, ack) {
      if (current && current.key_id !== keyIdOfState() && !ack) return false;
      if (state.step === 'saved') return confirms(state.keyId, typed);
      return state.step === 'pasted';
    },
    async set(typed, current, ack) {
      if (!setup.ready(typed, current, ack)) throw new Error('escrow: not ready to set the key');
      const s = state as Extract<SetupState, { publicKey: string }>;
      const body: SetEscrowKeyRequest = { public_key: s.publicKey };
      const key = await deps.request<EscrowKey>('PUT', deps.endpoint ?? '/admin/escrow-key', body);
      go({ step: 'idle' });
      return key;
    },
    cancel() {
      forget();
      go({ step: 'idle' });
    },
    dispose() {
      forget();
      listeners.clear();
      state = { step: 'idle' };
    },
  };
  const keyIdOfState = () => ('keyId' in state ? state.keyId : undefined);
  return setup;
}

/** The browser's way of saving the key file: a download of an object URL made from a copy
 * of the bytes (a Blob), revoked a second after the click, once the browser has read it. */
export function browserSave(name: string, bytes: Uint8Array): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // Revoked on the next turn: Chromium reads the URL when the click is handled.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
