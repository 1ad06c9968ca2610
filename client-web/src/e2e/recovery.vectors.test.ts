// protocol/testdata/e2e/recovery.json (made by Go, internal/e2e/account_vectors_test.go):
// the login's auth hash and wrap key, the account-recovery wrap and the key transfer. The
// browser must agree with Go to the byte, and refuse what Go refuses.
import { describe, expect, it } from 'vitest';
import { b64u, fromB64u, hex, utf8 } from './bytes';
import { deriveCredential, derivationSteps } from './credential';
import { KeyUnwrapError } from './errors';
import { keyIdOf, publicKeyOf, type Kem } from './hpke';
import { openRecoveryWrap, openTransfer, recoveryAad, transferAad } from './recovery';

type Json = any;
const FILES = import.meta.glob<Json>('../../../protocol/testdata/e2e/recovery.json', { eager: true, import: 'default' });
const v: Json = FILES['../../../protocol/testdata/e2e/recovery.json'];
const fromHex = (h: string) => new TextDecoder().decode(new Uint8Array(h.match(/../g)!.map((x) => parseInt(x, 16))));

describe('recovery.json: the auth hash', () => {
  it('has its vectors', () => expect(v?.auth?.length).toBeGreaterThan(0));
  it('derives master, auth_hash and wrap_key as Go does (typed and as hex)', async () => {
    expect(v.auth_info).toBe('govchat-auth/1');
    for (const c of v.auth) {
      for (const pw of [c.password, fromHex(c.password_utf8_hex)]) {
        const s = await derivationSteps(pw, fromB64u(c.salt), c.iterations);
        expect(b64u(s.master), c.name).toBe(c.master);
        expect(b64u(s.authHash), c.name).toBe(c.auth_hash);
        expect(b64u(s.wrapKey), c.name).toBe(c.wrap_key);
      }
      const cred = await deriveCredential(c.password, { kdf: 'pbkdf2-sha256', salt: c.salt, iterations: c.iterations });
      expect(cred.authHash).toBe(c.auth_hash);
    }
  }, 60_000);
});

describe('recovery.json: recovery wrap and key transfer', () => {
  const byName = (n: string) => v.sealed.find((c: Json) => c.name === n);
  const open = (kem: Kem, c: Json, r: Json = {}) => {
    const priv = fromB64u(r.recipient_private ?? c.recipient_private);
    const sealed = r.sealed ?? c.sealed;
    const userId = r.user_id ?? c.user_id;
    const keyId = r.key_id ?? c.key_id;
    return c.name === 'recovery-wrap'
      ? openRecoveryWrap(priv, sealed, userId, keyId, kem)
      : openTransfer(priv, sealed, String(r.request_id ?? c.request_id), userId, keyId, kem);
  };
  for (const kem of ['webcrypto', 'noble'] as Kem[]) {
    it(`opens both and binds as Go does (${kem} X25519)`, async () => {
      const rw = byName('recovery-wrap');
      const tr = byName('transfer');
      expect(rw.info).toBe('govchat-account-recovery/1');
      expect(tr.info).toBe('govchat-key-transfer/1');
      expect(b64u(recoveryAad(rw.user_id, rw.key_id))).toBe(rw.aad);
      expect(b64u(transferAad(String(tr.request_id), tr.user_id, tr.key_id))).toBe(tr.aad);
      for (const c of [rw, tr]) {
        expect(b64u(await publicKeyOf(fromB64u(c.recipient_private)))).toBe(c.recipient_public);
        expect(await keyIdOf(fromB64u(c.recipient_public))).toBe(c.recipient_key_id);
        expect(b64u(await open(kem, c))).toBe(c.private);
      }
    });
    it(`refuses every refusal (${kem} X25519)`, async () => {
      for (const r of v.refusals) {
        await expect(open(kem, byName(r.case), r), r.name).rejects.toBeInstanceOf(KeyUnwrapError);
      }
    });
  }
  it('has no zero byte in a binding field', () => {
    expect(() => transferAad('1\0', 7, 'k')).toThrow(RangeError);
    expect(hex(utf8('x'))).toBe('78');
  });
});
