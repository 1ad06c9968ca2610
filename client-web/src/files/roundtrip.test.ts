// The sending side with the real e2e library (src/e2e), end to end in one process: a key
// pair made and opened with a password on two "devices", a file encrypted, uploaded in
// parts, its keys shared, and the recipient unwrapping the key and decrypting what the
// server holds back to the same bytes. Only the server is played by the test.

import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api';
import * as e2e from '../e2e';
import { createDeviceVault, type DeviceRecord } from './device';
import { createKeyring } from './keyring-impl';
import { createSharer } from './share';
import { hex } from './testbytes';
import type { FileKey, MyKey, PutMyKeyRequest, UserKey } from './types';
import { createUploadQueue, type UploadDeps } from './upload';

const PART = 64 * 1024 + 7; // parts not aligned to records, as 4 MiB parts are not either

function vault() {
  const data = new Map<number, DeviceRecord>();
  return createDeviceVault({ get: async (id) => data.get(id), put: async (id, r) => void data.set(id, r), delete: async (id) => void data.delete(id) });
}

/** The server: people's keys, uploads in parts, posted file keys. */
function server() {
  const mine = new Map<number, MyKey>();
  const uploads = new Map<string, { size: number; parts: Map<number, Uint8Array>; complete: boolean }>();
  const fileKeys: FileKey[] = [];
  let n = 0;
  const keysApi = (me: number) => ({
    myKey: async () => mine.get(me) ?? null,
    async putMyKey(k: PutMyKeyRequest) {
      const pub = e2e.fromB64u(k.public_key);
      mine.set(me, { user_id: me, key_id: await e2e.keyIdOf(pub), public_key: k.public_key, created_at: '', wrapped_private: k.wrapped_private, kdf_salt: k.kdf_salt, kdf_iterations: k.kdf_iterations });
    },
    keys: async (ids: readonly number[]) => ids.map((id) => mine.get(id)).filter((k): k is MyKey => !!k).map(pub),
    channelKeys: async () => [...mine.values()].map(pub),
    escrowKey: async () => null,
  });
  const pub = (k: MyKey): UserKey => ({ user_id: k.user_id, key_id: k.key_id, public_key: k.public_key, created_at: k.created_at });
  const view = (id: string) => {
    const u = uploads.get(id)!;
    return { id, size: u.size, part_size: PART, parts: Math.ceil(u.size / PART), received: [...u.parts.keys()].sort((a, b) => a - b), complete: u.complete, expires_at: '' };
  };
  const uploadApi: UploadDeps['api'] = {
    async createUpload(size) {
      const id = (++n).toString(16).padStart(32, 'a');
      uploads.set(id, { size, parts: new Map(), complete: false });
      return view(id);
    },
    upload: async (id) => view(id),
    async putPart(id, part, bytes) {
      uploads.get(id)!.parts.set(part, bytes.slice());
    },
    async complete(id, digest) {
      const all = whole(id);
      if (hex(new Uint8Array(await crypto.subtle.digest('SHA-256', all))) !== digest) throw new ApiError(422, 'digest_mismatch', '');
      uploads.get(id)!.complete = true;
      return view(id);
    },
    cancel: async () => undefined,
  };
  function whole(id: string): Uint8Array<ArrayBuffer> {
    const u = uploads.get(id)!;
    const out = new Uint8Array(u.size);
    for (const [p, b] of u.parts) out.set(b, p * PART);
    return out;
  }
  return { mine, uploads, fileKeys, keysApi, uploadApi, whole, postFileKeys: async (_blob: string, body: { keys: FileKey[] }) => void fileKeys.push(...body.keys) };
}

async function decrypt(key: Uint8Array, commitment: string, cipher: Uint8Array<ArrayBuffer>) {
  const d = e2e.decryptStream(key, commitment);
  const out = new Response(new Blob([cipher]).stream().pipeThrough(d.stream)).arrayBuffer();
  return { meta: await d.meta, bytes: new Uint8Array(await out) };
}

describe('sending a file with the real e2e library', () => {
  it('a key pair made at login opens on another device with the password; the wrong one does not', async () => {
    const srv = server();
    // The account's salt, as prelogin would name it: one derivation per password.
    const derive = (pw: string) => e2e.deriveCredential(pw, { salt: 'c2FsdHNhbHRzYWx0c2FsdA', iterations: 600_000 });
    const a = createKeyring({ api: srv.keysApi(5), crypto: e2e, vault: vault(), me: { id: 5 }, derive });
    await a.start({ cred: await derive('Govchat#2026') });
    expect(a.getState().status).toBe('ready');
    expect(srv.mine.get(5)!.kdf_iterations).toBeGreaterThanOrEqual(600_000);
    expect(srv.mine.get(5)!.kdf_salt).toBe('c2FsdHNhbHRzYWx0c2FsdA');
    const b = createKeyring({ api: srv.keysApi(5), crypto: e2e, vault: vault(), me: { id: 5 }, derive });
    await b.start({ cred: await derive('wrong password!') });
    expect(b.getState()).toMatchObject({ status: 'locked', wrongPassword: true });
    await b.unlock('Govchat#2026');
    expect(b.keyring.privateKey()).toEqual(a.keyring.privateKey());
  }, 30_000);

  it('encrypts, uploads, shares and the recipient decrypts the same bytes; the server holds no plaintext', async () => {
    const srv = server();
    const sender = createKeyring({ api: srv.keysApi(1), crypto: e2e, vault: vault(), me: { id: 1 } });
    const receiver = createKeyring({ api: srv.keysApi(2), crypto: e2e, vault: vault(), me: { id: 2 } });
    await sender.start({ cred: await e2e.newCredential('pw-of-sender-1') });
    await receiver.start({ cred: await e2e.newCredential('pw-of-receiver') });
    const sharer = createSharer({ keyring: sender.keyring, api: { postFileKeys: srv.postFileKeys }, crypto: e2e });
    const marker = new TextEncoder().encode('GOVCHAT-PLAINTEXT-MARKER-');
    const plain = new Uint8Array(300_000);
    for (let i = 0; i < plain.length; i++) plain[i] = marker[i % marker.length]!;
    const sent: { attachment: { blob_id: string; commitment: string; size: number } }[] = [];
    const q = createUploadQueue({
      api: srv.uploadApi,
      crypto: e2e,
      hasher: () => sha256.create(),
      thumbnail: async () => null,
      recipients: async () => [1, 2, 3],
      share: (o) => sharer.shareCounting(o),
      send: (_c, attachment) => void sent.push({ attachment }),
      discard: () => undefined,
      hasKey: sender.hasKey,
      me: { id: 1 },
      newClientId: () => 'web-1',
      partSize: PART,
    });
    q.add(7, [new File([plain], '决算报告.docx', { type: 'application/msword' })]);
    for (let i = 0; i < 500 && !sent.length && q.getState().items[0]?.stage !== 'failed'; i++) await new Promise((r) => setTimeout(r, 10));
    expect(q.getState().items[0]).toMatchObject({ stage: 'sending', missing: 1 }); // person 3 has no key yet
    const att = sent[0]!.attachment;
    expect(att.size).toBe(e2e.ciphertextSize(plain.length));
    const cipher = srv.whole(att.blob_id);
    // Not a byte of the marker on the server.
    const text = new TextDecoder('latin1').decode(cipher);
    expect(text.includes('GOVCHAT-PLAINTEXT')).toBe(false);
    expect(text.includes('决算')).toBe(false);
    // Person 3 has no key: skipped; 1 and 2 got wraps bound to this blob and channel.
    expect(srv.fileKeys.map((k) => [k.user_id, k.context, k.blob_id])).toEqual([
      [1, 'channel:7', att.blob_id],
      [2, 'channel:7', att.blob_id],
    ]);
    const mine = srv.fileKeys.find((k) => k.user_id === 2)!;
    const keys = await e2e.unwrapFileKeys(receiver.keyring.privateKey()!, mine.wrapped, { blobId: att.blob_id, context: 'channel:7', userId: 2, keyId: mine.key_id });
    const { meta, bytes } = await decrypt(keys.file, att.commitment, cipher);
    expect(meta).toMatchObject({ name: '决算报告.docx', type: 'application/msword', size: plain.length });
    expect(bytes).toEqual(plain);
  }, 60_000);
});
