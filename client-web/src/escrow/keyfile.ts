// The escrow key's files and texts (protocol/E2E.md §5): the private key file the
// security officer keeps offline, in exactly the form `govchat e2e keygen --out` writes
// and `govchat e2e open/unwrap --key-file` reads (one line: the raw 32-byte X25519
// private key in base64url without padding, then a line feed); and the public key they
// paste when the pair was made offline. Nothing here touches the network.

import { fromB64u, keyIdOf, publicKeyOf } from '../e2e';

export const KEY_BYTES = 32;
/** A key file is one line of 43 characters; anything much bigger is not one (and is not read). */
export const MAX_KEY_FILE_BYTES = 1024;

/** Why a key file or a pasted key was refused; the page words each (escrow.ts). */
export type KeyInputError =
  | 'key_file_invalid' // not one line of base64url of 32 bytes
  | 'public_invalid' // the pasted public key is not base64url of 32 bytes (or is all zero)
  | 'public_id_mismatch'; // "key_id public_key" pasted, and the id is not the key's

export class EscrowInputError extends Error {
  readonly code: KeyInputError;
  constructor(code: KeyInputError) {
    super(`escrow: ${code}`);
    this.name = 'EscrowInputError';
    this.code = code;
  }
}

/** govchat-escrow-<keyid>.key: the name says which key it is, as the page shows it. */
export function keyFileName(keyId: string): string {
  return `govchat-escrow-${keyId}.key`;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * The key file's bytes: base64url of the private key and a line feed, as keygen's
 * Fprintln writes it. Written straight into bytes, never a JS string, so that the caller
 * can zero this copy too once the browser has it (a string cannot be wiped).
 */
export function keyFileBytes(privateKey: Uint8Array): Uint8Array {
  if (privateKey.length !== KEY_BYTES) throw new RangeError('escrow: a private key is 32 bytes');
  const n = privateKey.length;
  const out = new Uint8Array(Math.ceil((n * 4) / 3) + 1);
  let o = 0;
  let i = 0;
  for (; i + 3 <= n; i += 3) {
    const x = (privateKey[i]! << 16) | (privateKey[i + 1]! << 8) | privateKey[i + 2]!;
    out[o++] = ALPHABET.charCodeAt(x >> 18);
    out[o++] = ALPHABET.charCodeAt((x >> 12) & 63);
    out[o++] = ALPHABET.charCodeAt((x >> 6) & 63);
    out[o++] = ALPHABET.charCodeAt(x & 63);
  }
  // 32 = 10·3 + 2: two bytes left, three characters.
  const x = (privateKey[i]! << 16) | (privateKey[i + 1]! << 8);
  out[o++] = ALPHABET.charCodeAt(x >> 18);
  out[o++] = ALPHABET.charCodeAt((x >> 12) & 63);
  out[o++] = ALPHABET.charCodeAt((x >> 6) & 63);
  out[o++] = 0x0a;
  return out;
}

/**
 * The private key in a key file's bytes, as `govchat e2e` reads it: surrounding white
 * space trimmed (a file saved again on Windows ends in CRLF), then strict base64url of
 * exactly 32 bytes. Anything else is key_file_invalid.
 */
export function parseKeyFile(bytes: Uint8Array): Uint8Array {
  if (bytes.length > MAX_KEY_FILE_BYTES) throw new EscrowInputError('key_file_invalid');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new EscrowInputError('key_file_invalid');
  }
  let key: Uint8Array;
  try {
    key = fromB64u(text.trim());
  } catch {
    throw new EscrowInputError('key_file_invalid');
  }
  if (key.length !== KEY_BYTES) throw new EscrowInputError('key_file_invalid');
  return key;
}

/** The key id of a private key's public half: which escrow key a key file belongs to. */
export async function keyIdOfPrivate(privateKey: Uint8Array): Promise<string> {
  const pub = await publicKeyOf(privateKey);
  return keyIdOf(pub);
}

export interface PastedPublicKey {
  /** base64url, as PUT /admin/escrow-key takes it. */
  publicKey: string;
  keyId: string;
}

/**
 * A public key pasted by the officer: the key alone, or the whole line `govchat e2e
 * keygen` printed ("key_id public_key"), whose id must then be the key's — which also
 * catches the private key pasted by mistake in place of the public one, since its id
 * would not match. Base64url of 32 bytes, not all zero (the server refuses that too).
 */
export async function parsePublicKey(input: string): Promise<PastedPublicKey> {
  const parts = input.trim().split(/\s+/).filter(Boolean);
  let claimedId: string | undefined;
  let text: string;
  if (parts.length === 1) text = parts[0]!;
  else if (parts.length === 2 && /^[0-9a-f]{16}$/.test(parts[0]!)) [claimedId, text] = [parts[0]!, parts[1]!];
  else throw new EscrowInputError('public_invalid');
  let key: Uint8Array;
  try {
    key = fromB64u(text);
  } catch {
    throw new EscrowInputError('public_invalid');
  }
  if (key.length !== KEY_BYTES || key.every((b) => b === 0)) throw new EscrowInputError('public_invalid');
  const keyId = await keyIdOf(key);
  if (claimedId !== undefined && claimedId !== keyId) throw new EscrowInputError('public_id_mismatch');
  return { publicKey: text, keyId };
}

/** The characters the officer types to confirm they saved the key file: the key id's last four. */
export function confirmCode(keyId: string): string {
  return keyId.slice(-4);
}

/** Whether what the officer typed confirms it (case and surrounding space ignored). */
export function confirms(keyId: string, typed: string): boolean {
  return keyId.length >= 4 && typed.trim().toLowerCase() === confirmCode(keyId);
}
