// Key wrapping (E2E.md §3; BRIEF §2): a file key (and a picture's thumbnail key) sealed
// with HPKE (RFC 9180) base mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM,
// to one recipient's X25519 public key, bound by the AAD to blob, context and recipient.
//
// @hpke/core does X25519 on WebCrypto; a browser without WebCrypto X25519 (Chromium before
// 133, older Safari) uses @hpke/dhkem-x25519, the same KEM on @noble/curves. Both are the
// same function of the same bytes; the tests run both.
import { Aes256Gcm, CipherSuite, DhkemX25519HkdfSha256 as NativeX25519, HkdfSha256 } from '@hpke/core';
import { DhkemX25519HkdfSha256 as NobleX25519, HkdfSha256 as NobleHkdf, X25519 } from '@hpke/dhkem-x25519';
import { b64u, concat, fromB64u, hex, src, utf8 } from './bytes';
import { KeyUnwrapError } from './errors';

/** What a wrap is bound to (E2E.md §3): blob, context ("channel:<id>" or "notice"), recipient. */
export interface WrapBinding {
  blobId: string;
  context: string;
  userId: number; // 0: the escrow key
  keyId: string;
}

/** The keys one wrap carries: the file key and, for a picture, the thumbnail's key. */
export interface FileKeys {
  file: Uint8Array;
  thumb?: Uint8Array;
}

const INFO = utf8('govchat-file-key/1');
const ENC_BYTES = 32;
const KEY_BYTES = 32;
const TAG = 16;

export type Kem = 'webcrypto' | 'noble';

function suiteOf(kem: Kem): CipherSuite {
  return new CipherSuite({
    kem: kem === 'webcrypto' ? new NativeX25519() : new NobleX25519(),
    kdf: new HkdfSha256(),
    aead: new Aes256Gcm(),
  });
}

/** Does this browser do X25519 in WebCrypto? Asked once per page. */
let chosen: Promise<CipherSuite> | null = null;
function suite(): Promise<CipherSuite> {
  chosen ??= crypto.subtle
    .generateKey({ name: 'X25519' }, true, ['deriveBits'])
    .then(
      () => suiteOf('webcrypto'),
      () => suiteOf('noble'),
    );
  return chosen;
}

/** aad = "govchat-file-key/1" ‖ 0 ‖ blob_id ‖ 0 ‖ context ‖ 0 ‖ decimal(user_id) ‖ 0 ‖ key_id */
export function wrapAad(b: WrapBinding): Uint8Array {
  if (!Number.isSafeInteger(b.userId) || b.userId < 0) throw new RangeError('e2e: userId must be a non-negative integer');
  for (const s of [b.blobId, b.context, b.keyId]) {
    if (typeof s !== 'string' || s.includes('\0')) throw new RangeError('e2e: a binding field may not hold a zero byte');
  }
  return utf8(['govchat-file-key/1', b.blobId, b.context, String(b.userId), b.keyId].join('\0'));
}

function plaintextOf(keys: FileKeys): Uint8Array {
  if (keys.file.length !== KEY_BYTES) throw new RangeError('e2e: a file key is 32 bytes');
  if (keys.thumb === undefined) return keys.file;
  if (keys.thumb.length !== KEY_BYTES) throw new RangeError('e2e: a thumbnail key is 32 bytes');
  return concat(keys.file, keys.thumb);
}

/** wrapped = base64url(enc ‖ ct). */
export function wrapFileKeys(recipientPublic: Uint8Array, keys: FileKeys, b: WrapBinding): Promise<string> {
  return suite().then((s) => wrapWith(s, recipientPublic, keys, b));
}

/** Opens a wrap made for this private key and binding; anything else is KeyUnwrapError. */
export function unwrapFileKeys(privateKey: Uint8Array, wrapped: string, b: WrapBinding): Promise<FileKeys> {
  return suite().then((s) => unwrapWith(s, privateKey, wrapped, b));
}

/** A new X25519 key pair, both halves as raw 32-byte strings. */
export function generateKeyPair(): Promise<{ publicKey: Uint8Array; privateKey: Uint8Array }> {
  return suite().then(generateWith);
}

/** The same three on a chosen X25519 implementation: for the tests, which run both. */
export function withKem(kem: Kem) {
  const s = suiteOf(kem);
  return {
    wrapFileKeys: (pub: Uint8Array, keys: FileKeys, b: WrapBinding) => wrapWith(s, pub, keys, b),
    unwrapFileKeys: (priv: Uint8Array, wrapped: string, b: WrapBinding) => unwrapWith(s, priv, wrapped, b),
    generateKeyPair: () => generateWith(s),
  };
}

async function wrapWith(s: CipherSuite, recipientPublic: Uint8Array, keys: FileKeys, b: WrapBinding): Promise<string> {
  if (recipientPublic.length !== KEY_BYTES) throw new RangeError('e2e: an X25519 public key is 32 bytes');
  const recipientPublicKey = await s.kem.deserializePublicKey(src(recipientPublic));
  const sealed = await s.seal({ recipientPublicKey, info: src(INFO) }, src(plaintextOf(keys)), src(wrapAad(b)));
  return b64u(concat(new Uint8Array(sealed.enc), new Uint8Array(sealed.ct)));
}

async function unwrapWith(s: CipherSuite, privateKey: Uint8Array, wrapped: string, b: WrapBinding): Promise<FileKeys> {
  if (privateKey.length !== KEY_BYTES) throw new RangeError('e2e: an X25519 private key is 32 bytes');
  const aad = wrapAad(b);
  let raw: Uint8Array;
  try {
    raw = fromB64u(wrapped);
  } catch {
    throw new KeyUnwrapError('e2e: the wrapped key is not base64url');
  }
  if (raw.length !== ENC_BYTES + KEY_BYTES + TAG && raw.length !== ENC_BYTES + 2 * KEY_BYTES + TAG) {
    throw new KeyUnwrapError('e2e: the wrapped key has the wrong length');
  }
  let plain: Uint8Array;
  try {
    const recipientKey = await s.kem.deserializePrivateKey(src(privateKey));
    plain = new Uint8Array(
      await s.open({ recipientKey, enc: src(raw.slice(0, ENC_BYTES)), info: src(INFO) }, src(raw.subarray(ENC_BYTES)), src(aad)),
    );
  } catch {
    throw new KeyUnwrapError();
  }
  return plain.length === KEY_BYTES ? { file: plain } : { file: plain.slice(0, KEY_BYTES), thumb: plain.slice(KEY_BYTES) };
}

async function generateWith(s: CipherSuite): Promise<{ publicKey: Uint8Array; privateKey: Uint8Array }> {
  const pair = await s.kem.generateKeyPair();
  const [pub, priv] = await Promise.all([s.kem.serializePublicKey(pair.publicKey), s.kem.serializePrivateKey(pair.privateKey)]);
  return { publicKey: new Uint8Array(pub), privateKey: new Uint8Array(priv) };
}

/**
 * The public half of a raw X25519 private key (RFC 7748: the scalar times the base point),
 * so that a key file can be matched to a key id before anything is unwrapped with it. The
 * @noble implementation: WebCrypto cannot import a raw private key without building a
 * PKCS #8 wrapper around it.
 */
export async function publicKeyOf(privateKey: Uint8Array): Promise<Uint8Array> {
  if (privateKey.length !== KEY_BYTES) throw new RangeError('e2e: an X25519 private key is 32 bytes');
  const x = new X25519(new NobleHkdf());
  const sk = await x.deserializePrivateKey(src(privateKey));
  return new Uint8Array(await x.serializePublicKey(await x.derivePublicKey(sk)));
}

/** The key id of a public key: the first 16 lowercase hex digits of SHA-256(raw key). */
export async function keyIdOf(publicKey: Uint8Array): Promise<string> {
  if (publicKey.length !== KEY_BYTES) throw new RangeError('e2e: an X25519 public key is 32 bytes');
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', src(publicKey)));
  return hex(d.subarray(0, 8));
}

/** HPKE of any short secret (a private key: E2E.md §4.4 account recovery and key
 * transfer) to a public key, under an info and aad of the caller's. base64url(enc ‖ ct). */
export async function sealSecret(recipientPublic: Uint8Array, plaintext: Uint8Array, info: Uint8Array, aad: Uint8Array, kem?: Kem): Promise<string> {
  if (recipientPublic.length !== KEY_BYTES) throw new RangeError('e2e: an X25519 public key is 32 bytes');
  const s = kem ? suiteOf(kem) : await suite();
  const recipientPublicKey = await s.kem.deserializePublicKey(src(recipientPublic));
  const sealed = await s.seal({ recipientPublicKey, info: src(info) }, src(plaintext), src(aad));
  return b64u(concat(new Uint8Array(sealed.enc), new Uint8Array(sealed.ct)));
}

/** Opens sealSecret's answer; anything else (another key, info, aad, length) is KeyUnwrapError. */
export async function openSecret(privateKey: Uint8Array, sealed: string, info: Uint8Array, aad: Uint8Array, plainBytes: number, kem?: Kem): Promise<Uint8Array> {
  if (privateKey.length !== KEY_BYTES) throw new RangeError('e2e: an X25519 private key is 32 bytes');
  let raw: Uint8Array;
  try {
    raw = fromB64u(sealed);
  } catch {
    throw new KeyUnwrapError('e2e: the sealed key is not base64url');
  }
  if (raw.length !== ENC_BYTES + plainBytes + TAG) throw new KeyUnwrapError('e2e: the sealed key has the wrong length');
  const s = kem ? suiteOf(kem) : await suite();
  try {
    const recipientKey = await s.kem.deserializePrivateKey(src(privateKey));
    return new Uint8Array(await s.open({ recipientKey, enc: src(raw.slice(0, ENC_BYTES)), info: src(info) }, src(raw.subarray(ENC_BYTES)), src(aad)));
  } catch {
    throw new KeyUnwrapError();
  }
}
