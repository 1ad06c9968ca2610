// The text of a file before it is encrypted, for the DLP rules (PROTOCOL.md §4.25): plain
// text (UTF-8, else GB18030), Word .docx (the body, headers and footers) and PDF (the
// strings shown by Tj, TJ, ' and " in content streams, uncompressed or FlateDecode).
//
// What this does not cover, said plainly: PDFs whose text uses CID fonts (most Chinese
// PDFs: their strings are glyph ids, not characters, and need the font's ToUnicode map),
// hex strings, encrypted PDFs, object streams other than FlateDecode (LZW, ASCII85…),
// scanned pages (pictures, no text), old .doc, .xls(x), .ppt(x), archives and anything
// else: those are checked by name only. The work is bounded: at most MAX_FILE_BYTES of a
// file are read, MAX_TEXT_CHARS of text kept, MAX_INFLATED_BYTES inflated, and the
// scan stops after TIME_BUDGET_MS, saying it was partial.

import { unzipSync, unzlibSync, inflateSync } from 'fflate';

export const MAX_FILE_BYTES = 32 << 20;
export const MAX_TEXT_CHARS = 1_000_000;
export const MAX_INFLATED_BYTES = 16 << 20;
export const TIME_BUDGET_MS = 3000;

export type TextKind = 'txt' | 'docx' | 'pdf';

export interface Extracted {
  text: string;
  /** Cut short by a bound: what was read was checked, not the rest. */
  partial: boolean;
}

/** Which reader a file gets, by its name and type; undefined: name only. */
export function textKind(name: string, type = ''): TextKind | undefined {
  const ext = name.toLowerCase().split('.').pop() ?? '';
  if (ext === 'docx') return 'docx';
  if (ext === 'pdf' || type === 'application/pdf') return 'pdf';
  if (['txt', 'csv', 'md', 'log', 'json', 'xml', 'html', 'htm'].includes(ext) || type.startsWith('text/')) return 'txt';
  return undefined;
}

/** The text of a file, or undefined when its kind is not read (or it cannot be). */
export async function fileText(file: Blob & { name: string }, now: () => number = Date.now): Promise<Extracted | undefined> {
  const kind = textKind(file.name, file.type);
  if (!kind) return undefined;
  const deadline = now() + TIME_BUDGET_MS;
  const cut = file.size > MAX_FILE_BYTES;
  const bytes = new Uint8Array(await file.slice(0, MAX_FILE_BYTES).arrayBuffer());
  try {
    let out: Extracted;
    if (kind === 'txt') out = { text: decodeText(bytes), partial: false };
    else if (kind === 'docx') {
      if (cut) return undefined; // a zip's directory is at its end
      out = docxText(bytes);
    } else out = pdfText(bytes, () => now() > deadline);
    out.partial ||= cut;
    if (out.text.length > MAX_TEXT_CHARS) out = { text: out.text.slice(0, MAX_TEXT_CHARS), partial: true };
    return out;
  } catch {
    return undefined; // not what its name says: checked by name only
  }
}

/** UTF-8 when the bytes are valid UTF-8, else GB18030 (GBK), the other encoding Chinese
 * text files come in. A cut in the middle of a character at the end is forgiven. */
export function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    try {
      // Forgive a character cut at the end (a file read up to the bound).
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, Math.max(0, bytes.length - 3))) + '';
    } catch {
      return new TextDecoder('gb18030').decode(bytes);
    }
  }
}

const DOCX_PARTS = /^word\/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$/;

/** The text of a .docx: each paragraph a line, tabs and breaks kept, runs joined. */
export function docxText(bytes: Uint8Array): Extracted {
  let total = 0;
  let partial = false;
  const files = unzipSync(bytes, {
    filter: (f) => {
      if (!DOCX_PARTS.test(f.name)) return false;
      if (total + f.originalSize > MAX_INFLATED_BYTES) {
        partial = true;
        return false;
      }
      total += f.originalSize;
      return true;
    },
  });
  const names = Object.keys(files).sort((a, b) => (a === 'word/document.xml' ? -1 : b === 'word/document.xml' ? 1 : a.localeCompare(b)));
  const parts = names.map((n) => wordXmlText(new TextDecoder('utf-8').decode(files[n])));
  return { text: parts.join('\n'), partial };
}

/** The text of WordprocessingML: <w:t> contents, a line per </w:p>, <w:tab/> and <w:br/>. */
export function wordXmlText(xml: string): string {
  let out = '';
  const re = /<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>|<\/w:p>|<w:tab\/>|<w:br\/>/g;
  for (const m of xml.matchAll(re)) {
    if (m[1] !== undefined) out += unescapeXml(m[1]);
    else if (m[0] === '</w:p>') out += '\n';
    else if (m[0] === '<w:tab/>') out += '\t';
    else out += '\n';
  }
  return out;
}

function unescapeXml(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_, e: string) => {
    switch (e) {
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'amp':
        return '&';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
    }
    const n = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : '';
  });
}

/** Bytes as Latin-1: one character per byte, for reading a PDF's syntax. */
function latin1(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
  return s;
}

/** The text a PDF's content streams show (see the file's comment for what is not). */
export function pdfText(bytes: Uint8Array, late: () => boolean = () => false): Extracted {
  const src = latin1(bytes);
  let out = '';
  let inflated = 0;
  let partial = false;
  const streamRe = /stream\r?\n/g;
  for (let m = streamRe.exec(src); m; m = streamRe.exec(src)) {
    if (late() || out.length > MAX_TEXT_CHARS) {
      partial = true;
      break;
    }
    const start = m.index + m[0].length;
    const end = src.indexOf('endstream', start);
    if (end < 0) break;
    streamRe.lastIndex = end + 9;
    const dictStart = src.lastIndexOf('<<', m.index);
    const dict = dictStart >= 0 ? src.slice(dictStart, m.index) : '';
    if (/\/Subtype\s*\/Image|\/Type\s*\/XObject|\/FontFile|\/Length1/.test(dict)) continue;
    const filter = /\/Filter\s*(\[[^\]]*\]|\/\w+)/.exec(dict)?.[1] ?? '';
    let data = bytes.subarray(start, end);
    if (filter) {
      if (!/^(\/FlateDecode|\[\s*\/FlateDecode\s*\])$/.test(filter.trim())) continue;
      const room = MAX_INFLATED_BYTES - inflated;
      if (room <= 0) {
        partial = true;
        break;
      }
      try {
        data = unzlibSync(data, { out: new Uint8Array(Math.min(room, Math.max(1 << 16, data.length * 20))) });
      } catch {
        try {
          data = inflateSync(data, { out: new Uint8Array(Math.min(room, Math.max(1 << 16, data.length * 20))) });
        } catch {
          continue;
        }
      }
      inflated += data.length;
    }
    out += contentText(latin1(data));
  }
  return { text: out, partial };
}

/** The strings a content stream shows between BT and ET, a line break at each move to a
 * new line (Td, TD, T*, Tm, ', "). */
export function contentText(cs: string): string {
  let out = '';
  let inText = false;
  let shown = '';
  for (let i = 0; i < cs.length; ) {
    const c = cs[i];
    if (c === '(') {
      const [s, next] = literal(cs, i);
      if (inText) shown += s;
      i = next;
      continue;
    }
    if (c === '%') {
      while (i < cs.length && cs[i] !== '\n' && cs[i] !== '\r') i++;
      continue;
    }
    if (/[A-Za-z'"*]/.test(c)) {
      let j = i;
      while (j < cs.length && /[A-Za-z'"*]/.test(cs[j])) j++;
      const op = cs.slice(i, j);
      i = j;
      if (op === 'BT') {
        inText = true;
        shown = '';
      } else if (op === 'ET') {
        out += shown + '\n';
        shown = '';
        inText = false;
      } else if (inText && (op === 'Td' || op === 'TD' || op === 'T*' || op === 'Tm')) {
        if (shown) out += shown + '\n';
        shown = '';
      } else if (inText && (op === "'" || op === '"')) {
        out += shown + '\n';
        shown = '';
      }
      continue;
    }
    i++;
  }
  return out + shown;
}

/** A literal string from its '(' at i: its bytes (escapes read, nesting kept) and the
 * index after its ')'. */
function literal(cs: string, i: number): [string, number] {
  let depth = 0;
  let s = '';
  for (let j = i; j < cs.length; j++) {
    const c = cs[j];
    if (c === '\\') {
      const n = cs[j + 1];
      j++;
      if (n === undefined) break;
      const esc: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', '(': '(', ')': ')', '\\': '\\' };
      if (esc[n] !== undefined) s += esc[n];
      else if (n >= '0' && n <= '7') {
        let oct = n;
        while (oct.length < 3 && cs[j + 1] >= '0' && cs[j + 1] <= '7') oct += cs[++j];
        s += String.fromCharCode(parseInt(oct, 8) & 0xff);
      } else if (n === '\r') {
        if (cs[j + 1] === '\n') j++;
      } else if (n !== '\n') s += n;
      continue;
    }
    if (c === '(') {
      if (depth++ > 0) s += c;
      continue;
    }
    if (c === ')') {
      if (--depth === 0) return [s, j + 1];
      s += c;
      continue;
    }
    s += c;
  }
  return [s, cs.length];
}
