// The security officer's side of key recovery (issue 12; PROTOCOL.md §4.23, E2E.md §4.5–
// §4.6), 保密管理 → 密钥恢复: the pending requests; the account-recovery private key file
// loaded into this page only (never sent; refused unless its public key is the configured
// one, before anything is posted); for a request: open the person's recovery wrap, check
// the key is the private half of their published key, seal it to the request's one-time
// key and approve with a note — or reject with a note. The private keys are zeroed as soon
// as they are used, and the key file's when the page is left.

import { ApiError, type Request } from '../api';
import { keyIdOfPrivate, parseKeyFile } from '../escrow/keyfile';
import type { FilesApi } from '../files/api';
import type { AccountRecoveryKey, ApproveKeyRecoveryRequest, KeyRecoveries, KeyRecovery, RejectKeyRecoveryRequest } from './types';

/** Why an approval was refused here, before anything was posted. */
export type OfficerErrorCode =
  | 'key_wrong' // the key file is not the configured account-recovery key
  | 'key_old' // the request's wrap is to another (older) recovery key
  | 'no_key_file' // no key file loaded
  | 'no_wrap' // the person has no recovery wrap
  | 'wrap_bad'; // the wrap does not open, or not to the person's published key

export class OfficerRecoveryError extends Error {
  readonly code: OfficerErrorCode;
  constructor(code: OfficerErrorCode) {
    super(`recovery: ${code}`);
    this.name = 'OfficerRecoveryError';
    this.code = code;
  }
}

export interface OfficerCrypto {
  openRecoveryWrap(recoveryPrivate: Uint8Array, wrapped: string, userId: number, keyId: string): Promise<Uint8Array>;
  sealTransfer(ephemeralPublic: Uint8Array, privateKey: Uint8Array, requestId: string, userId: number, keyId: string): Promise<string>;
  isPrivateOf(privateKey: Uint8Array, publicKey: Uint8Array): Promise<boolean>;
  fromB64u(s: string): Uint8Array;
}

export const MAX_NOTE = 200;

/** GET /keys/account-recovery; null when none is set. */
export async function currentRecoveryKey(request: Request): Promise<AccountRecoveryKey | null> {
  try {
    return await request<AccountRecoveryKey>('GET', '/keys/account-recovery');
  } catch (e) {
    if (e instanceof ApiError && e.code === 'not_found') return null;
    throw e;
  }
}

export function createOfficerRecovery(deps: { request: Request; keys: Pick<FilesApi, 'keys'>; crypto: OfficerCrypto }) {
  const { request, crypto: c } = deps;
  let loaded: { keyId: string; privateKey: Uint8Array } | undefined;

  return {
    currentKey: () => currentRecoveryKey(request),
    pending: async (): Promise<KeyRecovery[]> => (await request<KeyRecoveries>('GET', '/key-recoveries?state=pending')).recoveries ?? [],

    /** The key file's bytes: kept (in memory) only when it is the configured key. */
    async loadKeyFile(bytes: Uint8Array, current: AccountRecoveryKey | null): Promise<string> {
      const priv = parseKeyFile(bytes); // EscrowInputError('key_file_invalid') otherwise
      const id = await keyIdOfPrivate(priv);
      if (!current || id !== current.key_id) {
        priv.fill(0);
        throw new OfficerRecoveryError('key_wrong');
      }
      loaded?.privateKey.fill(0);
      loaded = { keyId: id, privateKey: priv };
      return id;
    },
    loadedKeyId: () => loaded?.keyId,

    /** Opens, checks, seals and approves; every refusal is before the post. */
    async approve(rec: KeyRecovery, note: string): Promise<KeyRecovery> {
      if (!loaded) throw new OfficerRecoveryError('no_key_file');
      if (!rec.recovery_wrap || !rec.recovery_key_id) throw new OfficerRecoveryError('no_wrap');
      if (rec.recovery_key_id !== loaded.keyId) throw new OfficerRecoveryError('key_old');
      const published = (await deps.keys.keys([rec.user_id])).find((k) => k.user_id === rec.user_id);
      if (!published || published.key_id !== rec.key_id) throw new OfficerRecoveryError('wrap_bad');
      let priv: Uint8Array;
      try {
        priv = await c.openRecoveryWrap(loaded.privateKey, rec.recovery_wrap, rec.user_id, rec.key_id);
      } catch {
        throw new OfficerRecoveryError('wrap_bad');
      }
      try {
        if (!(await c.isPrivateOf(priv, c.fromB64u(published.public_key)))) throw new OfficerRecoveryError('wrap_bad');
        const sealed = await c.sealTransfer(c.fromB64u(rec.ephemeral_public), priv, String(rec.id), rec.user_id, rec.key_id);
        const body: ApproveKeyRecoveryRequest = { sealed, recovery_key_id: loaded.keyId };
        if (note.trim()) body.note = note.trim();
        return await request<KeyRecovery>('POST', `/key-recoveries/${rec.id}/approve`, body);
      } finally {
        priv.fill(0);
      }
    },

    reject(rec: KeyRecovery, note: string): Promise<KeyRecovery> {
      const body: RejectKeyRecoveryRequest = note.trim() ? { note: note.trim() } : {};
      return request<KeyRecovery>('POST', `/key-recoveries/${rec.id}/reject`, body);
    },

    /** Leaving the page: the key file's private key zeroed. */
    forgetKey() {
      loaded?.privateKey.fill(0);
      loaded = undefined;
    },
  };
}

export type OfficerRecovery = ReturnType<typeof createOfficerRecovery>;
