// The seam between sending and viewing files: the person's key pair in this browser
// (E2E.md §4; implemented in keyring-impl.ts — made at first sign-in, unlocked with the
// password at login or from this device's non-extractable key in IndexedDB, colleagues'
// public keys pinned and a change flagged) and the Sharer that wraps file keys.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
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
  /** Calls fn whenever privateKey() may have changed — unlocked once the login's PBKDF2
   * is done or the unlock prompt answered, forgotten at logout — so a view that found it
   * locked can try again by itself. Answers the unsubscribe. (Added by files-send.) */
  subscribe?(fn: () => void): () => void;
}

/** Wraps file keys for everyone of a context and posts them (POST /api/v1/files/{id}/keys). */
export interface Sharer {
  /** recipients: user ids (the escrow wrap is added when the organisation has a key). */
  share(opts: { blobId: string; keys: { file: Uint8Array; thumb?: Uint8Array }; context: string; recipients: number[] }): Promise<void>;
}

/** What the shell provides to every files screen (files-send builds it, files-view reads it). */
export interface Files {
  keyring: Keyring;
  sharer: Sharer;
}

/** Set by the shell once the keyring exists; undefined before (and in tests that need none). */
export const FilesContext = createContext<Files | undefined>(undefined);

export function useFiles(): Files | undefined {
  return useContext(FilesContext);
}

export type { FileKey };
