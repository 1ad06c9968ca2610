// Test kit of the viewing side (imported by *.test.ts only): real files sealed with the e2e
// library, keys really wrapped to a person, and a small fake of the server's file
// endpoints (GET /api/v1/file-keys, GET /api/v1/files/{id} with Range) that counts what
// it is asked.

import type { FetchLike } from '../api';
import * as e2e from '../e2e';
import { bytesOf as e2eBytesOf } from '../e2e/testing';
import type { Keyring } from './keyring';
import type { Attachment, FileKey } from './types';

export interface Person {
  userId: number;
  keyId: string;
  publicKey: Uint8Array;
  privateKey: Uint8Array;
}

export async function person(userId: number): Promise<Person> {
  const kp = await e2e.generateKeyPair();
  return { userId, keyId: await e2e.keyIdOf(kp.publicKey), ...kp };
}

/** A keyring of one person; `locked` makes privateKey() answer null. */
export function keyringOf(p: Person, state: { locked?: boolean } = {}): Keyring {
  return {
    userId: p.userId,
    privateKey: () => (state.locked ? null : p.privateKey),
    publicKeys: async () => new Map(),
    channelKeys: async () => new Map(),
    escrowKey: async () => null,
    changedKeys: () => [],
  };
}

export function blobId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

export interface Sealed {
  att: Attachment;
  key: Uint8Array;
  ct: Uint8Array;
  thumbKey?: Uint8Array;
  thumbCt?: Uint8Array;
}

/** Encrypts bytes as a file (and, for a picture, a thumbnail) exactly as a sender would. */
export async function seal(opts: { name: string; type: string; bytes: Uint8Array; thumb?: Uint8Array; width?: number; height?: number }): Promise<Sealed> {
  const id = blobId();
  let thumbId: string | undefined;
  let thumbKey: Uint8Array | undefined;
  let thumbCt: Uint8Array | undefined;
  if (opts.thumb) {
    thumbId = blobId();
    thumbKey = e2e.newFileKey();
    const te = await e2e.encryptFile(thumbKey, { name: 'thumb.jpg', type: 'image/jpeg', size: opts.thumb.byteLength }, new Blob([opts.thumb as Uint8Array<ArrayBuffer>]));
    thumbCt = await te.range(0, te.size);
  }
  const key = e2e.newFileKey();
  const meta: e2e.FileMeta = { name: opts.name, type: opts.type, size: opts.bytes.byteLength };
  if (thumbId) meta.thumb = thumbId;
  if (opts.width) meta.width = opts.width;
  if (opts.height) meta.height = opts.height;
  const enc = await e2e.encryptFile(key, meta, new Blob([opts.bytes as Uint8Array<ArrayBuffer>]));
  const ct = await enc.range(0, enc.size);
  const att: Attachment = { blob_id: id, size: ct.byteLength, commitment: enc.commitment };
  if (thumbId && thumbCt) {
    att.thumb_blob_id = thumbId;
    att.thumb_size = thumbCt.byteLength;
  }
  return { att, key, ct, thumbKey, thumbCt };
}

/** My wrapped key row of a sealed file in a context. */
export async function wrapFor(s: Sealed, p: Person, context: string): Promise<FileKey> {
  const wrapped = await e2e.wrapFileKeys(p.publicKey, { file: s.key, thumb: s.thumbKey }, { blobId: s.att.blob_id, context, userId: p.userId, keyId: p.keyId });
  return { blob_id: s.att.blob_id, context, user_id: p.userId, key_id: p.keyId, wrapped };
}

/** The fake server: blobs by id, key rows, what was asked. */
export class FakeFiles {
  blobs = new Map<string, Uint8Array>();
  keys: FileKey[] = [];
  keyLookups: string[][] = [];
  fileGets: { id: string; range?: string; purpose?: string }[] = [];
  /** Blob ids answered 404 (not a member any more). */
  gone = new Set<string>();
  /** Blob ids whose save (?purpose=save) is refused: view-only at their secrecy level. */
  viewOnly = new Set<string>();

  add(s: Sealed, ...rows: FileKey[]): void {
    this.blobs.set(s.att.blob_id, s.ct);
    if (s.att.thumb_blob_id && s.thumbCt) this.blobs.set(s.att.thumb_blob_id, s.thumbCt);
    this.keys.push(...rows);
  }

  fetch: FetchLike = async (input, init) => {
    const url = new URL(input, 'http://x');
    const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
    if (url.pathname === '/api/v1/file-keys') {
      const ids = (url.searchParams.get('blobs') ?? '').split(',').filter(Boolean);
      this.keyLookups.push(ids);
      if (ids.length > 100) return json(400, { error: { code: 'bad_request', message: 'too many' } });
      return json(200, { keys: this.keys.filter((k) => ids.includes(k.blob_id)) });
    }
    const m = /^\/api\/v1\/files\/([0-9a-f]{32})$/.exec(url.pathname);
    if (m) {
      const id = m[1]!;
      const range = new Headers(init?.headers).get('Range') ?? undefined;
      const purpose = url.searchParams.get('purpose') ?? undefined;
      this.fileGets.push({ id, range, purpose });
      const bytes = this.blobs.get(id);
      if (!bytes || this.gone.has(id)) return json(404, { error: { code: 'not_found', message: 'no' } });
      if (purpose === 'save' && this.viewOnly.has(id)) return json(403, { error: { code: 'download_not_allowed', message: 'view only' } });
      const r = range ? /^bytes=(\d+)-(\d+)$/.exec(range) : null;
      if (r) {
        const start = Number(r[1]);
        const end = Math.min(Number(r[2]), bytes.byteLength - 1);
        return new Response(bytes.slice(start, end + 1), { status: 206, headers: { 'Content-Range': `bytes ${start}-${end}/${bytes.byteLength}` } });
      }
      return new Response(bytes.slice(), { status: 200 });
    }
    return json(404, { error: { code: 'not_found', message: 'no route' } });
  };
}

/** Deterministic bytes (the e2e tests' generator, with this kit's seed). */
export const bytesOf = (n: number, seed = 7): Uint8Array => e2eBytesOf(n, seed);
