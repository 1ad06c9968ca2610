// Account recovery and key transfer (E2E.md §4.4, issue 12). Both are HPKE (the suite of
// §3.1) of the person's raw 32-byte X25519 private key:
//
//   recovery_wrap: to the organisation's account-recovery public key, made at key creation
//     info = "govchat-account-recovery/1"
//     aad  = "govchat-user-key/1" ‖ 0 ‖ decimal(user_id) ‖ 0 ‖ key_id
//   sealed (a transfer): to a recovery request's one-time X25519 public key, by a device
//   still signed in or by the security officer's browser
//     info = "govchat-key-transfer/1"
//     aad  = "govchat-key-transfer/1" ‖ 0 ‖ request_id ‖ 0 ‖ decimal(user_id) ‖ 0 ‖ key_id
//
// The server relays these and can open neither. The receiver checks that what it opened
// is the private half of the published public key before it wraps anything with it.
import { utf8 } from './bytes';
import { openSecret, publicKeyOf, sealSecret, type Kem } from './hpke';
import { equalBytes } from './bytes';
import { KeyUnwrapError } from './errors';

export const RECOVERY_INFO = 'govchat-account-recovery/1';
export const TRANSFER_INFO = 'govchat-key-transfer/1';
const KEY_BYTES = 32;

function checkField(s: string) {
  if (typeof s !== 'string' || s.includes('\0')) throw new RangeError('e2e: a binding field may not hold a zero byte');
}
function checkUser(userId: number) {
  if (!Number.isSafeInteger(userId) || userId < 0) throw new RangeError('e2e: userId must be a non-negative integer');
}

export function recoveryAad(userId: number, keyId: string): Uint8Array {
  checkUser(userId);
  checkField(keyId);
  return utf8(`govchat-user-key/1\0${userId}\0${keyId}`);
}

export function transferAad(requestId: string, userId: number, keyId: string): Uint8Array {
  checkUser(userId);
  checkField(requestId);
  checkField(keyId);
  return utf8(`${TRANSFER_INFO}\0${requestId}\0${userId}\0${keyId}`);
}

/** The recovery wrap of a private key to the organisation's account-recovery key. */
export function recoveryWrap(recoveryPublic: Uint8Array, privateKey: Uint8Array, userId: number, keyId: string, kem?: Kem): Promise<string> {
  if (privateKey.length !== KEY_BYTES) throw new RangeError('e2e: an X25519 private key is 32 bytes');
  return sealSecret(recoveryPublic, privateKey, utf8(RECOVERY_INFO), recoveryAad(userId, keyId), kem);
}

/** Opens a recovery wrap with the account-recovery private key (the officer's key file). */
export function openRecoveryWrap(recoveryPrivate: Uint8Array, wrapped: string, userId: number, keyId: string, kem?: Kem): Promise<Uint8Array> {
  return openSecret(recoveryPrivate, wrapped, utf8(RECOVERY_INFO), recoveryAad(userId, keyId), KEY_BYTES, kem);
}

/** Seals a private key to a recovery request's one-time public key. */
export function sealTransfer(ephemeralPublic: Uint8Array, privateKey: Uint8Array, requestId: string, userId: number, keyId: string, kem?: Kem): Promise<string> {
  if (privateKey.length !== KEY_BYTES) throw new RangeError('e2e: an X25519 private key is 32 bytes');
  return sealSecret(ephemeralPublic, privateKey, utf8(TRANSFER_INFO), transferAad(requestId, userId, keyId), kem);
}

/** Opens a transfer with the request's one-time private key. */
export function openTransfer(ephemeralPrivate: Uint8Array, sealed: string, requestId: string, userId: number, keyId: string, kem?: Kem): Promise<Uint8Array> {
  return openSecret(ephemeralPrivate, sealed, utf8(TRANSFER_INFO), transferAad(requestId, userId, keyId), KEY_BYTES, kem);
}

/** Whether a private key is the one whose public half is published: anything opened from
 * a transfer or a recovery wrap is checked so before it is wrapped or used. */
export async function isPrivateOf(privateKey: Uint8Array, publicKey: Uint8Array): Promise<boolean> {
  if (privateKey.length !== KEY_BYTES) return false;
  return equalBytes(await publicKeyOf(privateKey), publicKey);
}

/** openTransfer, then the check: a key that is not the published one is KeyUnwrapError. */
export async function receiveTransfer(ephemeralPrivate: Uint8Array, sealed: string, requestId: string, userId: number, keyId: string, publicKey: Uint8Array): Promise<Uint8Array> {
  const priv = await openTransfer(ephemeralPrivate, sealed, requestId, userId, keyId);
  if (!(await isPrivateOf(priv, publicKey))) {
    priv.fill(0);
    throw new KeyUnwrapError('e2e: the transferred key is not the published one');
  }
  return priv;
}
