// User keys (E2E.md §4; BRIEF §3): the X25519 private key is stored on the server only
// wrapped under a key derived from the password, PBKDF2-SHA256 (≥ 600,000 iterations) then
// HKDF, sealed with AES-256-GCM bound to the user and the key id.
import { b64u, concat, fromB64u, src, utf8 } from './bytes';
import { deriveCredential, MAX_ITERATIONS, MIN_ITERATIONS, type Credential } from './credential';
import { WrongPasswordError } from './errors';

export interface WrappedPrivate {
  wrapped: string;
  salt: string;
  iterations: number;
}

export { MIN_ITERATIONS };
const SALT_BYTES = 16;
const NONCE_BYTES = 12;
const KEY_BYTES = 32;
const WRAP_INFO = utf8('govchat-wrap-private/1');

/** aad = "govchat-user-key/1" ‖ 0 ‖ decimal(user_id) ‖ 0 ‖ key_id */
function userKeyAad(userId: number, keyId: string): Uint8Array {
  if (!Number.isSafeInteger(userId) || userId < 0) throw new RangeError('e2e: userId must be a non-negative integer');
  if (keyId.includes('\0')) throw new RangeError('e2e: a key id may not hold a zero byte');
  return utf8(`govchat-user-key/1\0${userId}\0${keyId}`);
}

/** wrapKey = HKDF(PBKDF2-SHA256(NFC(password), salt, iterations), salt = empty, info). */
async function wrapKeyOf(password: string, salt: Uint8Array, iterations: number): Promise<CryptoKey> {
  const pw = await crypto.subtle.importKey('raw', src(utf8(password.normalize('NFC'))), 'PBKDF2', false, ['deriveBits']);
  const master = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: src(salt), iterations }, pw, 256);
  const ikm = await crypto.subtle.importKey('raw', master, 'HKDF', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: src(WRAP_INFO) },
    ikm,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

/** Wraps priv under the password; a fresh salt unless one is given (the vectors give one). */
export function wrapPrivateKey(
  priv: Uint8Array,
  password: string,
  userId: number,
  keyId: string,
  salt?: Uint8Array,
  iterations?: number,
): Promise<WrappedPrivate> {
  return wrapPrivateKeyWithNonce(priv, password, userId, keyId, salt, iterations, crypto.getRandomValues(new Uint8Array(NONCE_BYTES)));
}

/** wrapPrivateKey with a given AES-GCM nonce: for the test vectors only. */
export async function wrapPrivateKeyWithNonce(
  priv: Uint8Array,
  password: string,
  userId: number,
  keyId: string,
  salt: Uint8Array = crypto.getRandomValues(new Uint8Array(SALT_BYTES)),
  iterations: number = MIN_ITERATIONS,
  nonce: Uint8Array,
): Promise<WrappedPrivate> {
  if (priv.length !== KEY_BYTES) throw new RangeError('e2e: an X25519 private key is 32 bytes');
  if (salt.length !== SALT_BYTES) throw new RangeError('e2e: the salt is 16 bytes');
  if (nonce.length !== NONCE_BYTES) throw new RangeError('e2e: the nonce is 12 bytes');
  if (!Number.isSafeInteger(iterations) || iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
    throw new RangeError('e2e: iterations must be between 600000 and 10000000');
  }
  const aad = userKeyAad(userId, keyId);
  const key = await wrapKeyOf(password, salt, iterations);
  const ct = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: src(nonce), additionalData: src(aad) }, key, src(priv)));
  return { wrapped: b64u(concat(nonce, ct)), salt: b64u(salt), iterations };
}

/** Opens a wrapped private key with the password; a wrong one is WrongPasswordError. */
export async function unwrapPrivateKey(w: WrappedPrivate, password: string, userId: number, keyId: string): Promise<Uint8Array> {
  const aad = userKeyAad(userId, keyId);
  let raw: Uint8Array;
  let salt: Uint8Array;
  try {
    raw = fromB64u(w.wrapped);
    salt = fromB64u(w.salt);
  } catch {
    throw new WrongPasswordError('e2e: the wrapped private key is not base64url');
  }
  // Fewer iterations than a wrap is made with are refused too: a server cannot make this
  // browser test passwords against a cheap wrap it chose.
  if (!Number.isSafeInteger(w.iterations) || w.iterations < MIN_ITERATIONS || w.iterations > MAX_ITERATIONS) {
    throw new WrongPasswordError('e2e: the wrapped private key names bad iterations');
  }
  if (raw.length !== NONCE_BYTES + KEY_BYTES + 16 || salt.length !== SALT_BYTES) {
    throw new WrongPasswordError('e2e: the wrapped private key has the wrong length');
  }
  const key = await wrapKeyOf(password, salt, w.iterations);
  try {
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: src(raw.subarray(0, NONCE_BYTES)), additionalData: src(aad) },
      key,
      src(raw.subarray(NONCE_BYTES)),
    );
    return new Uint8Array(plain);
  } catch {
    throw new WrongPasswordError();
  }
}

/**
 * Wraps priv under a credential's wrap key (no PBKDF2 here: the login's one derivation
 * made it). The wrap names the credential's salt and iterations, so that the same
 * password opens it again; from issue 12 on that is the account's salt.
 */
export async function wrapWithCredential(priv: Uint8Array, cred: Pick<Credential, 'wrapKey' | 'salt' | 'iterations'>, userId: number, keyId: string, nonce: Uint8Array = crypto.getRandomValues(new Uint8Array(NONCE_BYTES))): Promise<WrappedPrivate> {
  if (priv.length !== KEY_BYTES) throw new RangeError('e2e: an X25519 private key is 32 bytes');
  if (nonce.length !== NONCE_BYTES) throw new RangeError('e2e: the nonce is 12 bytes');
  const aad = userKeyAad(userId, keyId);
  const ct = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: src(nonce), additionalData: src(aad) }, cred.wrapKey, src(priv)));
  return { wrapped: b64u(concat(nonce, ct)), salt: cred.salt, iterations: cred.iterations };
}

/**
 * Opens a wrap with a credential's wrap key. A wrap made under other parameters (another
 * salt: before the upgrade of issue 12, or under an older password) is WrongPasswordError
 * here; `password`, when the caller still has it, derives the key for that wrap instead.
 */
export async function unwrapWithCredential(w: WrappedPrivate, cred: Pick<Credential, 'wrapKey' | 'salt' | 'iterations'>, userId: number, keyId: string): Promise<Uint8Array> {
  if (w.salt !== cred.salt || w.iterations !== cred.iterations) throw new WrongPasswordError('e2e: the wrap was made under other parameters');
  const aad = userKeyAad(userId, keyId);
  let raw: Uint8Array;
  try {
    raw = fromB64u(w.wrapped);
  } catch {
    throw new WrongPasswordError('e2e: the wrapped private key is not base64url');
  }
  if (raw.length !== NONCE_BYTES + KEY_BYTES + 16) throw new WrongPasswordError('e2e: the wrapped private key has the wrong length');
  try {
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: src(raw.subarray(0, NONCE_BYTES)), additionalData: src(aad) }, cred.wrapKey, src(raw.subarray(NONCE_BYTES)));
    return new Uint8Array(plain);
  } catch {
    throw new WrongPasswordError();
  }
}

/** Opens a wrap made under its own salt with the password (a legacy wrap at the upgrade). */
export async function unwrapWithPassword(w: WrappedPrivate, password: string, userId: number, keyId: string): Promise<Uint8Array> {
  let cred: Credential;
  try {
    cred = await deriveCredential(password, { salt: w.salt, iterations: w.iterations });
  } catch {
    throw new WrongPasswordError('e2e: the wrapped private key names bad parameters');
  }
  return unwrapWithCredential(w, cred, userId, keyId);
}
