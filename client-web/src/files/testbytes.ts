// Byte helpers for the files tests (the type check has no Node types: no Buffer here).

import { sha256 } from '@noble/hashes/sha2.js';
import { base64 } from './api';
import { hex } from './upload';

export { hex };
export const utf8 = (s: string) => new TextEncoder().encode(s);
export const fromUtf8 = (b: Uint8Array) => new TextDecoder().decode(b);
export const b64u = (b: Uint8Array) => base64(b).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
export function fromB64u(s: string): Uint8Array {
  const std = s.replace(/-/g, '+').replace(/_/g, '/');
  return Uint8Array.from(atob(std + '='.repeat((4 - (std.length % 4)) % 4)), (c) => c.charCodeAt(0));
}
export function fromHex(s: string): Uint8Array {
  return Uint8Array.from(s.match(/../g) ?? [], (x) => parseInt(x, 16));
}
export const sha256Hex = (b: Uint8Array) => hex(sha256(b));
export const sha256B64 = (b: Uint8Array) => base64(sha256(b));
/** Whether `needle` occurs in `hay`. */
export function contains(hay: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}
