// 案件调取: the security officer opens one file for a case (PROTOCOL.md §4.17). The server
// records the open (case number, reason) and answers the file's escrow wrap; the officer
// then loads the escrow private key file into this page, which unwraps the file key
// (binding: user 0, the wrap's context and key id, the blob) and hands the download code
// (files/download.ts) an opener that decrypts with it, checking the commitment and every
// record as any recipient's browser does. The server lets the officer fetch that
// ciphertext for 30 minutes after the open.

import { ApiError, type FetchLike, type Request } from '../api';
import * as e2e from '../e2e';
import type { DownloadOpener } from '../files/download';
import { FileOpenError, readAtMost, type FileMeta, type OpenedFile } from '../files/open';
import type { Attachment, EscrowOpen, EscrowOpenRequest } from '../files/types';
import { keyIdOfPrivate } from './keyfile';

export const BLOB_ID = /^[0-9a-f]{32}$/;
export const MAX_CASE_NUMBER = 64;
export const MAX_REASON = 500;

/** The form's fields, as typed. */
export interface CaseForm {
  blobId: string;
  caseNumber: string;
  reason: string;
}

export type CaseField = 'blob_id' | 'case_number' | 'reason';
export type CaseProblem = 'required' | 'blob_id_format' | 'too_long' | 'control';

/** A file id as people paste it: spaces and a line break around it, capitals from a
 * document. The server wants 32 lowercase hex digits. */
export function normaliseBlobId(s: string): string {
  return s.replace(/\s+/g, '').toLowerCase();
}

/** Control and direction-override characters, which the server refuses in a case's texts
 * (line breaks and tabs are allowed in the reason). */
function hasControl(s: string, multiline: boolean): boolean {
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (multiline && (ch === '\n' || ch === '\r' || ch === '\t')) continue;
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) return true;
  }
  return false;
}

/** The first problem of the form (the order of its fields), or undefined when the server
 * would take it. Lengths are in characters, as the server counts them. */
export function checkCaseForm(f: CaseForm): { field: CaseField; problem: CaseProblem } | undefined {
  const id = normaliseBlobId(f.blobId);
  if (!id) return { field: 'blob_id', problem: 'required' };
  if (!BLOB_ID.test(id)) return { field: 'blob_id', problem: 'blob_id_format' };
  const caseNo = f.caseNumber.trim();
  if (!caseNo) return { field: 'case_number', problem: 'required' };
  if ([...caseNo].length > MAX_CASE_NUMBER) return { field: 'case_number', problem: 'too_long' };
  if (hasControl(caseNo, false)) return { field: 'case_number', problem: 'control' };
  const reason = f.reason.trim();
  if (!reason) return { field: 'reason', problem: 'required' };
  if ([...reason].length > MAX_REASON) return { field: 'reason', problem: 'too_long' };
  if (hasControl(reason, true)) return { field: 'reason', problem: 'control' };
  return undefined;
}

/** POST /files/{id}/escrow-open: audited by the server before it answers. */
export function escrowOpen(request: Request, f: CaseForm): Promise<EscrowOpen> {
  const body: EscrowOpenRequest = { case_number: f.caseNumber.trim(), reason: f.reason.trim() };
  return request<EscrowOpen>('POST', `/files/${normaliseBlobId(f.blobId)}/escrow-open`, body);
}

/** What the page says went wrong after the open: each worded for people (escrow.ts). */
export type EscrowOpenErrorCode =
  | 'wrong_key' // the key file is not the escrow key this file was wrapped to
  | 'wrap_damaged' // the key file is the right one, yet the wrap does not open: changed on the server
  | 'thumbnail'; // the id is a picture's thumbnail: open the picture itself

export class EscrowOpenError extends Error {
  readonly code: EscrowOpenErrorCode;
  /** For wrong_key: the escrow key the file was wrapped to, and the key file's. */
  readonly wantKeyId?: string;
  readonly gotKeyId?: string;
  constructor(code: EscrowOpenErrorCode, extra: { wantKeyId?: string; gotKeyId?: string } = {}) {
    super(`escrow: ${code}`);
    this.name = 'EscrowOpenError';
    this.code = code;
    this.wantKeyId = extra.wantKeyId;
    this.gotKeyId = extra.gotKeyId;
  }
}

/** The file the officer asked for is a picture's thumbnail (the open answered its picture). */
export function isThumbnailOpen(asked: string, open: EscrowOpen): boolean {
  const id = normaliseBlobId(asked);
  return open.attachment.blob_id !== id && open.attachment.thumb_blob_id === id;
}

/**
 * The file key of an escrow open, unwrapped with the escrow private key. The key file is
 * matched to the wrap's key id first, so a wrong file says so rather than failing as a
 * damaged wrap. The private key is the caller's to zero.
 */
export async function unwrapEscrow(open: EscrowOpen, privateKey: Uint8Array, c: Pick<typeof e2e, 'unwrapFileKeys'> = e2e): Promise<e2e.FileKeys> {
  const gotKeyId = await keyIdOfPrivate(privateKey);
  if (gotKeyId !== open.key.key_id) throw new EscrowOpenError('wrong_key', { wantKeyId: open.key.key_id, gotKeyId });
  try {
    return await c.unwrapFileKeys(privateKey, open.key.wrapped, {
      blobId: open.key.blob_id,
      context: open.key.context,
      userId: 0,
      keyId: open.key.key_id,
    });
  } catch {
    throw new EscrowOpenError('wrap_damaged');
  }
}

export interface EscrowOpenerDeps {
  fetch: FetchLike;
  base?: string;
  crypto?: Pick<typeof e2e, 'readMeta' | 'decryptStream' | 'META_PREFIX_BYTES'>;
}

/**
 * The download code's opener for one escrowed file: its metadata from the first bytes,
 * then the whole file decrypted as it streams, both with the unwrapped key and checked
 * against the attachment's commitment. `wipe` zeroes the key.
 */
export function createEscrowOpener(deps: EscrowOpenerDeps, att: Attachment, keys: e2e.FileKeys): DownloadOpener & { wipe(): void } {
  const c = deps.crypto ?? e2e;
  const base = deps.base ?? '/api/v1';
  let meta: Promise<FileMeta> | undefined;

  // The purpose is said as everywhere else (§4.15): a save under an escrow open is not
  // held to the level's download rule on the server, but the service worker streams to
  // disk only a save it saw the server allow (public/sw-download.js).
  const fetchBlob = async (init: RequestInit = {}, purpose: 'view' | 'save' = 'view'): Promise<Response> => {
    let res: Response;
    try {
      res = await deps.fetch(`${base}/files/${att.blob_id}?purpose=${purpose}`, { credentials: 'same-origin', cache: 'no-store', ...init });
    } catch (e) {
      if ((e as { name?: string })?.name === 'AbortError') throw e;
      throw new FileOpenError('failed', new ApiError(0, 'network', e instanceof Error ? e.message : String(e)));
    }
    if (!res.ok || !res.body) {
      // 404: the 30 minutes after the open are over (or the file was removed meanwhile).
      throw new FileOpenError(res.status === 404 ? 'gone' : 'failed', new ApiError(res.status, res.status === 404 ? 'not_found' : 'unavailable', `HTTP ${res.status}`));
    }
    return res;
  };

  const check = (blobId: string) => {
    if (blobId !== att.blob_id) throw new FileOpenError('failed');
  };

  return {
    meta(a) {
      check(a.blob_id);
      meta ??= (async () => {
        const n = c.META_PREFIX_BYTES;
        const res = await fetchBlob({ headers: { Range: `bytes=0-${n - 1}` } });
        const first = await readAtMost(res.body!, n);
        return c.readMeta(keys.file, att.commitment, first);
      })();
      meta.catch(() => (meta = undefined));
      return meta;
    },
    async open(a, _context, opts = {}): Promise<OpenedFile> {
      check(a.blob_id);
      const res = await fetchBlob({ signal: opts.signal }, opts.purpose ?? 'view');
      const d = c.decryptStream(keys.file, att.commitment);
      let got = 0;
      const onBytes = opts.onBytes;
      const counted = onBytes
        ? res.body!.pipeThrough(
            new TransformStream<Uint8Array, Uint8Array>({
              transform(chunk, ctl) {
                got += chunk.byteLength;
                onBytes(got);
                ctl.enqueue(chunk);
              },
            }),
          )
        : res.body!;
      d.meta.catch(() => undefined);
      return { meta: d.meta, body: counted.pipeThrough(d.stream) };
    },
    wipe() {
      keys.file.fill(0);
      keys.thumb?.fill(0);
    },
  };
}
