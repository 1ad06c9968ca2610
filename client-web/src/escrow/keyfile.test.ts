// The escrow key file and the pasted public key: the format `govchat e2e keygen` writes
// and `govchat e2e open --key-file` reads (one base64url line), and what is refused.

import { describe, expect, it } from 'vitest';
import { b64u, generateKeyPair, keyIdOf } from '../e2e';
import { confirmCode, confirms, EscrowInputError, keyFileBytes, keyFileName, keyIdOfPrivate, MAX_KEY_FILE_BYTES, parseKeyFile, parsePublicKey } from './keyfile';

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const bytes = (s: string) => new TextEncoder().encode(s);
const code = async (p: Promise<unknown> | (() => unknown)) => {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    return e instanceof EscrowInputError ? e.code : String(e);
  }
  return 'accepted';
};

describe('the key file', () => {
  it('is keygen’s: base64url of the 32 raw bytes and a line feed, named by the key id', async () => {
    for (let i = 0; i < 20; i++) {
      const { privateKey } = await generateKeyPair();
      const file = keyFileBytes(privateKey);
      // Go: fmt.Fprintln(file, e2e.Encode(priv)), Encode being RawURLEncoding.
      expect(text(file)).toBe(b64u(privateKey) + '\n');
      expect(file).toHaveLength(44);
      expect(parseKeyFile(file)).toEqual(privateKey);
    }
    expect(keyFileName('c0ffee0123456789')).toBe('govchat-escrow-c0ffee0123456789.key');
    expect(() => keyFileBytes(new Uint8Array(31))).toThrow(RangeError);
  });

  it('reads a file saved again with CRLF, a BOM-less copy with spaces, no final line feed', async () => {
    const { privateKey } = await generateKeyPair();
    const line = b64u(privateKey);
    for (const variant of [line, line + '\r\n', `  ${line}\n\n`, `\t${line}`]) expect(parseKeyFile(bytes(variant))).toEqual(privateKey);
  });

  it('refuses anything else as key_file_invalid', async () => {
    const { privateKey, publicKey } = await generateKeyPair();
    const line = b64u(privateKey);
    const bad = [
      '',
      line.slice(1), // 31 bytes and a bit
      line + 'A', // 33 bytes' worth
      b64u(new Uint8Array(33)),
      '+' + line.slice(1), // the standard alphabet
      line + '=', // padding
      `${line}\n${line}\n`, // two keys
      `${b64u(publicKey).slice(0, 16)} ${line}`, // keygen's stdout line, not its file
    ];
    for (const b of bad) expect(await code(() => parseKeyFile(bytes(b))), JSON.stringify(b)).toBe('key_file_invalid');
    expect(await code(() => parseKeyFile(new Uint8Array([0xff, 0xfe, 0x41])))).toBe('key_file_invalid'); // not UTF-8
    expect(await code(() => parseKeyFile(new Uint8Array(MAX_KEY_FILE_BYTES + 1).fill(0x41)))).toBe('key_file_invalid');
  });

  it('knows its key id from the private key alone', async () => {
    const { privateKey, publicKey } = await generateKeyPair();
    expect(await keyIdOfPrivate(privateKey)).toBe(await keyIdOf(publicKey));
  });
});

describe('a pasted public key', () => {
  it('takes the key alone or keygen’s whole line, and says its id', async () => {
    const { publicKey } = await generateKeyPair();
    const pub = b64u(publicKey);
    const id = await keyIdOf(publicKey);
    expect(await parsePublicKey(pub)).toEqual({ publicKey: pub, keyId: id });
    expect(await parsePublicKey(`  ${id} ${pub}\n`)).toEqual({ publicKey: pub, keyId: id });
    expect(await parsePublicKey(`${id}\t${pub}`)).toEqual({ publicKey: pub, keyId: id });
  });

  it('refuses what is not a 32-byte key, and a line whose id is not the key’s', async () => {
    const a = await generateKeyPair();
    const b = await generateKeyPair();
    const pub = b64u(a.publicKey);
    for (const bad of ['', 'hello', pub.slice(0, 40), pub + 'AA', b64u(new Uint8Array(32)), `${pub} ${pub}`, `abc ${pub}`, `${await keyIdOf(a.publicKey)} ${pub} extra`, pub + '=']) {
      expect(await code(parsePublicKey(bad)), bad).toBe('public_invalid');
    }
    // Another key's id: a mix-up, or keygen's line with the private key pasted in its place.
    expect(await code(parsePublicKey(`${await keyIdOf(b.publicKey)} ${pub}`))).toBe('public_id_mismatch');
    expect(await code(parsePublicKey(`${await keyIdOf(a.publicKey)} ${b64u(a.privateKey)}`))).toBe('public_id_mismatch');
  });
});

describe('the confirmation', () => {
  it('asks for the key id’s last four characters', () => {
    expect(confirmCode('c0ffee0123456789')).toBe('6789');
    expect(confirms('c0ffee01234567ab', '67ab')).toBe(true);
    expect(confirms('c0ffee01234567ab', ' 67AB ')).toBe(true);
    for (const no of ['', '7ab', '567ab', '67aa', 'c0ff']) expect(confirms('c0ffee01234567ab', no), no).toBe(false);
  });
});
