// What the composer does with what a person picks, drops or pastes, before any byte
// leaves: the size limit (/info's max_file_size, else 2 GiB), folders refused, and a
// pasted screenshot given a name people recognise.

import type { Info } from '../api';
import { zonedParts } from '../format';
import { DEFAULT_MAX_FILE_SIZE } from './upload';

export interface Refusal {
  name: string;
  reason: 'too_large' | 'folder';
}

/** The largest file a person may send; 0 when the server takes no files (then the
 * composer offers none). */
export function maxFileSize(info?: Pick<Info, 'max_file_size'>): number {
  const n = info?.max_file_size;
  if (n === 0) return 0;
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : DEFAULT_MAX_FILE_SIZE;
}

/** Splits what was picked into what may go and what is refused (and why). */
export function checkFiles<F extends { name: string; size: number }>(files: readonly F[], limit: number): { ok: F[]; refused: Refusal[] } {
  const ok: F[] = [];
  const refused: Refusal[] = [];
  for (const f of files) {
    if (f.size > limit) refused.push({ name: f.name, reason: 'too_large' });
    else ok.push(f);
  }
  return { ok, refused };
}

/** The parts of a DataTransfer the composer reads (a fake one in tests). */
export interface TransferLike {
  types: readonly string[] | DOMStringList;
  files: ArrayLike<File>;
  items?: ArrayLike<{ kind: string; type: string; getAsFile(): File | null; webkitGetAsEntry?(): { isDirectory: boolean; name: string } | null }>;
  getData?(format: string): string;
}

/** Whether a drag carries files (and not text or a link). */
export function carriesFiles(dt: Pick<TransferLike, 'types'> | null | undefined): boolean {
  if (!dt) return false;
  return Array.from(dt.types as ArrayLike<string>).includes('Files');
}

/** The files of a drop; folders named apart (they cannot be sent). */
export function droppedFiles(dt: TransferLike): { files: File[]; folders: string[] } {
  const files: File[] = [];
  const folders: string[] = [];
  const items = dt.items ? Array.from(dt.items) : [];
  if (items.length && items.some((i) => typeof i.webkitGetAsEntry === 'function')) {
    for (const i of items) {
      if (i.kind !== 'file') continue;
      const entry = i.webkitGetAsEntry?.();
      if (entry?.isDirectory) {
        folders.push(entry.name);
        continue;
      }
      const f = i.getAsFile();
      if (f) files.push(f);
    }
    return { files, folders };
  }
  return { files: Array.from(dt.files), folders };
}

const EXT: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif', 'image/webp': 'webp', 'image/bmp': 'bmp' };

/** "截图 2026-11-23 14.05.09.png", in Beijing time. */
export function screenshotName(now: number, type: string, label: (time: string) => string): string {
  const p = zonedParts(new Date(now));
  const two = (n: number) => String(n).padStart(2, '0');
  const sec = two(new Date(now).getUTCSeconds());
  const time = `${p.year}-${two(p.month)}-${two(p.day)} ${two(p.hour)}.${two(p.minute)}.${sec}`;
  return `${label(time)}.${EXT[type] ?? 'png'}`;
}

/** The name browsers give a screenshot on the clipboard, which says nothing. */
const GENERIC = /^(image\.(png|jpe?g|gif|webp|bmp))?$/i;

/** The files of a paste (a screenshot, or files copied in the file manager); a screenshot
 * is named like one. None when the paste is text (the textarea takes it as usual). */
export function pastedFiles(dt: TransferLike, now: number, label: (time: string) => string): File[] {
  // Text copied from Word or a web page may bring a picture of itself along: the text wins.
  if (Array.from(dt.types as ArrayLike<string>).includes('text/plain') && dt.getData?.('text/plain').trim()) return [];
  const out: File[] = [];
  for (const f of Array.from(dt.files)) {
    if (f.type.startsWith('image/') && GENERIC.test(f.name)) out.push(new File([f], screenshotName(now, f.type, label), { type: f.type, lastModified: now }));
    else out.push(f);
  }
  return out;
}

/** Where picked files go: the upload queue's two doors. */
export interface Intake {
  add(channelId: number, files: readonly File[]): unknown;
  refuse(channelId: number, list: readonly Refusal[]): void;
}

/** Checks what was picked, dropped or pasted, queues what may go and shows what may not.
 * Answers how many were queued. */
export function intakeFiles(queue: Intake, channelId: number, files: readonly File[], limit: number, folders: readonly string[] = []): number {
  const { ok, refused } = checkFiles(files, limit);
  queue.refuse(channelId, [...refused, ...folders.map((name) => ({ name, reason: 'folder' as const }))]);
  if (ok.length) queue.add(channelId, ok);
  return ok.length;
}

/** The DLP gate as pick.ts sees it (src/dlp/gate.ts). */
export interface FileGate {
  check<F extends Blob & { name: string }>(channelId: number, level: number, files: readonly F[]): Promise<F[]>;
}

/** queue with the DLP check in front of its add: the files go once the gate lets them
 * (at the channel's usual level, as sendAttachment sends them). */
export function gatedIntake(queue: Intake, gate: FileGate | undefined, level: number): Intake {
  if (!gate) return queue;
  return {
    refuse: (channelId, list) => queue.refuse(channelId, list),
    add(channelId, files) {
      void gate.check(channelId, level, files).then((ok) => {
        if (ok.length) queue.add(channelId, ok);
      });
    },
  };
}
