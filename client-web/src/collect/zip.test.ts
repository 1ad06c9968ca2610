import { unzipSync, strFromU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { bundleName, bundleSources, downloadBundle } from './bundle';
import { collection, submission } from './testkit';
import type { Field } from './types';
import { folderOf, safePart, uniquePath, writeZip, type ZipSource } from './zip';

const enc = new TextEncoder();

function stream(chunks: string[] | Uint8Array[], failAfter?: number): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    pull(c) {
      if (failAfter !== undefined && i === failAfter) return c.error(new Error('damaged'));
      if (i >= chunks.length) return c.close();
      const x = chunks[i++]!;
      c.enqueue(typeof x === 'string' ? enc.encode(x) : x);
    },
  });
}

/** A writable that keeps what it is given, in chunks, and says whether it was aborted. */
function sink() {
  const chunks: Uint8Array[] = [];
  const s = { chunks, aborted: false, closed: false, maxPending: 0 };
  const writable = new WritableStream<Uint8Array>({
    write: (c) => void chunks.push(c.slice()),
    close: () => void (s.closed = true),
    abort: () => void (s.aborted = true),
  });
  const bytes = () => {
    const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let o = 0;
    for (const c of chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  };
  return { s, writable, bytes };
}

const src = (folder: string, name: string, chunks: string[]): ZipSource => ({ folder, open: async () => ({ name, body: stream(chunks) }) });

describe('names in the zip', () => {
  it('makes parts safe for every system', () => {
    expect(safePart('a/b\\c:d*e?"f<g>h|i')).toBe('a_b_c_d_e__f_g_h_i');
    expect(safePart(' ..隐藏. ')).toBe('隐藏');
    expect(safePart('')).toBe('未命名');
    expect(folderOf(['预算股', '李华/张'])).toBe('预算股/李华_张');
  });

  it('numbers repeats, ignoring case', () => {
    const seen = new Set<string>();
    expect(['a/报表.xlsx', 'a/报表.xlsx', 'a/REPORT', 'a/report', 'b/报表.xlsx'].map((p) => uniquePath(seen, p))).toEqual([
      'a/报表.xlsx',
      'a/报表 (2).xlsx',
      'a/REPORT',
      'a/report (2)',
      'b/报表.xlsx',
    ]);
  });
});

describe('writeZip', () => {
  it('writes each file as it streams, in folders, with UTF-8 names', async () => {
    const { s, writable, bytes } = sink();
    const progress: number[] = [];
    const p = await writeZip(
      [src('预算股/李华', '基数表.xlsx', ['第一块', '第二块']), src('预算股/李华', '基数表.xlsx', ['again']), src('国库股/何平', 'photo.png', [])],
      writable,
      { onProgress: (x) => progress.push(x.files) },
    );
    expect(s.closed).toBe(true);
    expect(p.files).toBe(3);
    expect(progress).toEqual([1, 2, 3]);
    // Many small writes, not one buffer at the end.
    expect(s.chunks.length).toBeGreaterThan(6);
    const files = unzipSync(bytes());
    expect(Object.keys(files)).toEqual(['预算股/李华/基数表.xlsx', '预算股/李华/基数表 (2).xlsx', '国库股/何平/photo.png']);
    expect(strFromU8(files['预算股/李华/基数表.xlsx']!)).toBe('第一块第二块');
    expect(files['国库股/何平/photo.png']!.length).toBe(0);
  });

  it('keeps binary content byte for byte across many chunks', async () => {
    const { writable, bytes } = sink();
    const parts = Array.from({ length: 40 }, (_, i) => Uint8Array.from({ length: 1000 }, (_, j) => (i * 7 + j) & 0xff));
    await writeZip([{ folder: 'x', open: async () => ({ name: 'b.bin', body: stream(parts) }) }], writable);
    const got = unzipSync(bytes())['x/b.bin']!;
    expect(got.length).toBe(40_000);
    expect(got[39_999]).toBe((39 * 7 + 999) & 0xff);
  });

  it('aborts the target when a file fails to decrypt', async () => {
    const { s, writable } = sink();
    const bad: ZipSource = { folder: 'x', open: async () => ({ name: 'bad.pdf', body: stream(['ok', 'never'], 1) }) };
    await expect(writeZip([src('x', 'a.txt', ['a']), bad], writable)).rejects.toThrow('damaged');
    expect(s.aborted).toBe(true);
    expect(s.closed).toBe(false);
  });

  it('stops when cancelled', async () => {
    const { s, writable } = sink();
    const ac = new AbortController();
    ac.abort();
    await expect(writeZip([src('x', 'a.txt', ['a'])], writable, { signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(s.aborted).toBe(true);
  });

  it('waits for a slow writer before reading on', async () => {
    let reads = 0;
    let writes = 0;
    let maxAhead = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        reads++;
        maxAhead = Math.max(maxAhead, reads - writes);
        if (reads > 20) return c.close();
        c.enqueue(new Uint8Array(10));
      },
    }, { highWaterMark: 0 });
    const slow = new WritableStream<Uint8Array>({ write: () => new Promise<void>((r) => setTimeout(() => (writes++, r()), 1)) }, { highWaterMark: 1 });
    await writeZip([{ folder: '', open: async () => ({ name: 'a', body }) }], slow);
    expect(maxAhead).toBeLessThanOrEqual(4);
  });
});

describe('bundleSources', () => {
  const file = (id: string) => ({ blob_id: id.repeat(32), size: 10, commitment: 'c' });
  const fields: Field[] = [
    { id: 'f1', label: '基数表', type: 'file' },
    { id: 'f2', label: '签字页', type: 'file' },
  ];
  const subs = [
    submission({ user_id: 6, user_name: '张静', department_name: '预算股 / 预算编制组', values: { f1: file('b') } }),
    submission({ user_id: 8, user_name: '何平', department_name: '国库股', values: { f1: file('c'), f2: file('d') } }),
    submission({ user_id: 9, user_name: '周涛', department_id: 0, department_name: '', values: { f2: file('e') } }),
  ];
  const opened: [string, string | undefined][] = [];
  const opener = {
    meta: async (a: { blob_id: string }) => ({ name: `${a.blob_id[0]}.pdf`, type: 'application/pdf', size: 3 }),
    open: async (a: { blob_id: string }, ctx?: string, opts?: { purpose?: string }) => {
      opened.push([a.blob_id[0]!, ctx]);
      expect(opts?.purpose).toBe('save');
      // As the real opener: the stream's meta settles only once its body is read.
      return { meta: new Promise<never>(() => undefined), body: stream(['pdf']) };
    },
  };

  it('folders by department and person, names from the decrypted metadata, keys of collection:<id>', async () => {
    const c = collection({ fields });
    const srcs = bundleSources({ collection: c, submissions: subs, opener, noDepartment: '未分部门' });
    expect(srcs.map((s) => s.folder)).toEqual(['国库股/何平', '国库股/何平', '预算股/预算编制组/张静', '未分部门/周涛']);
    const { writable, bytes } = sink();
    await writeZip(srcs, writable);
    expect(Object.keys(unzipSync(bytes())).sort()).toEqual(['国库股/何平/基数表-c.pdf', '国库股/何平/签字页-d.pdf', '未分部门/周涛/签字页-e.pdf', '预算股/预算编制组/张静/基数表-b.pdf'].sort());
    expect(new Set(opened.map((o) => o[1]))).toEqual(new Set(['collection:7']));
  });

  it('asks where to save first, then writes the zip there', async () => {
    const order: string[] = [];
    const { writable, bytes } = sink();
    const env = {
      showSaveFilePicker: async (o: { suggestedName: string }) => {
        order.push(`picker ${o.suggestedName}`);
        return { createWritable: async () => writable };
      },
    };
    const counting = { ...opener, open: async (a: { blob_id: string }, ctx?: string, p?: { purpose?: string }) => (order.push('open'), opener.open(a, ctx, p)) };
    const ok = await downloadBundle({ collection: collection({ fields }), submissions: subs, opener: counting, env, noDepartment: '未分部门', name: '基数表-附件.zip' });
    expect(ok).toBe(true);
    expect(order.slice(0, 2)).toEqual(['picker 基数表-附件.zip', 'open']);
    expect(Object.keys(unzipSync(bytes()))).toHaveLength(4);
  });

  it('puts a unit’s return in its department’s folder', () => {
    const c = collection({ fields: [fields[0]!], per: 'department' });
    expect(bundleSources({ collection: c, submissions: subs, opener, noDepartment: '未分部门' }).map((s) => s.folder).sort()).toEqual(['国库股', '预算股/预算编制组'].sort());
    expect(bundleName({ title: '2027/基数表' }, '附件')).toBe('2027_基数表-附件.zip');
  });
});
