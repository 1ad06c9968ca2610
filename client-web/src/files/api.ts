// REST wrappers of the files and keys endpoints (PROTOCOL.md §4.15–4.17): uploads in
// parts, wrapped file keys, and the users' and the organisation's public keys. Every
// failure is the app's ApiError, like every other call.

import { ApiError, CLIENT_CODES, errorFrom, type FetchLike, type Request } from '../api';
import type { EscrowKey, MyKey, PostFileKeysRequest, PutMyKeyRequest, Upload, UserKey } from './types';

/** User ids asked in one GET /keys?users=…: keeps the address short. */
export const KEY_LOOKUP_CHUNK = 100;

export interface FilesApi {
  /** POST /uploads: every limit is checked here, before a byte is stored. */
  createUpload(size: number): Promise<Upload>;
  /** GET /uploads/{id}: which parts the server holds (resume). */
  upload(id: string): Promise<Upload>;
  /** PUT /uploads/{id}/parts/{n}: the part's bytes, with their SHA-256 in Content-Digest. */
  putPart(id: string, n: number, bytes: Uint8Array, signal?: AbortSignal): Promise<void>;
  /** POST /uploads/{id}/complete with the whole ciphertext's SHA-256 (lowercase hex). */
  complete(id: string, sha256Hex: string): Promise<Upload>;
  /** DELETE /uploads/{id}. */
  cancel(id: string): Promise<void>;

  /** GET /me/key; null before the person's first key. */
  myKey(): Promise<MyKey | null>;
  /** PUT /me/key: a new key pair, or the same one wrapped with a new password. */
  putMyKey(k: PutMyKeyRequest): Promise<void>;
  /** GET /keys?users=…, in chunks; people without a key are absent. */
  keys(userIds: readonly number[]): Promise<UserKey[]>;
  /** GET /channels/{id}/keys: the members' public keys. */
  channelKeys(channelId: number): Promise<UserKey[]>;
  /** GET /keys/escrow; null when the organisation has none. */
  escrowKey(): Promise<EscrowKey | null>;
  /** GET /keys/account-recovery; null when the organisation has none (issue 12). */
  recoveryKey(): Promise<EscrowKey | null>;
  /** POST /files/{id}/keys: at most protocol.MaxFileKeysPerPost keys a call. */
  postFileKeys(blobId: string, body: PostFileKeysRequest): Promise<void>;
}

type Digest = (bytes: Uint8Array) => Promise<Uint8Array>;

const webDigest: Digest = async (bytes) => new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));

/** Standard base64 with padding: an RFC 8941 byte sequence, as Content-Digest wants. */
export function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** `sha-256=:…:` (RFC 9530) of a part. */
export async function contentDigest(bytes: Uint8Array, digest: Digest = webDigest): Promise<string> {
  return `sha-256=:${base64(await digest(bytes))}:`;
}

const seg = encodeURIComponent;

async function orNull<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof ApiError && e.code === 'not_found') return null;
    throw e;
  }
}

/** The wrappers over the app's request function; the part upload (a binary body with a
 * header and an abort signal) goes through `fetchFn` itself. */
export function createFilesApi(
  request: Request,
  fetchFn: FetchLike = (i, init) => fetch(i, init),
  base = '/api/v1',
  digest: Digest = webDigest,
): FilesApi {
  return {
    createUpload: (size) => request<Upload>('POST', '/uploads', { size }),
    upload: (id) => request<Upload>('GET', `/uploads/${seg(id)}`),
    async putPart(id, n, bytes, signal) {
      const init: RequestInit = {
        method: 'PUT',
        credentials: 'same-origin',
        cache: 'no-store',
        headers: {
          Accept: 'application/json',
          'Content-Type': 'application/octet-stream',
          'Content-Digest': await contentDigest(bytes, digest),
        },
        body: bytes as Uint8Array<ArrayBuffer>,
        signal,
      };
      let res: Response;
      try {
        res = await fetchFn(`${base}/uploads/${seg(id)}/parts/${n}`, init);
      } catch (err) {
        // An abort is the caller's own doing: let it through as it is.
        if (signal?.aborted) throw signal.reason ?? err;
        throw new ApiError(0, CLIENT_CODES.network, err instanceof Error ? err.message : String(err));
      }
      if (!res.ok) throw await errorFrom(res);
    },
    complete: (id, sha256) => request<Upload>('POST', `/uploads/${seg(id)}/complete`, { sha256 }),
    cancel: (id) => request<void>('DELETE', `/uploads/${seg(id)}`),

    myKey: () => orNull(request<MyKey>('GET', '/me/key')),
    async putMyKey(k) {
      await request<unknown>('PUT', '/me/key', k);
    },
    async keys(userIds) {
      const ids = [...new Set(userIds)].filter((x) => Number.isSafeInteger(x) && x > 0).sort((a, b) => a - b);
      const out: UserKey[] = [];
      for (let i = 0; i < ids.length; i += KEY_LOOKUP_CHUNK) {
        const part = ids.slice(i, i + KEY_LOOKUP_CHUNK);
        const res = await request<{ keys: UserKey[] }>('GET', `/keys?users=${part.join(',')}`);
        out.push(...(res.keys ?? []));
      }
      return out;
    },
    async channelKeys(channelId) {
      const res = await request<{ keys: UserKey[] }>('GET', `/channels/${channelId}/keys`);
      return res.keys ?? [];
    },
    escrowKey: () => orNull(request<EscrowKey>('GET', '/keys/escrow')),
    recoveryKey: () => orNull(request<EscrowKey>('GET', '/keys/account-recovery')),
    async postFileKeys(blobId, body) {
      await request<unknown>('POST', `/files/${seg(blobId)}/keys`, body);
    },
  };
}
