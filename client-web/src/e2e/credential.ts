// Login split from key unlock (E2E.md §4.1, issue 12): ONE PBKDF2 of the password per
// login gives the master key, and from it two keys that say nothing of each other:
//
//   master   = PBKDF2-SHA256(NFC(password), salt, iterations, 32)
//   authHash = HKDF(master, salt = empty, info = "govchat-auth/1", 32)        → the server
//   wrapKey  = HKDF(master, salt = empty, info = "govchat-wrap-private/1")    → stays here
//
// The server receives authHash (base64url, 43 characters) and hashes it again with
// argon2id; it never gets the password, nor anything that derives wrapKey. The wrap key
// is a non-extractable WebCrypto key: script can use it while the page lives, never read it.
import { b64u, fromB64u, src, utf8 } from './bytes';

/** The least PBKDF2 work a login or a wrap is made with (OWASP 2023 for PBKDF2-HMAC-SHA256). */
export const MIN_ITERATIONS = 600_000;
/** More than this would freeze the page: a server asking for it is refused, not obeyed. */
export const MAX_ITERATIONS = 10_000_000;
export const SALT_BYTES = 16;

const AUTH_INFO = utf8('govchat-auth/1');
const WRAP_INFO = utf8('govchat-wrap-private/1');

/** What prelogin answers (PROTOCOL.md §4.2). */
export interface KdfParams {
  kdf: 'pbkdf2-sha256';
  salt: string;
  iterations: number;
}

/** The two keys of one password, salt and iteration count. */
export interface Credential {
  salt: string;
  iterations: number;
  /** base64url of the 32-byte authentication hash: what login sends. */
  authHash: string;
  /** AES-256-GCM, non-extractable: wraps and unwraps the private key (userkey.ts). */
  wrapKey: CryptoKey;
}

export class KdfParamsError extends Error {
  constructor(message = 'e2e: the server asked for key derivation parameters this client refuses') {
    super(message);
    this.name = 'KdfParamsError';
  }
}

/** The salt's bytes, refusing what no account has (a server cannot make a browser derive
 * with an empty salt or a cheap count). */
export function checkParams(p: { salt: string; iterations: number; kdf?: string }): Uint8Array {
  if (p.kdf !== undefined && p.kdf !== 'pbkdf2-sha256') throw new KdfParamsError();
  if (!Number.isSafeInteger(p.iterations) || p.iterations < MIN_ITERATIONS || p.iterations > MAX_ITERATIONS) throw new KdfParamsError();
  let salt: Uint8Array;
  try {
    salt = fromB64u(p.salt);
  } catch {
    throw new KdfParamsError();
  }
  if (salt.length !== SALT_BYTES) throw new KdfParamsError();
  return salt;
}

/** master = PBKDF2-SHA256(NFC(password), salt, iterations, 32), as an HKDF key. */
async function masterOf(password: string, salt: Uint8Array, iterations: number): Promise<CryptoKey> {
  const pw = await crypto.subtle.importKey('raw', src(utf8(password.normalize('NFC'))), 'PBKDF2', false, ['deriveBits']);
  const master = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: src(salt), iterations }, pw, 256);
  return crypto.subtle.importKey('raw', master, 'HKDF', false, ['deriveKey', 'deriveBits']);
}

function hkdfParams(info: Uint8Array): HkdfParams {
  return { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: src(info) };
}

async function fromMaster(master: CryptoKey, salt: string, iterations: number): Promise<Credential> {
  const [auth, wrapKey] = await Promise.all([
    crypto.subtle.deriveBits(hkdfParams(AUTH_INFO), master, 256),
    crypto.subtle.deriveKey(hkdfParams(WRAP_INFO), master, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']),
  ]);
  return { salt, iterations, authHash: b64u(new Uint8Array(auth)), wrapKey };
}

/** The credential of a password under the account's parameters (one PBKDF2). */
export async function deriveCredential(password: string, params: { salt: string; iterations: number; kdf?: string }): Promise<Credential> {
  const salt = checkParams(params);
  return fromMaster(await masterOf(password, salt, params.iterations), params.salt, params.iterations);
}

/** A credential for a new password: a fresh random salt, at least MIN_ITERATIONS. */
export function newCredential(password: string, iterations = MIN_ITERATIONS): Promise<Credential> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  return deriveCredential(password, { salt: b64u(salt), iterations });
}

/** The wire shape of a credential (`{salt, iterations, auth_hash}`). */
export function wireCredential(c: Credential): { salt: string; iterations: number; auth_hash: string } {
  return { salt: c.salt, iterations: c.iterations, auth_hash: c.authHash };
}

/** For the test vectors: the intermediate keys, as bytes. */
export async function derivationSteps(password: string, salt: Uint8Array, iterations: number): Promise<{ master: Uint8Array; authHash: Uint8Array; wrapKey: Uint8Array }> {
  const pw = await crypto.subtle.importKey('raw', src(utf8(password.normalize('NFC'))), 'PBKDF2', false, ['deriveBits']);
  const master = new Uint8Array(await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: src(salt), iterations }, pw, 256));
  const ikm = await crypto.subtle.importKey('raw', src(master), 'HKDF', false, ['deriveBits']);
  const [a, w] = await Promise.all([crypto.subtle.deriveBits(hkdfParams(AUTH_INFO), ikm, 256), crypto.subtle.deriveBits(hkdfParams(WRAP_INFO), ikm, 256)]);
  return { master, authHash: new Uint8Array(a), wrapKey: new Uint8Array(w) };
}
