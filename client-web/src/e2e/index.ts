// The end-to-end encryption of files (protocol/E2E.md), on WebCrypto with @hpke/core.
// format.ts: the file format (encrypt, decrypt, metadata, padding); hpke.ts: wrapping file
// keys to people; userkey.ts: the password-wrapped private key; bytes.ts: base64url.
import { KEY_BYTES } from './format';

export type { FileMeta, EncryptedFile } from './format';
export { paddedSize, ciphertextSize, encryptFile, decryptStream, readMeta, META_PREFIX_BYTES } from './format';
export type { FileKeys, WrapBinding } from './hpke';
export { wrapFileKeys, unwrapFileKeys, generateKeyPair, keyIdOf, publicKeyOf } from './hpke';
export type { WrappedPrivate } from './userkey';
export { wrapPrivateKey, unwrapPrivateKey, MIN_ITERATIONS } from './userkey';
export { b64u, fromB64u } from './bytes';
export { DamagedFileError, KeyUnwrapError, WrongPasswordError } from './errors';

/** A fresh random file key K. */
export function newFileKey(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(KEY_BYTES));
}
export type { Credential, KdfParams } from './credential';
export { deriveCredential, newCredential, wireCredential, KdfParamsError, checkParams } from './credential';
export { wrapWithCredential, unwrapWithCredential, unwrapWithPassword } from './userkey';
export { recoveryWrap, openRecoveryWrap, sealTransfer, openTransfer, receiveTransfer, isPrivateOf } from './recovery';
