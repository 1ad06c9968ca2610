import { describe, expect, it, vi } from 'vitest';
import { b64u, fromB64u, hex } from './bytes';
import { checkParams, deriveCredential, derivationSteps, KdfParamsError, MIN_ITERATIONS, newCredential } from './credential';
import { WrongPasswordError } from './errors';
import { generateKeyPair, keyIdOf, publicKeyOf } from './hpke';
import { openRecoveryWrap, receiveTransfer, recoveryWrap, sealTransfer } from './recovery';
import { KeyUnwrapError } from './errors';
import { unwrapPrivateKey, unwrapWithCredential, unwrapWithPassword, wrapPrivateKey, wrapWithCredential } from './userkey';

// Each login derives with PBKDF2 (600,000 rounds): slow on a busy machine.
vi.setConfig({ testTimeout: 30_000 });

const salt = b64u(new Uint8Array(16).fill(7));

describe('the login credential', () => {
  it('derives authHash and wrapKey from one PBKDF2, NFC first, and they differ', async () => {
    const steps = await derivationSteps('e\u0301tude预算2026', fromB64u(salt), MIN_ITERATIONS);
    const nfc = await derivationSteps('\u00e9tude预算2026', fromB64u(salt), MIN_ITERATIONS);
    expect(hex(steps.authHash)).toBe(hex(nfc.authHash));
    expect(hex(steps.authHash)).not.toBe(hex(steps.wrapKey));
    expect(hex(steps.authHash)).not.toBe(hex(steps.master));
    const c = await deriveCredential('\u00e9tude预算2026', { kdf: 'pbkdf2-sha256', salt, iterations: MIN_ITERATIONS });
    expect(c.authHash).toBe(b64u(steps.authHash));
    expect(c.authHash).toHaveLength(43);
    expect(c.wrapKey.extractable).toBe(false);
  });

  it('refuses parameters no account has', () => {
    for (const p of [
      { salt, iterations: MIN_ITERATIONS - 1 },
      { salt, iterations: 10_000_001 },
      { salt, iterations: 6e5 + 0.5 },
      { salt: b64u(new Uint8Array(15)), iterations: MIN_ITERATIONS },
      { salt: 'not base64url!', iterations: MIN_ITERATIONS },
      { salt, iterations: MIN_ITERATIONS, kdf: 'argon2id' },
    ]) {
      expect(() => checkParams(p), JSON.stringify(p)).toThrow(KdfParamsError);
    }
  });

  it('wraps under the credential so that the password wrap of E2E §4.1 opens it, and back', async () => {
    const pair = await generateKeyPair();
    const keyId = await keyIdOf(pair.publicKey);
    const c = await newCredential('Yusuan#2026x');
    const w = await wrapWithCredential(pair.privateKey, c, 7, keyId);
    expect(w.salt).toBe(c.salt);
    expect(await unwrapPrivateKey(w, 'Yusuan#2026x', 7, keyId)).toEqual(pair.privateKey);
    expect(await unwrapWithPassword(w, 'Yusuan#2026x', 7, keyId)).toEqual(pair.privateKey);
    const old = await wrapPrivateKey(pair.privateKey, 'Yusuan#2026x', 7, keyId, fromB64u(c.salt), c.iterations);
    expect(await unwrapWithCredential(old, c, 7, keyId)).toEqual(pair.privateKey);
    // Another user, another key id, another password, another salt: refused.
    await expect(unwrapWithCredential(w, c, 8, keyId)).rejects.toBeInstanceOf(WrongPasswordError);
    await expect(unwrapWithCredential(w, c, 7, '0000000000000000')).rejects.toBeInstanceOf(WrongPasswordError);
    const other = await deriveCredential('Yusuan#2026y', c);
    await expect(unwrapWithCredential(w, other, 7, keyId)).rejects.toBeInstanceOf(WrongPasswordError);
    await expect(unwrapWithCredential({ ...w, salt }, c, 7, keyId)).rejects.toBeInstanceOf(WrongPasswordError);
  }, 30_000);
});

describe('recovery wrap and key transfer', () => {
  it('round-trips and binds user, key id and request', async () => {
    const me = await generateKeyPair();
    const keyId = await keyIdOf(me.publicKey);
    const org = await generateKeyPair();
    const w = await recoveryWrap(org.publicKey, me.privateKey, 7, keyId);
    expect(await openRecoveryWrap(org.privateKey, w, 7, keyId)).toEqual(me.privateKey);
    await expect(openRecoveryWrap(org.privateKey, w, 8, keyId)).rejects.toBeInstanceOf(KeyUnwrapError);
    await expect(openRecoveryWrap(me.privateKey, w, 7, keyId)).rejects.toBeInstanceOf(KeyUnwrapError);

    const eph = await generateKeyPair();
    const sealed = await sealTransfer(eph.publicKey, me.privateKey, 'r1', 7, keyId);
    expect(await receiveTransfer(eph.privateKey, sealed, 'r1', 7, keyId, me.publicKey)).toEqual(me.privateKey);
    await expect(receiveTransfer(eph.privateKey, sealed, 'r2', 7, keyId, me.publicKey)).rejects.toBeInstanceOf(KeyUnwrapError);
    // A sealed key that is not the published one's private half is refused after opening.
    const wrong = await generateKeyPair();
    const sealedWrong = await sealTransfer(eph.publicKey, wrong.privateKey, 'r1', 7, keyId);
    await expect(receiveTransfer(eph.privateKey, sealedWrong, 'r1', 7, keyId, me.publicKey)).rejects.toBeInstanceOf(KeyUnwrapError);
    expect(await publicKeyOf(me.privateKey)).toEqual(me.publicKey);
  });
});
