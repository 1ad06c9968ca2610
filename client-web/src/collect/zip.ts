// 打包下载附件: every file answer of a collection, decrypted in this browser and written
// into one zip made here (fflate), streamed: each file's plaintext goes through the zip
// writer into the save target as it is decrypted (stored, not deflated — documents and
// pictures are compressed already, and storing keeps memory flat), so a set of files far
// larger than memory never sits in it. One file at a time, in folders by department and
// person, named from the decrypted metadata.

import { Zip, ZipPassThrough } from 'fflate';

/** One file of the zip: the folder it goes in, and — when its turn comes — its name (from
 * the decrypted metadata) and its plaintext. */
export interface ZipSource {
  folder: string;
  open(): Promise<{ name: string; body: ReadableStream<Uint8Array> }>;
}

/** Plain zip (no ZIP64, which fflate does not write): the archive must stay under 4 GiB. */
export const MAX_ZIP_BYTES = 0xffffffff - (64 << 20);

export class ZipTooLargeError extends Error {
  constructor() {
    super('the zip would pass 4 GiB');
    this.name = 'ZipTooLargeError';
  }
}

const BAD = /[\u0000-\u001f\u007f<>:"/\\|?*]/g;

/** A name safe as one part of a path in the zip on Windows, macOS and Linux. */
export function safePart(name: string, fallback = '未命名'): string {
  const s = name.replace(BAD, '_').replace(/^[.\s]+|[.\s]+$/g, '').slice(0, 120);
  return s || fallback;
}

/** A path not yet in `seen` (and now in it): the second 报表.xlsx in a folder becomes
 * 报表 (2).xlsx. Case is ignored, as Windows and macOS ignore it. */
export function uniquePath(seen: Set<string>, p: string): string {
  if (!seen.has(p.toLowerCase())) {
    seen.add(p.toLowerCase());
    return p;
  }
  const slash = p.lastIndexOf('/');
  const dir = p.slice(0, slash + 1);
  const file = p.slice(slash + 1);
  const dot = file.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [file.slice(0, dot), file.slice(dot)] : [file, ''];
  for (let i = 2; ; i++) {
    const q = `${dir}${stem} (${i})${ext}`;
    if (!seen.has(q.toLowerCase())) {
      seen.add(q.toLowerCase());
      return q;
    }
  }
}

/** The folder of a file: 部门/姓名 (per person) or 部门 (a unit's return), each part made
 * safe; the field's label in front of the name when the form has several file fields. */
export function folderOf(parts: readonly string[]): string {
  return parts.map((x) => safePart(x)).join('/');
}

export interface ZipProgress {
  /** Files written whole. */
  files: number;
  /** Plaintext bytes written. */
  bytes: number;
}

/**
 * Writes the sources into `out` as one zip, a file at a time. Awaits each write before
 * reading on, so the writer's backpressure (a disk, a service worker's download) holds the
 * decryption back. On a failure the writer is aborted and the error thrown on.
 */
export async function writeZip(sources: readonly ZipSource[], out: WritableStream<Uint8Array>, opts: { signal?: AbortSignal; onProgress?: (p: ZipProgress) => void; mtime?: Date } = {}): Promise<ZipProgress> {
  const writer = out.getWriter();
  const pending: Uint8Array[] = [];
  let zipError: Error | undefined;
  let written = 0;
  const zip = new Zip((err, chunk) => {
    if (err) zipError = err;
    else if (chunk.length) pending.push(chunk);
  });
  const flush = async () => {
    if (zipError) throw zipError;
    while (pending.length) {
      const c = pending.shift()!;
      written += c.length;
      if (written > MAX_ZIP_BYTES) throw new ZipTooLargeError();
      await writer.write(c);
    }
  };
  const progress: ZipProgress = { files: 0, bytes: 0 };
  const seen = new Set<string>();
  try {
    for (const src of sources) {
      if (opts.signal?.aborted) throw new DOMException('cancelled', 'AbortError');
      const { name, body } = await src.open();
      const path = uniquePath(seen, src.folder ? `${src.folder}/${safePart(name)}` : safePart(name));
      const entry = new ZipPassThrough(path);
      if (opts.mtime) entry.mtime = opts.mtime;
      zip.add(entry);
      const reader = body.getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          if (opts.signal?.aborted) throw new DOMException('cancelled', 'AbortError');
          // A copy: the decrypter may reuse its buffer once read() is called again.
          entry.push(value.slice(), false);
          progress.bytes += value.length;
          await flush();
        }
      } finally {
        reader.releaseLock();
      }
      entry.push(new Uint8Array(0), true);
      await flush();
      progress.files++;
      opts.onProgress?.({ ...progress });
    }
    zip.end();
    await flush();
    await writer.close();
    return progress;
  } catch (e) {
    zip.terminate();
    await writer.abort(e).catch(() => undefined);
    throw e;
  }
}
