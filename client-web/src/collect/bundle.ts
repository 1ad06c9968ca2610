// 打包下载附件: the file answers of a collection, fetched one after another, decrypted in
// this browser (files/open.ts, keys read in the context `collection:<id>`) and written as
// one zip (zip.ts) into a file the person picks or the service worker's download
// (files/download.ts) — never whole in memory. Folders: 部门/姓名 for answers per person
// (a department's path as nested folders), 部门 for a unit's return; the field's label before the name when the form has several
// file fields.

import { openTarget, type DownloadEnv, type DownloadOpener, type SaveTarget } from '../files/download';
import { FileOpenError } from '../files/open';
import { fileAnswers, type FileAnswer } from './status';
import { collectionContext, type Collection, type Submission } from './types';
import { folderOf, safePart, writeZip, type ZipProgress, type ZipSource } from './zip';

export interface BundleOptions {
  collection: Collection;
  submissions: readonly Submission[];
  opener: DownloadOpener;
  env: DownloadEnv;
  /** The folder of people in no department. */
  noDepartment: string;
  signal?: AbortSignal;
  onProgress?: (p: ZipProgress & { total: number }) => void;
}

/** The sources of the zip, in table order (department, then person). */
export function bundleSources(o: Pick<BundleOptions, 'collection' | 'submissions' | 'opener' | 'noDepartment'>): (ZipSource & { blobId: string })[] {
  const fields = o.collection.fields ?? [];
  const severalFields = fields.filter((f) => f.type === 'file').length > 1;
  const ctx = collectionContext(o.collection.id);
  // Departments in name order, people in no department last.
  const subs = [...o.submissions].sort(
    (a, b) =>
      Number(!a.department_name) - Number(!b.department_name) ||
      (a.department_name ?? '').localeCompare(b.department_name ?? '', 'zh-CN') ||
      a.user_name.localeCompare(b.user_name, 'zh-CN') ||
      a.user_id - b.user_id,
  );
  return fileAnswers(fields, subs).map((a: FileAnswer) => {
    // A department's path ("预算股 / 预算编制组") becomes nested folders.
    const dept = a.submission.department_name ? a.submission.department_name.split(/\s*\/\s*/).filter(Boolean) : [o.noDepartment];
    const parts = o.collection.per === 'department' ? dept : [...dept, a.submission.user_name || String(a.submission.user_id)];
    return {
      blobId: a.attachment.blob_id,
      folder: folderOf(parts),
      async open() {
        // The name first (the opener reads it from the file's first bytes, cached): the
        // stream's own meta only settles once its body is read, after the entry is named.
        const meta = await o.opener.meta(a.attachment, ctx);
        // Each original is asked for as a save (purpose=save): the server records it, and
        // refuses a file whose level allows viewing only.
        const f = await o.opener.open(a.attachment, ctx, { purpose: 'save' });
        return { name: severalFields ? `${safePart(a.field.label)}-${meta.name}` : meta.name, body: f.body };
      },
    };
  });
}

/** The zip's name: the collection's title and 附件. */
export function bundleName(c: Pick<Collection, 'title'>, suffix: string): string {
  return `${safePart(c.title).slice(0, 80)}-${suffix}.zip`;
}

/** Asks where to save (call it from the click), then writes the zip. false when the person
 * closed the save picker; throws what stopped it (the partial file is removed).
 *
 * With a save picker, the picker comes first (it needs the click's gesture). Through the
 * service worker, which streams only a download whose save the server has just allowed
 * (public/sw-download.js), the first original is asked for first and the worker offered
 * the zip under that file's allowance. */
export async function downloadBundle(o: BundleOptions & { name: string }): Promise<boolean> {
  const sources = bundleSources(o);
  const meta = { name: o.name, type: 'application/zip', size: -1 };
  let target: SaveTarget | null;
  if (o.env.showSaveFilePicker || !sources.length) {
    target = await openTarget(o.env, meta, { signal: o.signal });
  } else {
    if (!o.env.controller?.() || !o.env.navigate) throw new FileOpenError('no_stream');
    const first = sources[0]!;
    const opened = await first.open();
    sources[0] = { ...first, open: async () => opened };
    try {
      target = await openTarget(o.env, meta, { signal: o.signal, blobId: first.blobId });
    } catch (e) {
      await opened.body.cancel().catch(() => undefined);
      throw e;
    }
  }
  if (!target) return false;
  try {
    await writeZip(sources, target.writable, { signal: o.signal, onProgress: (p) => o.onProgress?.({ ...p, total: sources.length }) });
  } catch (e) {
    await target.discard().catch(() => undefined);
    throw e;
  }
  return true;
}
