// Downloads to disk: the decrypted stream goes into a writable (a picked file, or the
// service worker's stream to the browser's download), and a damaged file stops it with
// the writable aborted and the output removed — nothing half-written or unverified stays.
// Real e2e files, a fake picker and writable, and public/sw-download.js run on a fake worker
// global with real MessageChannels.

import { describe, expect, it, vi } from 'vitest';
import swDownloadSource from '../../public/sw-download.js?raw';
import * as e2e from '../e2e';
import { createRequest } from '../api';
import { createDownloads, saveTo, type DownloadEnv, type DownloadJob, type SaveTarget } from './download';
import { createOpener } from './open';
import { bytesOf, FakeFiles, keyringOf, person, seal, wrapFor } from './viewkit';
import { FakeClock } from '../chat/testkit';

const CTX = 'channel:12';

/** A writable that keeps what it is given and says whether it was closed or aborted. */
function fakeWritable() {
  const chunks: Uint8Array[] = [];
  const state = { closed: false, aborted: false };
  const writable = new WritableStream<Uint8Array>({
    write: (c) => void chunks.push(c.slice()),
    close: () => void (state.closed = true),
    abort: () => void (state.aborted = true),
  });
  const bytes = () => {
    const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.byteLength;
    }
    return out;
  };
  return { writable, chunks, state, bytes };
}

/** A save picker whose handle writes into a fake writable; `existing` bytes were in the file. */
function fakePicker(opts: { existing?: number; cancel?: boolean } = {}) {
  const w = fakeWritable();
  const handle = {
    removed: false,
    createWritable: vi.fn(async () => w.writable),
    getFile: async () => ({ size: opts.existing ?? 0 }),
    remove: vi.fn(async () => void (handle.removed = true)),
  };
  const picker = vi.fn(async (_o: { suggestedName: string }) => {
    if (opts.cancel) throw new DOMException('The user aborted a request.', 'AbortError');
    return handle;
  });
  return { picker, handle, w };
}

/** A world of one person; with `sw`, the opener's fetches pass through sw.js's save hook
 * (a 2xx answer to ?purpose=save allows that blob's download), as in the browser. */
async function world(sw?: SwApi) {
  const me = await person(7);
  const srv = new FakeFiles();
  const fetch: typeof srv.fetch = async (input, init) => {
    const res = await srv.fetch(input, init);
    const blob = sw?.saveRequestBlob(new URL(input, 'http://x'));
    if (blob && res.ok) sw!.allowSave(blob);
    return res;
  };
  const opener = createOpener({ request: createRequest(srv.fetch), fetch, keyring: () => keyringOf(me), batchMs: 0 });
  const add = async (bytes: Uint8Array, name = '决算报表.xlsx') => {
    const s = await seal({ name, type: '', bytes });
    srv.add(s, await wrapFor(s, me, CTX));
    return s;
  };
  return { me, srv, opener, add };
}

function flip(ct: Uint8Array, at: number): Uint8Array {
  const bad = ct.slice();
  bad[at] ^= 0x01;
  return bad;
}

const BLOB_A = 'a'.repeat(32);

const settled = (d: { getState(): readonly DownloadJob[] }) => d.getState()[0]!;

describe('saveTo', () => {
  it('aborts the writable and discards the output when the stream fails midway', async () => {
    const w = fakeWritable();
    const discard = vi.fn(async () => undefined);
    const target: SaveTarget = { via: 'fs', writable: w.writable, discard };
    let n = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        if (n++ < 2) c.enqueue(new Uint8Array(10));
        else c.error(new e2e.DamagedFileError('record 3 failed'));
      },
    });
    await expect(saveTo(body, target)).rejects.toBeInstanceOf(e2e.DamagedFileError);
    expect(w.state).toEqual({ closed: false, aborted: true });
    expect(discard).toHaveBeenCalledOnce();
  });
});

describe('downloads with a save picker', () => {
  it('writes the decrypted file and closes it', async () => {
    const { opener, add } = await world();
    const bytes = bytesOf(300_000);
    const s = await add(bytes);
    const { picker, handle, w } = fakePicker();
    const d = createDownloads(opener, { showSaveFilePicker: picker });
    await d.start(s.att, CTX);
    expect(picker.mock.calls[0]![0]).toEqual({ suggestedName: '决算报表.xlsx' });
    expect(settled(d)).toMatchObject({ state: 'done', via: 'fs', name: '决算报表.xlsx', received: s.att.size });
    expect(w.state).toEqual({ closed: true, aborted: false });
    expect(w.bytes()).toEqual(bytes);
    expect(handle.removed).toBe(false);
  });

  it('stops at a damaged record: the writable is aborted, the new file removed, the job says damaged', async () => {
    const { srv, opener, add } = await world();
    const s = await add(bytesOf(300_000));
    srv.blobs.set(s.att.blob_id, flip(s.ct, e2e.META_PREFIX_BYTES + 3 * 65552 + 100)); // record 4
    const { picker, handle, w } = fakePicker();
    const d = createDownloads(opener, { showSaveFilePicker: picker });
    await d.start(s.att, CTX);
    expect(settled(d).state).toBe('failed');
    expect(settled(d).error?.code).toBe('damaged');
    expect(w.state).toEqual({ closed: false, aborted: true });
    expect(handle.removed).toBe(true);
  });

  it('refuses a truncated file (no final record) the same way', async () => {
    const { srv, opener, add } = await world();
    const s = await add(bytesOf(200_000));
    srv.blobs.set(s.att.blob_id, s.ct.slice(0, s.ct.byteLength - 65552));
    const { picker, w } = fakePicker();
    const d = createDownloads(opener, { showSaveFilePicker: picker });
    await d.start(s.att, CTX);
    expect(settled(d).error?.code).toBe('damaged');
    expect(w.state.closed).toBe(false);
  });

  it('leaves a file that was picked to be overwritten as it was (never removes it)', async () => {
    const { srv, opener, add } = await world();
    const s = await add(bytesOf(100_000));
    srv.blobs.set(s.att.blob_id, flip(s.ct, s.ct.byteLength - 5));
    const { picker, handle, w } = fakePicker({ existing: 4096 });
    const d = createDownloads(opener, { showSaveFilePicker: picker });
    await d.start(s.att, CTX);
    expect(settled(d).error?.code).toBe('damaged');
    expect(w.state.aborted).toBe(true); // the old content stays: the swap file is dropped
    expect(handle.removed).toBe(false);
  });

  it('lets a saved download leave the list after a while; a failure stays until dismissed', async () => {
    const { srv, opener, add } = await world();
    const good = await add(bytesOf(1000), 'a.txt');
    const bad = await add(bytesOf(1000), 'b.txt');
    srv.blobs.set(bad.att.blob_id, flip(bad.ct, bad.ct.byteLength - 3));
    const clock = new FakeClock();
    // A fresh file for each download, as the picker gives.
    const picker = async (o: { suggestedName: string }) => fakePicker().picker(o);
    const d = createDownloads(opener, { showSaveFilePicker: picker, setTimer: clock.setTimeout });
    await d.start(good.att, CTX);
    await d.start(bad.att, CTX);
    expect(d.getState().map((j) => j.state)).toEqual(['done', 'failed']);
    expect(d.getState()[1]!.error?.code).toBe('damaged');
    clock.advance(60_000);
    expect(d.getState().map((j) => j.name)).toEqual(['b.txt']);
    d.dismiss(d.getState()[0]!.id);
    expect(d.getState()).toEqual([]);
  });

  it('does nothing when the picker is closed', async () => {
    const { srv, opener, add } = await world();
    const s = await add(bytesOf(1000));
    const { picker, handle } = fakePicker({ cancel: true });
    const d = createDownloads(opener, { showSaveFilePicker: picker });
    await d.start(s.att, CTX);
    expect(d.getState()).toEqual([]);
    expect(handle.createWritable).not.toHaveBeenCalled();
    expect(srv.fileGets.filter((g) => !g.range)).toEqual([]); // only the metadata was read
  });

  it('answers a removed member with gone, before anything is written', async () => {
    const { srv, opener, add } = await world();
    const s = await add(bytesOf(1000));
    await opener.meta(s.att, CTX); // seen while still a member
    srv.gone.add(s.att.blob_id);
    const { picker, handle, w } = fakePicker();
    const d = createDownloads(opener, { showSaveFilePicker: picker });
    await d.start(s.att, CTX);
    expect(settled(d).error?.code).toBe('gone');
    expect(w.chunks).toEqual([]);
    expect(handle.removed).toBe(true);
  });
});

// ---- the service-worker path ----

type SwApi = {
  accept(data: unknown, port: MessagePort | undefined): Promise<void>;
  respond(id: string): Response;
  disposition(name: string): string;
  allowSave(blob: string, now?: number): void;
  saveRequestBlob(url: URL): string | null;
};

function loadSw(): SwApi {
  const self: Record<string, unknown> = {};
  new Function('self', swDownloadSource)(self);
  return self.GovchatDownload as SwApi;
}

/** The page's environment wired to sw-download.js: the browser's request of /dl/<id> is
 * played by reading respond(id)'s body here. */
function swEnv(sw: SwApi) {
  const saved: { res?: Response; bytes?: Uint8Array; error?: unknown; done: Promise<void> } = { done: Promise.resolve() };
  const env: DownloadEnv = {
    controller: () => ({ postMessage: (data: unknown, transfer?: Transferable[]) => void sw.accept(data, (transfer as MessagePort[] | undefined)?.[0]) }) as unknown as ServiceWorker,
    navigate: (url) => {
      const res = sw.respond(url.slice('/dl/'.length));
      saved.res = res;
      saved.done = res.arrayBuffer().then(
        (b) => void (saved.bytes = new Uint8Array(b)),
        (e) => void (saved.error = e),
      );
      return () => undefined;
    },
    randomId: () => 'abcdefghijklmnop1234',
  };
  return { env, saved };
}

describe('downloads through the service worker', () => {
  it('streams the decrypted file as an attachment with its name', async () => {
    const sw = loadSw();
    const { opener, add } = await world(sw);
    const bytes = bytesOf(250_000);
    const s = await add(bytes, '会议纪要 (终稿).docx');
    const { env, saved } = swEnv(sw);
    const d = createDownloads(opener, env);
    await d.start(s.att, CTX);
    await saved.done;
    expect(settled(d)).toMatchObject({ state: 'done', via: 'sw' });
    expect(saved.bytes).toEqual(bytes);
    expect(saved.res!.headers.get('Content-Disposition')).toBe(
      "attachment; filename=\"____ (__).docx\"; filename*=UTF-8''%E4%BC%9A%E8%AE%AE%E7%BA%AA%E8%A6%81%20%28%E7%BB%88%E7%A8%BF%29.docx",
    );
    expect(saved.res!.headers.get('Content-Length')).toBe('250000');
    expect(saved.res!.headers.get('Content-Type')).toBe('application/octet-stream');
  });

  it('errors the browser’s download on a damaged record, so the browser deletes what it had', async () => {
    const sw = loadSw();
    const { srv, opener, add } = await world(sw);
    const s = await add(bytesOf(400_000));
    srv.blobs.set(s.att.blob_id, flip(s.ct, e2e.META_PREFIX_BYTES + 4 * 65552 + 9));
    const { env, saved } = swEnv(sw);
    const d = createDownloads(opener, env);
    await d.start(s.att, CTX);
    await saved.done;
    expect(settled(d).error?.code).toBe('damaged');
    expect(saved.bytes).toBeUndefined();
    expect(saved.error).toBeDefined();
  });

  it('a download is taken up once; an unknown id is 404', () => {
    const sw = loadSw();
    expect(sw.respond('abcdefghijklmnop1234').status).toBe(404);
    const ch = new MessageChannel();
    sw.allowSave(BLOB_A);
    void sw.accept({ type: 'govchat:download', id: 'abcdefghijklmnop1234', name: 'a.txt', size: 3, blob: BLOB_A }, ch.port2);
    expect(sw.respond('abcdefghijklmnop1234').status).toBe(200);
    expect(sw.respond('abcdefghijklmnop1234').status).toBe(404);
    ch.port1.close();
    ch.port2.close();
  });

  it('refuses ids that are not random tokens', async () => {
    const sw = loadSw();
    for (const id of ['../x', 'short', 'a/b/c/d/e/f/g/h/i/j', '']) {
      const ch = new MessageChannel();
      const got = new Promise((r) => (ch.port1.onmessage = (e) => r(e.data)));
      sw.allowSave(BLOB_A);
      await sw.accept({ type: 'govchat:download', id, name: 'a', blob: BLOB_A }, ch.port2);
      expect(await got).toEqual({ type: 'expired' });
      ch.port1.close();
    }
  });

  it('says the browser cannot save files when there is neither a picker nor a worker', async () => {
    const { opener, add } = await world();
    const s = await add(bytesOf(10));
    const d = createDownloads(opener, { controller: () => null });
    await d.start(s.att, CTX);
    expect(settled(d).error?.code).toBe('no_stream');
  });
});

describe('view-only files (a secrecy level without download)', () => {
  it('asks the server for a save with purpose=save, and shows nothing when it refuses', async () => {
    const { srv, opener, add } = await world();
    const s = await add(bytesOf(5000));
    srv.viewOnly.add(s.att.blob_id);
    const { picker, handle, w } = fakePicker();
    const d = createDownloads(opener, { showSaveFilePicker: picker });
    await d.start(s.att, CTX);
    expect(settled(d)).toMatchObject({ state: 'failed', error: { code: 'not_allowed' } });
    // Nothing written, and the empty file the picker made is removed.
    expect(w.chunks).toEqual([]);
    expect(handle.removed).toBe(true);
    const whole = srv.fileGets.filter((g) => !g.range);
    expect(whole).toEqual([{ id: s.att.blob_id, range: undefined, purpose: 'save' }]);
  });

  it('views fetch with purpose=view', async () => {
    const { srv, opener, add } = await world();
    const s = await add(bytesOf(5000));
    srv.viewOnly.add(s.att.blob_id);
    const got = await opener.blob(s.att, CTX);
    expect(got.blob.size).toBe(5000);
    expect(srv.fileGets.map((g) => g.purpose)).toEqual(['view', 'view']);
  });

  it('the worker streams no file whose save the server refused, nor one offered without asking', async () => {
    const sw = loadSw();
    const { srv, opener, add } = await world(sw);
    const s = await add(bytesOf(5000));
    srv.viewOnly.add(s.att.blob_id);
    const { env, saved } = swEnv(sw);
    const d = createDownloads(opener, env);
    await d.start(s.att, CTX);
    expect(settled(d).error?.code).toBe('not_allowed');
    expect(saved.res).toBeUndefined();
    // An offer straight to the worker (no allowed save of that blob): refused.
    const ch = new MessageChannel();
    const got = new Promise((r) => (ch.port1.onmessage = (e) => r(e.data)));
    await sw.accept({ type: 'govchat:download', id: 'abcdefghijklmnop9999', name: 'x.pdf', blob: s.att.blob_id }, ch.port2);
    expect(await got).toEqual({ type: 'refused' });
    expect(sw.respond('abcdefghijklmnop9999').status).toBe(404);
    ch.port1.close();
  });

  it('an allowed save opens the worker for one download of that blob only', async () => {
    const sw = loadSw();
    sw.allowSave(BLOB_A);
    const offer = async (id: string) => {
      const ch = new MessageChannel();
      const got = new Promise((r) => (ch.port1.onmessage = (e) => r(e.data)));
      void sw.accept({ type: 'govchat:download', id, name: 'a', blob: BLOB_A }, ch.port2);
      const m = await got;
      ch.port1.close();
      return m;
    };
    expect(await offer('abcdefghijklmnop0001')).toEqual({ type: 'ready' });
    expect(await offer('abcdefghijklmnop0002')).toEqual({ type: 'refused' });
  });
});
