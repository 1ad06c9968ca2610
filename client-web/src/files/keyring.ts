// The person's key pair in this browser (E2E.md §4). SEAM STUB written by the lead; the
// files-send helper builds it: created at first sign-in, unlocked with the password at
// login or from this device's non-extractable key in IndexedDB, public keys of
// colleagues pinned (a changed key is flagged).
import type { FileKey, UserKey } from './types';

export interface Keyring {
  userId: number;
  /** The private key, or null while locked (no device copy and no password yet). */
  privateKey(): Uint8Array | null;
  /** Colleagues' public keys (fetched, pinned, cached); people without a key are absent. */
  publicKeys(userIds: number[]): Promise<Map<number, UserKey>>;
  /** The members' public keys of a channel. */
  channelKeys(channelId: number): Promise<Map<number, UserKey>>;
  /** The organisation's escrow key, or null when none is set. */
  escrowKey(): Promise<{ key_id: string; public_key: string } | null>;
  /** People whose key changed since this browser last saw it (to flag). */
  changedKeys(): number[];
}

/** Wraps file keys for everyone of a context and posts them (POST /api/v1/files/{id}/keys). */
export interface Sharer {
  share(opts: { blobId: string; keys: { file: Uint8Array; thumb?: Uint8Array }; context: string; recipients: number[] }): Promise<void>;
  /** My own wrapped keys for these blobs (GET /api/v1/file-keys), unwrapped. */
  myKeys(blobIds: string[]): Promise<Map<string, { file: Uint8Array; thumb?: Uint8Array }>>;
}

export type { FileKey };
