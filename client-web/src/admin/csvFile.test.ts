import { describe, expect, it } from 'vitest';
import { decodeCsv, firstInvalidUtf8, MAX_IMPORT_BYTES } from './csvFile';

const utf8 = (s: string) => new TextEncoder().encode(s);
const bytes = (...b: number[]) => new Uint8Array(b);

describe('firstInvalidUtf8', () => {
  it.each([
    { name: 'ASCII', b: utf8('abc'), want: -1 },
    { name: 'Chinese', b: utf8('用户名,姓名'), want: -1 },
    { name: 'four-byte character', b: utf8('𠮷'), want: -1 },
    { name: 'GBK 用户', b: bytes(0x61, 0xd3, 0xc3, 0xbb, 0xa7), want: 1 },
    { name: 'truncated sequence', b: bytes(0xe7, 0x94), want: 0 },
    { name: 'overlong encoding', b: bytes(0xc0, 0xaf), want: 0 },
    { name: 'surrogate', b: bytes(0xed, 0xa0, 0x80), want: 0 },
    { name: 'overlong three-byte', b: bytes(0xe0, 0x80, 0xaf), want: 0 },
  ])('$name', ({ b, want }) => {
    expect(firstInvalidUtf8(b)).toBe(want);
  });
});

describe('decodeCsv', () => {
  it('decodes UTF-8 and drops the byte-order mark', () => {
    const r = decodeCsv(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('用户名,姓名\nlihua,李华\n')]));
    expect(r).toEqual({ ok: true, text: '用户名,姓名\nlihua,李华\n' });
  });

  it('names the line of the first GBK byte', () => {
    const r = decodeCsv(new Uint8Array([...utf8('用户名,姓名\nlihua,'), 0xc0, 0xee, 0xbb, 0xaa]));
    expect(r).toEqual({ ok: false, problem: { kind: 'not_utf8', line: 2 } });
  });

  it.each([
    { name: 'UTF-16 LE', b: bytes(0xff, 0xfe, 0x50, 0x00), kind: 'utf16' },
    { name: 'UTF-16 BE', b: bytes(0xfe, 0xff, 0x00, 0x50), kind: 'utf16' },
    { name: 'empty', b: bytes(), kind: 'empty' },
    { name: 'blank lines only', b: utf8('\r\n \n'), kind: 'empty' },
    { name: 'over 5 MiB', b: new Uint8Array(MAX_IMPORT_BYTES + 1), kind: 'too_large' },
  ])('refuses $name', ({ b, kind }) => {
    const r = decodeCsv(b);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem.kind).toBe(kind);
  });
});
