import { strToU8, zipSync, zlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { contentText, decodeText, docxText, fileText, pdfText, textKind } from './extract';
import { compile } from './scan';
import { DEFAULT_RULES } from './types';

const ID = '110105194912310003'; // fictitious, valid check digit (the corpus's)
const m = compile(DEFAULT_RULES);
const hitsOf = (text: string) => Object.fromEntries(m.scan(text).map((h) => [h.id, h.count]));

function file(bytes: Uint8Array | string, name: string, type = ''): File {
  return new File([(typeof bytes === 'string' ? strToU8(bytes) : bytes) as BlobPart], name, { type });
}

/** A one-page PDF whose content stream is cs, FlateDecode when flate. */
function pdf(cs: string, flate = true): Uint8Array {
  const body = flate ? zlibSync(strToU8(cs, true)) : strToU8(cs, true);
  const head = strToU8(
    `%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n` +
      `3 0 obj << /Type /Page /Parent 2 0 R /Contents 4 0 R >> endobj\n4 0 obj << /Length ${body.length}${flate ? ' /Filter /FlateDecode' : ''} >>\nstream\n`,
    true,
  );
  const tail = strToU8('\nendstream\nendobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', true);
  const out = new Uint8Array(head.length + body.length + tail.length);
  out.set(head);
  out.set(body, head.length);
  out.set(tail, head.length + body.length);
  return out;
}

function docx(xml: string, extra: Record<string, string> = {}): Uint8Array {
  const files: Record<string, Uint8Array> = { '[Content_Types].xml': strToU8('<Types/>'), 'word/document.xml': strToU8(xml) };
  for (const [k, v] of Object.entries(extra)) files[k] = strToU8(v);
  return zipSync(files);
}

describe('which files are read', () => {
  it('goes by name and type', () => {
    expect(textKind('报告.TXT')).toBe('txt');
    expect(textKind('名单.csv')).toBe('txt');
    expect(textKind('notes', 'text/plain')).toBe('txt');
    expect(textKind('通知.docx')).toBe('docx');
    expect(textKind('扫描件.pdf')).toBe('pdf');
    expect(textKind('旧文档.doc')).toBeUndefined();
    expect(textKind('照片.jpg', 'image/jpeg')).toBeUndefined();
  });
});

describe('plain text', () => {
  it('reads UTF-8', async () => {
    const got = await fileText(file(`名单\n张三 ${ID}\n`, 'a.txt'));
    expect(hitsOf(got!.text)).toEqual({ id_card: 1 });
  });
  it('reads GB18030 when the bytes are not UTF-8', () => {
    // 身份证 in GBK, then the number.
    const bytes = new Uint8Array([0xc9, 0xed, 0xb7, 0xdd, 0xd6, 0xa4, ...strToU8(ID)]);
    expect(decodeText(bytes)).toBe('身份证' + ID);
  });
  it('reads full-width digits', async () => {
    const fw = [...ID].map((c) => String.fromCodePoint(c.codePointAt(0)! + 0xfee0)).join('');
    const got = await fileText(file(`身份证号：${fw}`, 'b.txt'));
    expect(hitsOf(got!.text)).toEqual({ id_card: 1 });
  });
});

describe('.docx', () => {
  it('joins runs, keeps paragraphs apart and reads headers', async () => {
    const xml =
      '<w:document><w:body><w:p><w:r><w:t>身份证号</w:t></w:r><w:r><w:t xml:space="preserve">1101051949</w:t></w:r><w:r><w:t>12310003</w:t></w:r></w:p>' +
      '<w:p><w:r><w:t>秘密</w:t></w:r><w:r><w:t>★1年 &amp; 其他</w:t></w:r></w:p><w:p><w:r><w:t>13800138000</w:t></w:r></w:p></w:body></w:document>';
    const got = await fileText(file(docx(xml, { 'word/header1.xml': '<w:hdr><w:p><w:r><w:t>机密★</w:t></w:r></w:p></w:hdr>' }), '通知.docx'));
    expect(got!.partial).toBe(false);
    expect(hitsOf(got!.text)).toEqual({ id_card: 1, mobile: 1, secret_mark: 2 });
    expect(got!.text).toContain('★1年 & 其他');
  });
  it('keeps text of separate paragraphs from joining into one number', () => {
    const xml = '<w:p><w:r><w:t>1380013</w:t></w:r></w:p><w:p><w:r><w:t>8000</w:t></w:r></w:p>';
    expect(hitsOf(docxText(docx(xml)).text)).toEqual({});
  });
  it('a file that is not a zip is checked by name only', async () => {
    expect(await fileText(file('not a zip', 'x.docx'))).toBeUndefined();
  });
});

describe('.pdf', () => {
  it('reads Tj and TJ in a FlateDecode stream', async () => {
    const cs = `BT /F1 12 Tf 72 700 Td (ID: 1101051949) Tj (12310003) Tj ET\nBT 72 680 Td [(\\247\\346 card ) -250 (6222 0200 1234 5671)] TJ ET`;
    const got = await fileText(file(pdf(cs), '档案.pdf'));
    expect(hitsOf(got!.text)).toEqual({ id_card: 1, bank_card: 1 });
  });
  it('reads an uncompressed stream, with escapes and nested parentheses', () => {
    const got = pdfText(pdf('BT (Call \\(mobile\\) \\061\\063800138000 \\(ok\\)) Tj ET', false));
    expect(got.text).toContain('Call (mobile) 13800138000 (ok)');
    expect(hitsOf(got.text)).toEqual({ mobile: 1 });
  });
  it('puts a line break where the text moves to a new line', () => {
    expect(contentText('BT (1380013) Tj 0 -14 Td (8000) Tj ET')).toBe('1380013\n8000\n');
  });
  it('does not read CID-font hex strings (said in extract.ts)', () => {
    expect(pdfText(pdf('BT <0031003300380030> Tj ET')).text.trim()).toBe('');
  });
  it('stops at the time budget and says so', () => {
    const got = pdfText(pdf('BT (13800138000) Tj ET'), () => true);
    expect(got).toEqual({ text: '', partial: true });
  });
});
