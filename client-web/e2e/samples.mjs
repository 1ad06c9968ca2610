// Files the browser tests send: a PNG and a PDF made in a few lines, so that no binary
// fixture is committed and each test can mark its own bytes.

import { randomBytes } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/**
 * A w×h RGB PNG: a gradient with a coloured band (band: [r, g, b]), so that zoom and
 * thumbnails show something; `marker`, when given, goes into a tEXt chunk (a test can
 * then look for it where the file must not be in the clear). `noise` fills the picture
 * with random pixels, which do not compress: a w×h picture is then about w·h·3 bytes, as
 * big as a phone photo of that size.
 */
export function png(w, h, { band = [200, 30, 30], marker, noise = false } = {}) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const rows = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    const o = y * (w * 3 + 1);
    for (let x = 0; x < w; x++) {
      const on = y > h * 0.4 && y < h * 0.6;
      rows[o + 1 + x * 3] = on ? band[0] : (x * 255) / w;
      rows[o + 2 + x * 3] = on ? band[1] : (y * 255) / h;
      rows[o + 3 + x * 3] = on ? band[2] : 170;
    }
  }
  if (noise) {
    const r = randomBytes(rows.length);
    for (let y = 0; y < h; y++) r[y * (w * 3 + 1)] = 0; // each row's filter byte: none
    r.copy(rows);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    ...(marker ? [chunk('tEXt', Buffer.from(`Comment\u0000${marker}`, 'latin1'))] : []),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A one-page PDF with a line of text (offsets in the xref computed, so viewers accept it). */
export function pdf(text) {
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    null,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  const stream = `BT /F1 24 Tf 72 760 Td (${text}) Tj ET`;
  objs[3] = `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`;
  let out = '%PDF-1.4\n';
  const offsets = [];
  objs.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}
