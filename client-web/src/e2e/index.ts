// The end-to-end encryption of files (protocol/E2E.md), on WebCrypto with @hpke/core.
// SEAM STUB written by the lead so the client helpers compile against one API; the
// e2e-ts helper replaces every body (and may split this into files re-exported here).

/** What record 0 of a file carries (E2E.md §2.3). */
export interface FileMeta {
  name: string;
  type: string;
  size: number;
  /** The thumbnail's blob id, for a picture. */
  thumb?: string;
  width?: number;
  height?: number;
}

/** The keys one wrap carries: the file key and, for a picture, the thumbnail's key. */
export interface FileKeys {
  file: Uint8Array;
  thumb?: Uint8Array;
}

/** What a wrap is bound to (E2E.md §3): blob, context ("channel:<id>" or "notice"), recipient. */
export interface WrapBinding {
  blobId: string;
  context: string;
  userId: number; // 0: the escrow key
  keyId: string;
}

/** A file being encrypted: any byte range of its ciphertext can be produced again (resume). */
export interface EncryptedFile {
  header: Uint8Array;
  /** base64url of the key commitment (also inside header). */
  commitment: string;
  /** Ciphertext bytes in all. */
  size: number;
  /** The ciphertext bytes [start, end), made from the source on demand. */
  range(start: number, end: number): Promise<Uint8Array>;
}

const todo = (name: string): never => {
  throw new Error(`e2e.${name} is not built yet`);
};

export function newFileKey(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(32));
}
export function paddedSize(_n: number): number { return todo('paddedSize'); }
export function ciphertextSize(_plainSize: number): number { return todo('ciphertextSize'); }
export async function encryptFile(_key: Uint8Array, _meta: FileMeta, _data: Blob): Promise<EncryptedFile> { return todo('encryptFile'); }
/** Decrypts a whole ciphertext stream: verifies every record, ends with an error on any damage. */
export function decryptStream(_key: Uint8Array, _commitment: string): { meta: Promise<FileMeta>; stream: TransformStream<Uint8Array, Uint8Array> } { return todo('decryptStream'); }
/** Reads only the header and record 0 (the first HEADER + META record bytes). */
export async function readMeta(_key: Uint8Array, _commitment: string, _first: Uint8Array): Promise<FileMeta> { return todo('readMeta'); }
/** The ciphertext bytes a client fetches to read record 0: header + sealed metadata. */
export const META_PREFIX_BYTES = 53 + 4096 + 16;
export async function wrapFileKeys(_recipientPublic: Uint8Array, _keys: FileKeys, _b: WrapBinding): Promise<string> { return todo('wrapFileKeys'); }
export async function unwrapFileKeys(_privateKey: Uint8Array, _wrapped: string, _b: WrapBinding): Promise<FileKeys> { return todo('unwrapFileKeys'); }
export async function generateKeyPair(): Promise<{ publicKey: Uint8Array; privateKey: Uint8Array }> { return todo('generateKeyPair'); }
export function keyIdOf(_publicKey: Uint8Array): Promise<string> { return todo('keyIdOf'); }
export interface WrappedPrivate { wrapped: string; salt: string; iterations: number }
export async function wrapPrivateKey(_priv: Uint8Array, _password: string, _userId: number, _keyId: string, _salt?: Uint8Array, _iterations?: number): Promise<WrappedPrivate> { return todo('wrapPrivateKey'); }
export async function unwrapPrivateKey(_w: WrappedPrivate, _password: string, _userId: number, _keyId: string): Promise<Uint8Array> { return todo('unwrapPrivateKey'); }
export function b64u(_bytes: Uint8Array): string { return todo('b64u'); }
export function fromB64u(_s: string): Uint8Array { return todo('fromB64u'); }
/** A file was damaged or tampered with (any authentication failure, truncation, extension). */
export class DamagedFileError extends Error {}
