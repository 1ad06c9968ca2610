// The shared vectors of the file encryption (protocol/testdata/e2e, made by the Go tests;
// its README says every file and field). The browser code must agree with Go to the byte.
import { describe, expect, it } from 'vitest';
import { b64u, fromB64u, hex, utf8 } from './bytes';
import { DamagedFileError, KeyUnwrapError, WrongPasswordError } from './errors';
import {
  CONTENT_START,
  SEALED,
  ciphertextSize,
  decodeMeta,
  encodeMeta,
  encryptFileWithNonce,
  paddedSize,
  readMeta,
  type FileMeta,
} from './format';
import { keyIdOf, withKem, wrapAad, type Kem, type WrapBinding } from './hpke';
import { decryptAll, metaRecord, sameBytes } from './testing';
import { unwrapPrivateKey, wrapPrivateKeyWithNonce } from './userkey';

type Json = any;
const FILES = import.meta.glob<Json>('../../../protocol/testdata/e2e/*.json', { eager: true, import: 'default' });
function vectors(name: string): Json {
  const v = FILES[`../../../protocol/testdata/e2e/${name}`];
  if (!v) throw new Error(`protocol/testdata/e2e/${name} is missing (made by go test ./internal/e2e -run TestVectors -update)`);
  return v;
}

const sha256 = async (b: Uint8Array) => hex(new Uint8Array(await crypto.subtle.digest('SHA-256', b as Uint8Array<ArrayBuffer>)));
const blobOf = (b: Uint8Array) => new Blob([b as Uint8Array<ArrayBuffer>]);

/** The vectors' record 0 object ({v, name, type, size, thumb?, w?, h?}) as a FileMeta. */
function fileMeta(m: Json): FileMeta {
  const out: FileMeta = { name: m.name, type: m.type, size: m.size };
  if (m.thumb !== undefined) out.thumb = m.thumb;
  if (m.w !== undefined) out.width = m.w;
  if (m.h !== undefined) out.height = m.h;
  return out;
}

function plaintextOf(p: Json): Uint8Array {
  if (p.b64u !== undefined) return fromB64u(p.b64u);
  expect(p.rule).toBe('i mod 251');
  const b = new Uint8Array(p.size);
  for (let i = 0; i < b.length; i++) b[i] = i % 251;
  return b;
}

const files = vectors('files.json');
const key = fromB64u(files.key);
const nonce = fromB64u(files.nonce);

/** Each files.json case's ciphertext, made by this encryptor (checked against Go's below). */
const made = new Map<string, Promise<Uint8Array>>();
function ciphertextOf(name: string): Promise<Uint8Array> {
  if (!made.has(name)) {
    const c = files.files.find((f: Json) => f.name === name);
    const plain = plaintextOf(c.plaintext);
    made.set(
      name,
      encryptFileWithNonce(key, nonce, fileMeta(c.meta), blobOf(plain)).then((f) => f.range(0, f.size)),
    );
  }
  return made.get(name)!;
}

describe('files.json: the format', () => {
  it('has the header, commitment and aad of the key schedule', async () => {
    const s = files.schedule;
    const f = await encryptFileWithNonce(key, nonce, { name: '', type: '', size: 0 }, blobOf(new Uint8Array(0)));
    expect(b64u(f.header)).toBe(s.header);
    expect(b64u(f.header.subarray(0, 21))).toBe(s.prefix);
    expect(f.commitment).toBe(s.commitment);
    expect(b64u(new Uint8Array(await crypto.subtle.digest('SHA-256', f.header as Uint8Array<ArrayBuffer>)))).toBe(s.aad);
  });

  for (const c of files.files) {
    it(`${c.name}: encrypts to Go's bytes and decrypts to the plaintext`, async () => {
      const plain = plaintextOf(c.plaintext);
      expect(await sha256(plain)).toBe(c.plaintext.sha256);
      expect(new TextDecoder().decode(encodeMeta(fileMeta(c.meta))).replace(/\0+$/, '')).toBe(c.meta_json);
      expect(paddedSize(plain.length)).toBe(c.padded_size);
      expect(ciphertextSize(plain.length)).toBe(c.ciphertext_size);
      const ct = await ciphertextOf(c.name);
      expect(await sha256(ct)).toBe(c.ciphertext_sha256);
      if (c.ciphertext !== undefined) sameBytes(ct, fromB64u(c.ciphertext), 'ciphertext');
      expect(b64u(ct.subarray(21, 53))).toBe(c.commitment);
      const out = await decryptAll(key, c.commitment, ct, 5000);
      sameBytes(out.bytes, plain, 'plaintext');
      expect(out.meta).toEqual(fileMeta(c.meta));
      expect(await readMeta(key, c.commitment, ct.subarray(0, CONTENT_START))).toEqual(fileMeta(c.meta));
    });
  }
});

/** Applies damaged.json's edits in order. */
function edit(ct: Uint8Array, edits: Json[]): Uint8Array {
  let b = ct.slice();
  for (const e of edits) {
    switch (e.op) {
      case 'truncate':
        b = b.slice(0, e.offset);
        break;
      case 'flip':
        b[e.offset] ^= e.mask;
        break;
      case 'drop':
        b = new Uint8Array([...b.subarray(0, e.offset), ...b.subarray(e.offset + e.length)]);
        break;
      case 'swap': {
        const x = b.slice(e.offset, e.offset + e.length);
        const y = b.slice(e.with, e.with + e.length);
        b.set(y, e.offset);
        b.set(x, e.with);
        break;
      }
      case 'append': {
        // offset is where the data goes: the length so far (the README's wording differs).
        const d = fromB64u(e.data);
        expect(b.length).toBe(e.offset);
        const n = new Uint8Array(b.length + d.length);
        n.set(b);
        n.set(d, b.length);
        b = n;
        break;
      }
      default:
        throw new Error(`unknown edit ${e.op}`);
    }
  }
  return b;
}

describe('damaged.json: every damage is refused', () => {
  const damaged = vectors('damaged.json');
  it('has cases', () => expect(damaged.cases.length).toBeGreaterThan(20));
  for (const c of damaged.cases) {
    it(`${c.name} (${c.reason})`, async () => {
      const ct = c.ciphertext !== undefined ? fromB64u(c.ciphertext) : edit(await ciphertextOf(c.base), c.edits ?? []);
      const k = fromB64u(c.key);
      for (const chunk of [7, 65552, 1 << 20]) {
        await expect(decryptAll(k, c.commitment, ct, chunk)).rejects.toBeInstanceOf(DamagedFileError);
      }
    });
  }
});

describe('meta.json: record 0', () => {
  const meta = vectors('meta.json');
  it('writes the canonical JSON and reads it back', () => {
    for (const c of meta.canonical) {
      const m = fileMeta(c.meta);
      const rec = encodeMeta(m);
      sameBytes(rec, metaRecord(c.json), c.json);
      expect(decodeMeta(rec)).toEqual(m);
    }
  });
  it('reads the accepted texts', () => {
    for (const c of meta.accepted) {
      const rec = new Uint8Array(4096);
      rec.set(fromB64u(c.json_b64u));
      expect(decodeMeta(rec), c.name).toEqual(fileMeta(c.meta));
    }
  });
  it('refuses the refused texts', () => {
    for (const c of meta.refused) {
      const rec = new Uint8Array(4096);
      rec.set(fromB64u(c.json_b64u));
      expect(() => decodeMeta(rec), c.name).toThrow(DamagedFileError);
    }
  });
});

describe('padding.json: sizes', () => {
  const padding = vectors('padding.json');
  it('has the first buckets and every sample size', () => {
    let b = 0;
    for (const want of padding.first_buckets) {
      b = paddedSize(b + 1);
      expect(b).toBe(want);
    }
    expect(paddedSize(0)).toBe(padding.first_buckets[0]);
    for (const s of padding.sizes) {
      expect(paddedSize(s.size), `size ${s.size}`).toBe(s.padded_size);
      expect(Math.ceil(s.padded_size / 65536)).toBe(s.records);
      expect(ciphertextSize(s.size)).toBe(s.ciphertext_size);
      expect(CONTENT_START + (s.records - 1) * SEALED).toBe(s.last_record_offset);
    }
  });
});

describe('hpke.json: file-key wraps made by Go', () => {
  const hpke = vectors('hpke.json');
  expect(hpke.suite).toEqual({ mode: 0, kem: 0x20, kdf: 1, aead: 2 });
  expect(hpke.info).toBe('govchat-file-key/1');
  const bindingOf = (b: Json): WrapBinding => ({ blobId: b.blob_id, context: b.context, userId: b.user_id, keyId: b.key_id });
  for (const kem of ['webcrypto', 'noble'] as Kem[]) {
    it(`opens every wrap (${kem} X25519)`, async () => {
      for (const c of hpke.cases) {
        expect(b64u(wrapAad(bindingOf(c.binding)))).toBe(c.aad);
        expect(await keyIdOf(fromB64u(c.recipient_public))).toBe(c.binding.key_id);
        const keys = await withKem(kem).unwrapFileKeys(fromB64u(c.recipient_private), c.wrapped, bindingOf(c.binding));
        expect(b64u(keys.file)).toBe(c.keys.file);
        expect(keys.thumb && b64u(keys.thumb)).toBe(c.keys.thumb);
      }
    });
    it(`refuses every refusal (${kem} X25519)`, async () => {
      for (const r of hpke.refusals) {
        const c = hpke.cases.find((x: Json) => x.name === r.case);
        const priv = fromB64u(r.recipient_private ?? c.recipient_private);
        const b = bindingOf(r.binding ?? c.binding);
        await expect(withKem(kem).unwrapFileKeys(priv, r.wrapped ?? c.wrapped, b), r.name).rejects.toBeInstanceOf(KeyUnwrapError);
      }
    });
  }
});

describe('keyids.json', () => {
  it('names each key as Go does', async () => {
    for (const k of vectors('keyids.json').keys) expect(await keyIdOf(fromB64u(k.public))).toBe(k.key_id);
  });
});

describe('userkeys.json: the password wrap of a private key', () => {
  const uk = vectors('userkeys.json');
  const fromHex = (h: string) => new TextDecoder().decode(new Uint8Array(h.match(/../g)!.map((x) => parseInt(x, 16))));
  it('wraps byte for byte as Go does, typed or NFC, and unwraps', async () => {
    for (const c of uk.cases) {
      const typed = fromHex(c.password_utf8_hex);
      const nfc = fromHex(c.password_nfc_utf8_hex);
      expect(hex(utf8(typed.normalize('NFC')))).toBe(c.password_nfc_utf8_hex);
      for (const pw of [typed, nfc]) {
        const w = await wrapPrivateKeyWithNonce(fromB64u(c.private), pw, c.user_id, c.key_id, fromB64u(c.salt), c.iterations, fromB64u(c.nonce));
        expect(w).toEqual({ wrapped: c.wrapped, salt: c.salt, iterations: c.iterations });
      }
      const w = { wrapped: c.wrapped, salt: c.salt, iterations: c.iterations };
      expect(b64u(await unwrapPrivateKey(w, typed, c.user_id, c.key_id))).toBe(c.private);
      expect(await keyIdOf(fromB64u(c.public))).toBe(c.key_id);
    }
  }, 120_000);
  it('refuses every refusal', async () => {
    for (const r of uk.refusals) {
      const c = uk.cases.find((x: Json) => x.name === r.case);
      const w = { wrapped: r.wrapped ?? c.wrapped, salt: c.salt, iterations: c.iterations };
      const pw = r.password ?? fromHex(c.password_utf8_hex);
      await expect(unwrapPrivateKey(w, pw, r.user_id ?? c.user_id, r.key_id ?? c.key_id), r.name).rejects.toBeInstanceOf(WrongPasswordError);
    }
  }, 120_000);
});
