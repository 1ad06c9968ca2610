// The Sharer (keyring.ts): wraps a file's keys to each recipient's public key, bound to
// the blob, the context and the recipient (E2E.md §3), adds the organisation's escrow
// wrap when it has an escrow key, and posts them in batches the server takes.

import type { FileKeys, WrapBinding } from '../e2e';
import type { FilesApi } from './api';
import type { Keyring, Sharer } from './keyring';
import type { FileKey, UserKey } from './types';

/** protocol.MaxFileKeysPerPost */
export const MAX_FILE_KEYS_PER_POST = 1000;

export interface ShareCrypto {
  wrapFileKeys(recipientPublic: Uint8Array, keys: FileKeys, b: WrapBinding): Promise<string>;
  fromB64u(s: string): Uint8Array;
}

export interface ShareDeps {
  keyring: Pick<Keyring, 'publicKeys' | 'escrowKey'>;
  api: Pick<FilesApi, 'postFileKeys'>;
  crypto: ShareCrypto;
  batch?: number;
}

export interface ShareResult {
  /** Wraps posted, the escrow's included. */
  wrapped: number;
  /** Recipients without a key yet (never signed in on the web client): they cannot open
   * this file until it is shared with them again. */
  missing: number[];
}

export type ShareOptions = Parameters<Sharer['share']>[0] & {
  /** Public keys the caller already holds (a notice's audience, answered by POST
   * /notices/audience/keys): those recipients are wrapped to these, not looked up again. */
  publicKeys?: ReadonlyMap<number, UserKey>;
  /** Told how many wraps of this share are made so far (the escrow's included), as they
   * are made: a large audience's progress. */
  onWrapped?: (done: number) => void;
};

/** The Sharer, and the same work answering who could not be given the keys. */
export interface CountingSharer extends Sharer {
  shareCounting(o: ShareOptions): Promise<ShareResult>;
}

export function createSharer(deps: ShareDeps): CountingSharer {
  const batch = Math.max(1, Math.min(deps.batch ?? MAX_FILE_KEYS_PER_POST, MAX_FILE_KEYS_PER_POST));
  async function shareCounting({ blobId, keys, context, recipients, publicKeys: given, onWrapped }: ShareOptions): Promise<ShareResult> {
    const ids = [...new Set(recipients)];
    const ask = given ? ids.filter((id) => !given.has(id)) : ids;
    const [fetched, escrow] = await Promise.all([ask.length ? deps.keyring.publicKeys(ask) : new Map<number, UserKey>(), deps.keyring.escrowKey()]);
    const pub = (id: number) => given?.get(id) ?? fetched.get(id);
    const missing = ids.filter((id) => !pub(id));
    const targets: { userId: number; keyId: string; publicKey: string }[] = [];
    // The escrow wrap goes in the first batch: a send is refused until it is there.
    if (escrow) targets.push({ userId: 0, keyId: escrow.key_id, publicKey: escrow.public_key });
    for (const id of ids) {
      const k = pub(id);
      if (k) targets.push({ userId: id, keyId: k.key_id, publicKey: k.public_key });
    }
    let wrapped = 0;
    let made = 0;
    for (let i = 0; i < targets.length; i += batch) {
      const part = targets.slice(i, i + batch);
      const out: FileKey[] = await Promise.all(
        part.map(async (t) => {
          const w = await deps.crypto.wrapFileKeys(deps.crypto.fromB64u(t.publicKey), keys, {
            blobId,
            context,
            userId: t.userId,
            keyId: t.keyId,
          });
          onWrapped?.(++made);
          return { blob_id: blobId, context, user_id: t.userId, key_id: t.keyId, wrapped: w };
        }),
      );
      await deps.api.postFileKeys(blobId, { context, keys: out });
      wrapped += out.length;
    }
    return { wrapped, missing };
  }
  return {
    shareCounting,
    async share(o) {
      await shareCounting(o);
    },
  };
}
