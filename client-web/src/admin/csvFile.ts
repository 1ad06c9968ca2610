// Reading the CSV file in the browser. The server wants UTF-8; a browser that decodes
// a GBK file as UTF-8 would quietly turn every Chinese character into U+FFFD, so the
// bytes are checked here first and a GBK or UTF-16 file is refused with advice.

export const MAX_IMPORT_BYTES = 5 * 1024 * 1024; // 5 MiB, as the server

export type CsvProblem =
  | { kind: 'too_large' }
  | { kind: 'empty' }
  | { kind: 'utf16' }
  | { kind: 'not_utf8'; line: number };

export type DecodedCsv = { ok: true; text: string } | { ok: false; problem: CsvProblem };

/** Offset of the first byte that is not part of valid UTF-8, or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    let n: number;
    let min: number;
    if (c < 0x80) {
      i++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) {
      n = 1;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      min = 0x10000;
    } else return i;
    let cp = c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const x = b[i + k];
      if (x === undefined || (x & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (x & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return -1;
}

function lineOf(b: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (b[i] === 0x0a) line++;
  return line;
}

/** Checks and decodes the file's bytes (a UTF-8 byte-order mark is dropped). */
export function decodeCsv(bytes: Uint8Array): DecodedCsv {
  if (bytes.length > MAX_IMPORT_BYTES) return { ok: false, problem: { kind: 'too_large' } };
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return { ok: false, problem: { kind: 'utf16' } };
  }
  const bad = firstInvalidUtf8(bytes);
  if (bad >= 0) return { ok: false, problem: { kind: 'not_utf8', line: lineOf(bytes, bad) } };
  const text = new TextDecoder('utf-8').decode(bytes); // drops the BOM
  if (!text.trim()) return { ok: false, problem: { kind: 'empty' } };
  return { ok: true, text };
}
