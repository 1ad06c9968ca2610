// 群文件: every file sent in a channel (GET /api/v1/channels/{id}/files), newest first,
// grouped by the day it was sent as Chinese users write dates (今天 / 昨天 / 12月3日 /
// 2025年12月3日, Beijing time), filtered by type, sender and name. Names and types are
// inside the encrypted files, so the filters run here over what the browser decrypted.

import type { Request } from '../api';
import { formatDate, zonedParts } from '../format';
import { translate, type Locale } from '../i18n';
import { fileKind, type FileKind } from './display';
import type { FileMeta, OpenErrorCode } from './open';
import type { ChannelFile, ChannelFiles } from './types';

export type TypeFilter = 'all' | 'image' | 'doc' | 'sheet' | 'pdf' | 'other';
export const TYPE_FILTERS: readonly TypeFilter[] = ['all', 'image', 'doc', 'sheet', 'pdf', 'other'];

/** Which of 群文件's type filters a kind of file falls under. */
export function filterOf(kind: FileKind): Exclude<TypeFilter, 'all'> {
  switch (kind) {
    case 'image':
      return 'image';
    case 'word':
    case 'ppt':
    case 'text':
      return 'doc';
    case 'excel':
      return 'sheet';
    case 'pdf':
      return 'pdf';
    default:
      return 'other';
  }
}

/** One file of the list with what is known of it so far. */
export interface FileRow {
  file: ChannelFile;
  meta?: FileMeta;
  error?: OpenErrorCode;
}

export interface Filters {
  type: TypeFilter;
  /** A sender's user id, or 0 for everyone. */
  sender: number;
  text: string;
}

export const NO_FILTERS: Filters = { type: 'all', sender: 0, text: '' };

/** The rows the filters let through. A row not decrypted yet has no known type or name:
 * it shows only while neither a type nor a name is asked for. */
export function filterRows(rows: readonly FileRow[], f: Filters): FileRow[] {
  const q = f.text.trim().toLowerCase();
  return rows.filter((r) => {
    if (f.sender && r.file.sender_id !== f.sender) return false;
    if (f.type === 'all' && !q) return true;
    if (!r.meta) return false;
    if (f.type !== 'all' && filterOf(fileKind(r.meta.type, r.meta.name)) !== f.type) return false;
    return !q || r.meta.name.toLowerCase().includes(q);
  });
}

/** Newest first (by sequence, the channel's own order). */
export function newestFirst<T extends { file: ChannelFile }>(rows: readonly T[]): T[] {
  return [...rows].sort((a, b) => b.file.seq - a.file.seq);
}

/** Adds a page to what is loaded, once per message. */
export function mergePage(rows: readonly FileRow[], page: readonly ChannelFile[]): FileRow[] {
  const seen = new Set(rows.map((r) => `${r.file.seq}:${r.file.attachment.blob_id}`));
  const out = [...rows];
  for (const f of page) {
    const k = `${f.seq}:${f.attachment.blob_id}`;
    if (!seen.has(k)) {
      seen.add(k);
      out.push({ file: f });
    }
  }
  return newestFirst(out);
}

const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** 今天 / 昨天 / 12月3日 (this year) / 2025年12月3日, in Beijing time. */
export function dateLabel(iso: string, now: number, locale: Locale): string {
  const d = new Date(iso);
  const a = zonedParts(d);
  const b = zonedParts(new Date(now));
  const y = zonedParts(new Date(now - 86_400_000));
  const same = (x: typeof a, z: typeof a) => x.year === z.year && x.month === z.month && x.day === z.day;
  if (same(a, b)) return translate(locale, 'filesview.today');
  if (same(a, y)) return translate(locale, 'filesview.yesterday');
  if (a.year !== b.year) return formatDate(d, locale);
  return locale === 'zh-CN' ? `${a.month}月${a.day}日` : `${a.day} ${EN_MONTHS[a.month - 1]}`;
}

/** Rows in runs of one Beijing day, newest day first. */
export function groupByDate<T extends { file: ChannelFile }>(rows: readonly T[], now: number, locale: Locale): { key: string; label: string; rows: T[] }[] {
  const out: { key: string; label: string; rows: T[] }[] = [];
  for (const r of newestFirst(rows)) {
    const p = zonedParts(new Date(r.file.created_at));
    const key = `${p.year}-${p.month}-${p.day}`;
    const last = out[out.length - 1];
    if (last && last.key === key) last.rows.push(r);
    else out.push({ key, label: dateLabel(r.file.created_at, now, locale), rows: [r] });
  }
  return out;
}

/** The senders of the loaded rows, for the sender filter. */
export function sendersOf(rows: readonly FileRow[]): number[] {
  return [...new Set(rows.map((r) => r.file.sender_id))];
}

export const FILES_PAGE = 50;

/** One page of a channel's files, older than `before` (a message seq) when given. */
export function loadChannelFiles(request: Request, channelId: number, before?: number, limit = FILES_PAGE): Promise<ChannelFiles> {
  const q = new URLSearchParams({ limit: String(limit) });
  if (before !== undefined) q.set('before', String(before));
  return request<ChannelFiles>('GET', `/channels/${channelId}/files?${q}`);
}

/** Runs `work` over items, at most `n` at a time (decrypting names a few at a time). */
export async function eachLimited<T>(items: readonly T[], n: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item).catch(() => undefined);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, lane));
}
