// base64url (RFC 4648 §5, padding optional), as VAPID public keys are written.

/** Decodes base64url (or plain base64) into bytes; throws on anything else. */
export function fromBase64Url(s: string): Uint8Array<ArrayBuffer> {
  const clean = s.trim().replace(/=+$/, '');
  if (!/^[A-Za-z0-9_+/-]*$/.test(clean) || clean.length % 4 === 1) throw new Error('not base64url');
  const b64 = clean.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Encodes bytes as base64url without padding. */
export function toBase64Url(bytes: ArrayBuffer | Uint8Array): string {
  const u = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let bin = '';
  for (const b of u) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
