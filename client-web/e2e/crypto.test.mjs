// The file encryption of src/e2e in real Chromium against Go's (`govchat e2e`, the
// internal/e2e package): Go encrypts → Chromium decrypts and back, wraps both ways, damage
// refused, and the speed and memory of a 200 MiB file. `npm run test:browser` (harness.mjs;
// GOVCHAT_BIN names the govchat binary, whose `e2e` subcommands do the Go side).
//
// How the module reaches the browser: no govchat server is needed, and the product bundle
// must carry no test hook, so this file builds a one-line test page (it imports
// src/e2e/index.ts and sets window.e2e) with Vite's build API into a temporary folder, and
// serves it with a tiny static server of its own — which also serves the ciphertexts Go
// made (GET /files/<name>) and takes what the page encrypted (PUT /files/<name>). A built
// page needs no dev-server dependency scan (which can reload the page mid-test) and runs the
// same bundled code the app ships. 127.0.0.1 is a secure context, so WebCrypto is there.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'vite';
import { launchBrowser, openPage } from './harness.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const MiB = 1 << 20;
const PART = 4 * MiB; // protocol.FilePartSize
const BIG = 200 * MiB;
const run = promisify(execFile);

const b64u = (buf) => Buffer.from(buf).toString('base64url');
const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

function govchatBin() {
  const bin = process.env.GOVCHAT_BIN;
  if (!bin) throw new Error('GOVCHAT_BIN is not set: build govchat (make build) and point GOVCHAT_BIN at it');
  return path.resolve(bin);
}

/** Runs `govchat e2e <args>`; answers its stdout, trimmed. */
async function govchat(...args) {
  const { stdout } = await run(govchatBin(), ['e2e', ...args], { maxBuffer: MiB });
  return stdout.trim();
}

let dir; // the temporary folder: page/, dist/, files/
let files;
let site; // { url, close }
let browser;

/** Builds the test page: index.html and an entry that puts the e2e module on window. */
async function buildPage() {
  const page = path.join(dir, 'page');
  await mkdir(page);
  await writeFile(path.join(page, 'index.html'), '<!doctype html><meta charset="utf-8"><title>e2e</title><script type="module" src="./main.ts"></script>\n');
  await writeFile(path.join(page, 'main.ts'), "import * as e2e from 'govchat-e2e';\n(window as any).e2e = e2e;\n");
  await build({
    configFile: false,
    root: page,
    // 'error': @hpke/common's Node ≤ 18 fallback (a dynamic import of "crypto", never reached in a
    // browser) makes Vite warn that it stubbed the module out.
    logLevel: 'error',
    resolve: { alias: { 'govchat-e2e': path.join(HERE, '..', 'src', 'e2e', 'index.ts') } },
    build: { outDir: path.join(dir, 'dist'), emptyOutDir: true, target: 'es2022', minify: false, modulePreload: false },
  });
}

/** The static server: the built page, GET and PUT of /files/<name>. */
function serve() {
  const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript' };
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://x');
      const name = path.basename(decodeURIComponent(url.pathname));
      if (url.pathname.startsWith('/files/')) {
        const file = path.join(files, name);
        if (req.method === 'PUT') {
          // ?append: the parts of an upload, in order.
          await pipeline(req, createWriteStream(file, { flags: url.searchParams.has('append') ? 'a' : 'w' }));
          res.writeHead(204).end();
          return;
        }
        const { size } = await stat(file);
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size });
        await pipeline(createReadStream(file, { highWaterMark: 256 * 1024 }), res);
        return;
      }
      const rel = url.pathname === '/' ? 'index.html' : url.pathname.slice(1);
      const file = path.join(dir, 'dist', path.normalize(rel).replace(/^(\.\.[/\\])+/, ''));
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch (err) {
      if (!res.headersSent) res.writeHead(err.code === 'ENOENT' ? 404 : 500);
      res.end();
    }
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) }),
    ),
  );
}

before(
  async () => {
    govchatBin();
    dir = await mkdtemp(path.join(tmpdir(), 'govchat-crypto-'));
    files = path.join(dir, 'files');
    await mkdir(files);
    await buildPage();
    site = await serve();
    browser = await launchBrowser();
  },
  { timeout: 120_000 },
);

after(async () => {
  await browser?.close().catch(() => {});
  await site?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A fresh page with window.e2e loaded; `problems` must stay empty. */
async function e2ePage(t) {
  const p = await openPage(browser, { baseURL: site.url, t });
  await p.page.goto(site.url + '/');
  await p.page.waitForFunction(() => typeof window.e2e?.decryptStream === 'function');
  return p;
}

/**
 * In the page: fetches /files/<name> and decrypts it through decryptStream. Answers the
 * SHA-256 of the content, its length and the metadata, or the error's name and message.
 */
function decryptInPage(page, name, key, commitment) {
  return page.evaluate(
    async ({ name, key, commitment }) => {
      const { decryptStream, fromB64u } = window.e2e;
      const { meta, stream } = decryptStream(fromB64u(key), commitment);
      const parts = [];
      try {
        const res = await fetch('/files/' + name);
        await res.body.pipeThrough(stream).pipeTo(new WritableStream({ write: (c) => void parts.push(c) }));
      } catch (err) {
        return { error: err.name, message: err.message, bytes: parts.reduce((n, p) => n + p.length, 0) };
      }
      const all = new Uint8Array(await new Blob(parts).arrayBuffer());
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', all));
      const hex = [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
      return { sha256: hex, size: all.length, meta: await meta };
    },
    { name, key, commitment },
  );
}

const binding = (keyId, userId = 7) => ({ blobId: '0123456789abcdef0123456789abcdef', context: 'channel:42', userId, keyId });
const bindingFlags = (b) => ['--blob-id', b.blobId, '--context', b.context, '--user-id', String(b.userId), '--key-id', b.keyId];

test('Go encrypts, Chromium decrypts a 5 MiB file to the same bytes; damage is refused', { timeout: 120_000 }, async (t) => {
  const { page, problems } = await e2ePage(t);
  const plain = randomBytes(5 * MiB + 12345);
  const key = b64u(randomBytes(32));
  await writeFile(path.join(files, 'go.plain'), plain);
  const commitment = await govchat(
    'seal', '--file-key', key, '--nonce', b64u(randomBytes(16)), '--name', '季度报表 Q3.xlsx', '--type', 'application/vnd.ms-excel',
    '--in', path.join(files, 'go.plain'), '--out', path.join(files, 'go.ct'),
  );
  const got = await decryptInPage(page, 'go.ct', key, commitment);
  assert.equal(got.error, undefined, got.message);
  assert.equal(got.size, plain.length);
  assert.equal(got.sha256, sha256(plain));
  assert.deepEqual(got.meta, { name: '季度报表 Q3.xlsx', type: 'application/vnd.ms-excel', size: plain.length });

  // (d) Damage: a bit flipped in a content record, the final record cut, a byte appended,
  // another message's commitment. Each is refused with DamagedFileError.
  const ct = await readFile(path.join(files, 'go.ct'));
  const flipped = Buffer.from(ct);
  flipped[4165 + 3 * 65552 + 100] ^= 0x20;
  await writeFile(path.join(files, 'flipped.ct'), flipped);
  await writeFile(path.join(files, 'cut.ct'), ct.subarray(0, ct.length - 1000));
  await writeFile(path.join(files, 'longer.ct'), Buffer.concat([ct, Buffer.from([0])]));
  for (const [name, c] of [['flipped.ct', commitment], ['cut.ct', commitment], ['longer.ct', commitment], ['go.ct', b64u(randomBytes(32))]]) {
    const r = await decryptInPage(page, name, key, c);
    assert.equal(r.error, 'DamagedFileError', `${name}: ${JSON.stringify(r)}`);
    // The records before a flipped one are genuine and may have been handed on; none after.
    if (name === 'flipped.ct') assert.ok(r.bytes <= 3 * 65536, `bytes past the damage: ${r.bytes}`);
  }
  assert.deepEqual(problems, []);
});

test('Chromium encrypts in 4 MiB parts, Go decrypts to the same bytes; Go refuses it damaged', { timeout: 120_000 }, async (t) => {
  const { page, problems } = await e2ePage(t);
  const plain = randomBytes(5 * MiB + 777);
  await writeFile(path.join(files, 'browser.plain'), plain);
  const key = randomBytes(32);
  const { commitment, size } = await page.evaluate(
    async ({ key, PART }) => {
      const { encryptFile, fromB64u } = window.e2e;
      const blob = await (await fetch('/files/browser.plain')).blob();
      const meta = { name: '现场照片.jpg', type: 'image/jpeg', size: blob.size, thumb: 'ab'.repeat(16), width: 4032, height: 3024 };
      const f = await encryptFile(fromB64u(key), meta, blob);
      // As an upload: the parts in order, each made from the source on demand; the second
      // part once more (a retried part must be byte-identical).
      const second = await f.range(PART, Math.min(f.size, 2 * PART));
      for (let a = 0; a < f.size; a += PART) {
        const part = await f.range(a, Math.min(f.size, a + PART));
        if (a === PART && part.some((b, i) => b !== second[i])) throw new Error('a part made twice differs');
        const res = await fetch('/files/browser.ct?append', { method: 'PUT', body: part });
        if (!res.ok) throw new Error(`PUT ${res.status}`);
      }
      return { commitment: f.commitment, size: f.size };
    },
    { key: b64u(key), PART },
  );
  const ct = await readFile(path.join(files, 'browser.ct'));
  assert.equal(ct.length, size);
  const out = path.join(files, 'browser.out');
  const meta = JSON.parse(await govchat('open', '--in', path.join(files, 'browser.ct'), '--out', out, '--commitment', commitment, '--file-key', b64u(key)));
  assert.equal(sha256(await readFile(out)), sha256(plain));
  assert.equal(meta.name, '现场照片.jpg');
  assert.equal(meta.size, plain.length);
  assert.equal(meta.thumb, 'ab'.repeat(16));

  const bad = Buffer.from(ct);
  bad[ct.length - 20] ^= 1;
  await writeFile(path.join(files, 'browser-bad.ct'), bad);
  const badOut = path.join(files, 'browser-bad.out');
  await assert.rejects(govchat('open', '--in', path.join(files, 'browser-bad.ct'), '--out', badOut, '--commitment', commitment, '--file-key', b64u(key)));
  await assert.rejects(stat(badOut), { code: 'ENOENT' });
  assert.deepEqual(problems, []);
});

test('file keys wrapped by Go open in Chromium, and wrapped in Chromium open in Go', { timeout: 120_000 }, async (t) => {
  const { page, problems } = await e2ePage(t);
  const fileKey = b64u(randomBytes(32));
  const thumbKey = b64u(randomBytes(32));

  // Chromium → Go: a key pair made by Go; the page wraps to its public key.
  const keyFile = path.join(files, 'go.key');
  const [goKeyId, goPublic] = (await govchat('keygen', '--out', keyFile)).split(' ');
  const b1 = binding(goKeyId);
  const fromPage = await page.evaluate(
    async ({ pub, fileKey, thumbKey, b }) => {
      const { wrapFileKeys, keyIdOf, fromB64u } = window.e2e;
      const keyId = await keyIdOf(fromB64u(pub));
      const wrapped = await wrapFileKeys(fromB64u(pub), { file: fromB64u(fileKey), thumb: fromB64u(thumbKey) }, b);
      return { keyId, wrapped };
    },
    { pub: goPublic, fileKey, thumbKey, b: b1 },
  );
  assert.equal(fromPage.keyId, goKeyId);
  assert.equal(await govchat('unwrap', '--key-file', keyFile, '--wrapped', fromPage.wrapped, ...bindingFlags(b1)), `${fileKey} ${thumbKey}`);
  // Bound: the same wrap for another person does not open.
  await assert.rejects(govchat('unwrap', '--key-file', keyFile, '--wrapped', fromPage.wrapped, ...bindingFlags(binding(goKeyId, 8))));

  // Go → Chromium: a key pair made in the page (the private key stays there); Go wraps.
  const { pub, keyId } = await page.evaluate(async () => {
    const { generateKeyPair, keyIdOf, b64u } = window.e2e;
    const pair = await generateKeyPair();
    window.testPrivateKey = pair.privateKey;
    return { pub: b64u(pair.publicKey), keyId: await keyIdOf(pair.publicKey) };
  });
  const b2 = binding(keyId, 0); // the escrow's binding: user 0
  const wrapped = await govchat('wrap', '--public', pub, '--file-key', fileKey, '--thumb-key', thumbKey, ...bindingFlags(b2));
  const opened = await page.evaluate(
    async ({ wrapped, b }) => {
      const { unwrapFileKeys, b64u } = window.e2e;
      const keys = await unwrapFileKeys(window.testPrivateKey, wrapped, b);
      let moved = 'opened';
      try {
        await unwrapFileKeys(window.testPrivateKey, wrapped, { ...b, context: 'notice' });
      } catch (err) {
        moved = err.name;
      }
      return { file: b64u(keys.file), thumb: b64u(keys.thumb), moved };
    },
    { wrapped, b: b2 },
  );
  assert.deepEqual(opened, { file: fileKey, thumb: thumbKey, moved: 'KeyUnwrapError' });
  assert.deepEqual(problems, []);
});

test(`speed and memory: encrypt ${BIG / MiB} MiB in 4 MiB parts; decrypt Go's ciphertext of it streaming`, { timeout: 300_000 }, async (t) => {
  const { page, context, problems } = await e2ePage(t);
  const cdp = await context.newCDPSession(page);
  // The file: 1 MiB of random bytes 200 times over, each copy with its index in its first
  // four bytes (so a misplaced record would show). Go seals it for the decryption.
  const block = randomBytes(MiB);
  await writeFile(path.join(files, 'block.bin'), block);
  const out = createWriteStream(path.join(files, 'big.plain'));
  for (let i = 0; i < BIG / MiB; i++) {
    const c = Buffer.from(block);
    c.writeUInt32BE(i, 0);
    if (!out.write(c)) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r, j) => out.end((err) => (err ? j(err) : r())));
  const key = b64u(randomBytes(32));
  const commitment = await govchat(
    'seal', '--file-key', key, '--nonce', b64u(randomBytes(16)), '--name', 'big.bin', '--type', 'application/octet-stream',
    '--in', path.join(files, 'big.plain'), '--out', path.join(files, 'big.ct'),
  );
  await rm(path.join(files, 'big.plain'));

  // 1. Encrypt: encryptFile, then every 4 MiB part made as an upload makes it, nothing kept.
  const enc = await page.evaluate(
    async ({ BIG, MiB, PART }) => {
      const { encryptFile, newFileKey } = window.e2e;
      const block = new Uint8Array(await (await fetch('/files/block.bin')).arrayBuffer());
      const copies = [];
      for (let i = 0; i < BIG / MiB; i++) {
        const c = block.slice();
        new DataView(c.buffer).setUint32(0, i);
        copies.push(c);
      }
      const blob = new Blob(copies);
      copies.length = 0;
      const t0 = performance.now();
      const f = await encryptFile(newFileKey(), { name: 'big.bin', type: 'application/octet-stream', size: blob.size }, blob);
      let bytes = 0;
      for (let a = 0; a < f.size; a += PART) bytes += (await f.range(a, Math.min(f.size, a + PART))).length;
      return { ms: performance.now() - t0, bytes, size: f.size };
    },
    { BIG, MiB, PART },
  );
  assert.equal(enc.bytes, enc.size);

  // 2. Decrypt: fetch → decryptStream → a sink that checks the bytes and keeps none (as a
  // download to disk keeps none in the page). The heap is sampled through CDP meanwhile:
  // usedSize is the JS heap (what performance.memory reports); ArrayBuffer contents are
  // counted apart (backingStorageSize). V8 frees those only at a GC, which it starts once
  // enough of them are outstanding, so their peak measures the collector as much as the
  // code: a second run forces a GC before each sample to see what is live.
  const decrypt = () =>
    page.evaluate(
      async ({ key, commitment, MiB }) => {
        const { decryptStream, fromB64u } = window.e2e;
        const block = new Uint8Array(await (await fetch('/files/block.bin')).arrayBuffer());
        const t0 = performance.now();
        const { meta, stream } = decryptStream(fromB64u(key), commitment);
        const res = await fetch('/files/big.ct');
        let at = 0;
        let wrong = 0;
        await res.body.pipeThrough(stream).pipeTo(
          new WritableStream({
            write(c) {
              // Spot checks (a few bytes per chunk) keep the sink cheap next to the decryption.
              for (const i of [0, 3, 4, c.length >> 1, c.length - 1]) {
                const o = at + i;
                const copy = Math.floor(o / MiB);
                const want = o % MiB < 4 ? (copy >>> (8 * (3 - (o % MiB)))) & 0xff : block[o % MiB];
                if (c[i] !== want) wrong++;
              }
              at += c.length;
            },
          }),
        );
        return { ms: performance.now() - t0, bytes: at, wrong, size: (await meta).size };
      },
      { key, commitment, MiB },
    );
  const usage = () => cdp.send('Runtime.getHeapUsage');
  /** Runs fn sampling the heap (after a forced GC each time when live); answers its result and the peak growths in MiB. */
  async function sampled(fn, { live = false } = {}) {
    await cdp.send('HeapProfiler.collectGarbage');
    const base = await usage();
    const peak = { used: 0, backing: 0 };
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        if (live) await cdp.send('HeapProfiler.collectGarbage');
        const u = await usage();
        peak.used = Math.max(peak.used, u.usedSize - base.usedSize);
        peak.backing = Math.max(peak.backing, (u.backingStorageSize ?? 0) - (base.backingStorageSize ?? 0));
        await new Promise((r) => setTimeout(r, live ? 100 : 25));
      }
    })();
    try {
      return { result: await fn(), used: peak.used / MiB, backing: peak.backing / MiB };
    } finally {
      sampling = false;
      await sampler;
    }
  }
  const run1 = await sampled(decrypt);
  const run2 = await sampled(decrypt, { live: true });
  for (const { result } of [run1, run2]) {
    assert.equal(result.bytes, BIG);
    assert.equal(result.size, BIG);
    assert.equal(result.wrong, 0);
  }

  const mbs = (ms) => (BIG / 1e6 / (ms / 1000)).toFixed(0);
  const used = Math.max(run1.used, run2.used);
  const report = [
    `encrypt ${BIG / MiB} MiB (encryptFile + every 4 MiB range): ${mbs(enc.ms)} MB/s (${enc.ms.toFixed(0)} ms)`,
    `download + decryptStream of Go's ciphertext: ${mbs(run1.result.ms)} MB/s (${run1.result.ms.toFixed(0)} ms)`,
    `JS heap growth while decrypting (peak usedSize): ${used.toFixed(1)} MiB; ArrayBuffer contents: peak ${run1.backing.toFixed(1)} MiB, ` +
      `${run2.backing.toFixed(1)} MiB live (GC forced every 100 ms)`,
  ];
  for (const line of report) {
    t.diagnostic(line);
    console.log(`crypto: ${line}`);
  }
  // The bound; the speeds are printed, not asserted: on a shared machine they say
  // more about the neighbours than about the code.
  assert.ok(used < 64, `the JS heap grew ${used.toFixed(1)} MiB while decrypting`);
  assert.deepEqual(problems, []);
});
