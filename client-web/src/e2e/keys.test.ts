import { describe, expect, it } from 'vitest';
import { b64u, fromB64u } from './bytes';
import { KeyUnwrapError, WrongPasswordError } from './errors';
import { generateKeyPair, keyIdOf, publicKeyOf, unwrapFileKeys, withKem, wrapAad, wrapFileKeys, type Kem, type WrapBinding } from './hpke';
import { MIN_ITERATIONS, unwrapPrivateKey, wrapPrivateKey, wrapPrivateKeyWithNonce } from './userkey';
import { bytesOf } from './testing';

const binding: WrapBinding = { blobId: '0123456789abcdef0123456789abcdef', context: 'channel:42', userId: 7, keyId: '00112233aabbccdd' };
const kems: Kem[] = ['webcrypto', 'noble'];

describe('base64url', () => {
  it('round-trips every length and refuses anything but the canonical spelling', () => {
    for (let n = 0; n < 40; n++) {
      const b = bytesOf(n, n + 3);
      const s = b64u(b);
      expect(s).not.toMatch(/[=+/]/);
      expect(fromB64u(s)).toEqual(b);
    }
    expect(b64u(new Uint8Array([0xfb, 0xff]))).toBe('-_8');
    for (const bad of ['A', 'AAA=', 'AA==', 'A A', 'ab+/', '-_9', 'Zg=', 'é', 'AB', 'ABCDE']) {
      expect(() => fromB64u(bad), bad).toThrow(TypeError);
    }
    expect(fromB64u('AA')).toEqual(new Uint8Array([0]));
  });
});

describe('HPKE wrap of file keys', () => {
  it('binds blob, context, user and key id in the aad, byte for byte', () => {
    expect(new TextDecoder().decode(wrapAad(binding))).toBe('govchat-file-key/1\0' + '0123456789abcdef0123456789abcdef\0channel:42\x007\x0000112233aabbccdd');
    expect(() => wrapAad({ ...binding, context: 'a\0b' })).toThrow(RangeError);
  });

  for (const kem of kems) {
    it(`round-trips with the ${kem} X25519 and across the other`, async () => {
      const mine = withKem(kem);
      const other = withKem(kem === 'webcrypto' ? 'noble' : 'webcrypto');
      const { publicKey, privateKey } = await mine.generateKeyPair();
      expect(publicKey).toHaveLength(32);
      expect(privateKey).toHaveLength(32);
      const file = bytesOf(32, 1);
      const thumb = bytesOf(32, 2);
      const one = await mine.wrapFileKeys(publicKey, { file }, binding);
      expect(fromB64u(one)).toHaveLength(32 + 32 + 16);
      const two = await mine.wrapFileKeys(publicKey, { file, thumb }, binding);
      expect(fromB64u(two)).toHaveLength(32 + 64 + 16);
      expect(await other.unwrapFileKeys(privateKey, one, binding)).toEqual({ file });
      expect(await mine.unwrapFileKeys(privateKey, two, binding)).toEqual({ file, thumb });
      // Fresh ephemeral keys: two wraps of the same keys differ.
      expect(await mine.wrapFileKeys(publicKey, { file }, binding)).not.toBe(one);
      // And the other way: a key pair of the other implementation, wrapped to by this one.
      const pair = await other.generateKeyPair();
      expect(await other.unwrapFileKeys(pair.privateKey, await mine.wrapFileKeys(pair.publicKey, { file }, binding), binding)).toEqual({ file });
    });
  }

  it('refuses a wrap moved to another blob, context, person or key, or changed', async () => {
    const { publicKey, privateKey } = await generateKeyPair();
    const w = await wrapFileKeys(publicKey, { file: bytesOf(32, 1) }, binding);
    const moved: WrapBinding[] = [
      { ...binding, blobId: 'f'.repeat(32) },
      { ...binding, context: 'channel:43' },
      { ...binding, context: 'notice' },
      { ...binding, userId: 0 },
      { ...binding, keyId: 'ffffffffffffffff' },
    ];
    for (const b of moved) await expect(unwrapFileKeys(privateKey, w, b)).rejects.toBeInstanceOf(KeyUnwrapError);
    const raw = fromB64u(w);
    raw[40] ^= 1;
    await expect(unwrapFileKeys(privateKey, b64u(raw), binding)).rejects.toBeInstanceOf(KeyUnwrapError);
    await expect(unwrapFileKeys(privateKey, w.slice(0, -2), binding)).rejects.toBeInstanceOf(KeyUnwrapError);
    await expect(unwrapFileKeys(privateKey, w + '=', binding)).rejects.toBeInstanceOf(KeyUnwrapError);
    const stranger = await generateKeyPair();
    await expect(unwrapFileKeys(stranger.privateKey, w, binding)).rejects.toBeInstanceOf(KeyUnwrapError);
  });

  it('names a key by the first 16 hex digits of its SHA-256', async () => {
    // SHA-256 of 32 zero bytes is 66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925.
    expect(await keyIdOf(new Uint8Array(32))).toBe('66687aadf862bd77');
    await expect(keyIdOf(new Uint8Array(31))).rejects.toThrow(RangeError);
  });
});

describe('password-wrapped private key', () => {
  const priv = bytesOf(32, 11);
  const salt = bytesOf(16, 12);

  it('round-trips, with the password in NFC, and is deterministic given salt and nonce', async () => {
    // "é" composed (U+00E9) and decomposed (e + U+0301) are the same password.
    const w = await wrapPrivateKey(priv, 'caf\u00e9-密码', 7, 'k1', salt);
    expect(w.iterations).toBe(MIN_ITERATIONS);
    expect(fromB64u(w.salt)).toEqual(salt);
    expect(fromB64u(w.wrapped)).toHaveLength(12 + 32 + 16);
    expect(await unwrapPrivateKey(w, 'cafe\u0301-密码', 7, 'k1')).toEqual(priv);
    const nonce = bytesOf(12, 13);
    const a = await wrapPrivateKeyWithNonce(priv, 'pw', 7, 'k1', salt, MIN_ITERATIONS, nonce);
    const b = await wrapPrivateKeyWithNonce(priv, 'pw', 7, 'k1', salt, MIN_ITERATIONS, nonce);
    expect(a).toEqual(b);
    expect(fromB64u(a.wrapped).subarray(0, 12)).toEqual(nonce);
  });

  it('refuses a wrong password, another user or key id, and too few iterations', async () => {
    const w = await wrapPrivateKey(priv, 'right', 7, 'k1');
    expect(fromB64u(w.salt)).toHaveLength(16);
    await expect(unwrapPrivateKey(w, 'wrong', 7, 'k1')).rejects.toBeInstanceOf(WrongPasswordError);
    await expect(unwrapPrivateKey(w, 'right', 8, 'k1')).rejects.toBeInstanceOf(WrongPasswordError);
    await expect(unwrapPrivateKey(w, 'right', 7, 'k2')).rejects.toBeInstanceOf(WrongPasswordError);
    await expect(unwrapPrivateKey({ ...w, iterations: 1000 }, 'right', 7, 'k1')).rejects.toBeInstanceOf(WrongPasswordError);
    await expect(wrapPrivateKey(priv, 'pw', 7, 'k1', salt, 100_000)).rejects.toThrow(RangeError);
  });
});

describe('publicKeyOf', () => {
  it('is RFC 7748’s public key of its private key, and each implementation’s generated pair agrees', async () => {
    const hexb = (h: string) => new Uint8Array(h.match(/../g)!.map((x) => parseInt(x, 16)));
    // RFC 7748 §6.1, Alice.
    const alice = hexb('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a');
    expect(await publicKeyOf(alice)).toEqual(hexb('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a'));
    for (const kem of kems) {
      const { publicKey, privateKey } = await withKem(kem).generateKeyPair();
      expect(await publicKeyOf(privateKey)).toEqual(publicKey);
    }
    await expect(publicKeyOf(new Uint8Array(31))).rejects.toThrow(RangeError);
  });
});
