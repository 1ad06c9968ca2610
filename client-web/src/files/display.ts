// How a received file is shown before anyone opens it: which icon its type earns, its
// size in words (3.2 MB), and its name shortened in the middle so that the extension —
// the part that says what the file is — always stays visible.

import type { Locale } from '../i18n';

/** The families a file's icon (and 群文件's type filter) is chosen from. */
export type FileKind = 'word' | 'excel' | 'ppt' | 'pdf' | 'image' | 'archive' | 'text' | 'other';

const BY_EXT: Record<string, FileKind> = {
  doc: 'word', docx: 'word', docm: 'word', dot: 'word', dotx: 'word', wps: 'word', wpt: 'word', odt: 'word', rtf: 'word',
  xls: 'excel', xlsx: 'excel', xlsm: 'excel', xlt: 'excel', xltx: 'excel', et: 'excel', ett: 'excel', ods: 'excel', csv: 'excel',
  ppt: 'ppt', pptx: 'ppt', pptm: 'ppt', pps: 'ppt', ppsx: 'ppt', pot: 'ppt', potx: 'ppt', dps: 'ppt', dpt: 'ppt', odp: 'ppt',
  pdf: 'pdf',
  jpg: 'image', jpeg: 'image', png: 'image', gif: 'image', webp: 'image', bmp: 'image', heic: 'image', heif: 'image', avif: 'image', tif: 'image', tiff: 'image', svg: 'image',
  zip: 'archive', rar: 'archive', '7z': 'archive', tar: 'archive', gz: 'archive', tgz: 'archive', bz2: 'archive', xz: 'archive', zst: 'archive',
  txt: 'text', md: 'text', log: 'text', json: 'text', xml: 'text', ini: 'text', yaml: 'text', yml: 'text',
};

const BY_MIME: Record<string, FileKind> = {
  'application/pdf': 'pdf',
  'application/msword': 'word',
  'application/rtf': 'word',
  'application/vnd.oasis.opendocument.text': 'word',
  'application/vnd.ms-excel': 'excel',
  'text/csv': 'excel',
  'application/vnd.oasis.opendocument.spreadsheet': 'excel',
  'application/vnd.ms-powerpoint': 'ppt',
  'application/vnd.oasis.opendocument.presentation': 'ppt',
  'application/zip': 'archive',
  'application/x-zip-compressed': 'archive',
  'application/vnd.rar': 'archive',
  'application/x-rar-compressed': 'archive',
  'application/x-7z-compressed': 'archive',
  'application/gzip': 'archive',
  'application/x-gzip': 'archive',
  'application/x-tar': 'archive',
  'application/x-bzip2': 'archive',
  'application/json': 'text',
  'application/xml': 'text',
};

/** The extension of a name, lower case, without the dot; '' when it has none (".bashrc"
 * has none: a leading dot starts a name, it does not end one). */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || dot === name.length - 1) return '';
  const ext = name.slice(dot + 1).toLowerCase();
  return /^[a-z0-9]{1,8}$/.test(ext) ? ext : '';
}

/** The kind of a file by its MIME type, else its extension: browsers often give
 * office files no type or application/octet-stream, so the name has the last word. */
export function fileKind(type: string, name: string): FileKind {
  const mime = (type || '').toLowerCase().split(';')[0]!.trim();
  const exact = BY_MIME[mime];
  if (exact) return exact;
  if (mime.startsWith('image/')) return 'image';
  if (mime.includes('wordprocessingml') || mime.startsWith('application/vnd.ms-word')) return 'word';
  if (mime.includes('spreadsheetml')) return 'excel';
  if (mime.includes('presentationml')) return 'ppt';
  const byExt = BY_EXT[extensionOf(name)];
  if (byExt) return byExt;
  if (mime.startsWith('text/')) return 'text';
  return 'other';
}

/** Pictures the browser shows itself (an <img>), as opposed to an image file to download. */
const VIEWABLE = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/bmp', 'image/avif']);
export function viewableImageType(type: string): string | undefined {
  const mime = (type || '').toLowerCase().split(';')[0]!.trim();
  return VIEWABLE.has(mime) ? mime : undefined;
}

/** 12 B, 512 KB, 3.2 MB, 1.5 GB: 1024-based, one decimal below 100. */
export function formatSize(bytes: number, _locale?: Locale): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '';
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  // 99.96 would round to "100.0": decide on the rounded value.
  const one = Math.round(v * 10) / 10;
  const text = one < 100 ? one.toFixed(1).replace(/\.0$/, '') : String(Math.round(v));
  return `${text} ${units[i]}`;
}

/** Display width of a character: CJK and other wide forms count two columns. */
function width(ch: string): number {
  const c = ch.codePointAt(0) ?? 0;
  return (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) || (c >= 0xffe0 && c <= 0xffe6) || c >= 0x1f300
    ? 2
    : 1;
}

/** A name no wider than max columns (a CJK character is two), shortened in the middle
 * with … so that its start and its extension (with a few characters before it) remain:
 * 2027年预算草案（征求意见稿）第三版.docx → 2027年预算草…第三版.docx. */
export function middleEllipsis(name: string, max: number): string {
  const chars = [...name];
  const total = chars.reduce((n, c) => n + width(c), 0);
  if (total <= max) return name;
  const ext = extensionOf(name);
  const extChars = ext ? [...`.${ext}`] : [];
  const stem = chars.slice(0, chars.length - extChars.length);
  const budget = Math.max(2, max - 1 - extChars.reduce((n, c) => n + width(c), 0)); // 1 for the …
  // The end of the stem gets about a third of what is left (it often says 第三版 / final).
  let tailBudget = Math.max(1, Math.floor(budget / 3));
  let headBudget = budget - tailBudget;
  const head: string[] = [];
  for (const c of stem) {
    if (width(c) > headBudget) break;
    head.push(c);
    headBudget -= width(c);
  }
  tailBudget += headBudget; // what the head could not use
  const tail: string[] = [];
  for (let i = stem.length - 1; i >= head.length; i--) {
    const c = stem[i]!;
    if (width(c) > tailBudget) break;
    tail.unshift(c);
    tailBudget -= width(c);
  }
  return `${head.join('')}…${tail.join('')}${extChars.join('')}`;
}

/** A name fit to be a downloaded file's name: no path, no control characters, not empty. */
export function safeFileName(name: string, fallback = 'download'): string {
  // eslint-disable-next-line no-control-regex
  const clean = name.replace(/[\u0000-\u001f\u007f/\\:*?"<>|]+/g, '_').replace(/^[.\s]+|[.\s]+$/g, '').slice(0, 255);
  return clean || fallback;
}
