import { describe, expect, it } from 'vitest';
import { extensionOf, fileKind, formatSize, middleEllipsis, safeFileName, viewableImageType } from './display';
import { clampPan, fitSize, FIT, panBy, swipe, zoomAt } from './zoom';

describe('fileKind: the icon of a file', () => {
  it.each([
    ['application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'x.docx', 'word'],
    ['application/msword', 'x.doc', 'word'],
    ['', '关于2027年预算编制的通知.wps', 'word'],
    ['application/octet-stream', '报告.DOCX', 'word'],
    ['application/vnd.ms-excel', 'x.xls', 'excel'],
    ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'x', 'excel'],
    ['text/csv', 'a.csv', 'excel'],
    ['', '决算.et', 'excel'],
    ['application/vnd.openxmlformats-officedocument.presentationml.presentation', 'x.pptx', 'ppt'],
    ['', '汇报.dps', 'ppt'],
    ['application/pdf', 'a', 'pdf'],
    ['', '红头文件.PDF', 'pdf'],
    ['image/jpeg', 'IMG_0001.JPG', 'image'],
    ['image/heic', 'x.heic', 'image'],
    ['', 'scan.png', 'image'],
    ['application/zip', 'a.zip', 'archive'],
    ['', '材料.rar', 'archive'],
    ['', 'backup.tar.gz', 'archive'],
    ['text/plain', 'readme', 'text'],
    ['', 'notes.md', 'text'],
    ['', 'setup.exe', 'other'],
    ['', 'Makefile', 'other'],
    ['application/octet-stream', '', 'other'],
  ])('%s %s → %s', (type, name, kind) => {
    expect(fileKind(type, name)).toBe(kind);
  });

  it('takes the extension only when it is one', () => {
    expect(extensionOf('.bashrc')).toBe('');
    expect(extensionOf('a.')).toBe('');
    expect(extensionOf('a.b c')).toBe('');
    expect(extensionOf('报告.Docx')).toBe('docx');
  });

  it('lets the browser show only raster picture types itself', () => {
    expect(viewableImageType('image/JPEG')).toBe('image/jpeg');
    expect(viewableImageType('image/svg+xml')).toBeUndefined();
    expect(viewableImageType('text/html')).toBeUndefined();
  });
});

describe('formatSize', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1 KB'],
    [3_355_443, '3.2 MB'],
    [512 * 1024, '512 KB'],
    [99.96 * 1024, '100 KB'],
    [1.5 * 1024 ** 3, '1.5 GB'],
    [10 * 1024 * 1024, '10 MB'],
  ])('%d → %s', (n, s) => expect(formatSize(n)).toBe(s));
});

describe('middleEllipsis', () => {
  it('leaves a name that fits alone', () => {
    expect(middleEllipsis('通知.pdf', 20)).toBe('通知.pdf');
  });

  it('cuts the middle, keeping the start, the end and the extension', () => {
    const s = middleEllipsis('2027年预算草案（征求意见稿）第三版.docx', 24);
    expect(s).toMatch(/^2027年预算.*….*第三版\.docx$/);
    expect(s.startsWith('2027')).toBe(true);
  });

  it('counts a Chinese character as two columns', () => {
    const s = middleEllipsis('一二三四五六七八九十一二三四五六七八九十.txt', 20);
    const cols = [...s].reduce((n, c) => n + (/[\u4e00-\u9fff]/.test(c) ? 2 : 1), 0);
    expect(cols).toBeLessThanOrEqual(20);
    expect(s.endsWith('.txt')).toBe(true);
    expect(s).toContain('…');
  });

  it('works without an extension and with a very long one', () => {
    expect(middleEllipsis('a'.repeat(50), 10)).toMatch(/^a+…a+$/);
    expect(middleEllipsis('a'.repeat(50), 10).length).toBeLessThanOrEqual(10);
    expect(middleEllipsis('aaaaaaaaaaaaaaaaaaaaaaaa.abcdefgh', 12)).toMatch(/…a*\.abcdefgh$/);
  });

  it('never splits a character outside the BMP', () => {
    const s = middleEllipsis('😀'.repeat(30) + '.png', 16);
    expect(s).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });
});

describe('safeFileName', () => {
  it('drops path parts and control characters, never empty', () => {
    const p = safeFileName('../../etc/passwd');
    expect(p).not.toMatch(/[/\\]|^\./);
    expect(p.endsWith('etc_passwd')).toBe(true);
    expect(safeFileName('C:\\Windows\\a.txt')).toBe('C_Windows_a.txt');
    expect(safeFileName('a\u0000b\nc.txt')).toBe('a_b_c.txt');
    expect(safeFileName('   ')).toBe('download');
    expect(safeFileName('报告.docx')).toBe('报告.docx');
  });
});

describe('zoom', () => {
  const stage = { w: 1000, h: 800 };
  it('fits a picture, and does not blow up a small one', () => {
    expect(fitSize({ w: 4000, h: 3000 }, stage)).toEqual({ w: 1000, h: 750 });
    expect(fitSize({ w: 400, h: 300 }, stage)).toEqual({ w: 400, h: 300 });
    expect(fitSize({ w: 100, h: 50 }, stage)).toEqual({ w: 1000, h: 500 }); // an icon-size picture is enlarged
  });

  it('keeps the point under the cursor still, and stays within 1×–8×', () => {
    const fitted = { w: 1000, h: 750 };
    const z = zoomAt(FIT, 2, 200, 100, fitted, stage);
    expect(z.scale).toBe(2);
    // The picture point at (200, 100) (scale 1) is still at (200, 100).
    expect(z.x + 2 * 200).toBe(200);
    expect(z.y + 2 * 100).toBe(100);
    expect(zoomAt(z, 100, 0, 0, fitted, stage).scale).toBe(8);
    expect(zoomAt(z, 0.01, 0, 0, fitted, stage)).toEqual(FIT);
  });

  it('pans no further than the picture’s edges', () => {
    const fitted = { w: 1000, h: 750 };
    const z = panBy({ scale: 2, x: 0, y: 0 }, 5000, -5000, fitted, stage);
    expect(z).toEqual({ scale: 2, x: 500, y: -350 });
    expect(clampPan({ scale: 1, x: 30, y: 30 }, fitted, stage)).toEqual({ scale: 1, x: 0, y: 0 });
  });

  it('reads a quick horizontal drag as a swipe', () => {
    expect(swipe(-120, 10, 200)).toBe('next');
    expect(swipe(120, -10, 200)).toBe('prev');
    expect(swipe(30, 0, 100)).toBeUndefined();
    expect(swipe(100, 100, 100)).toBeUndefined();
    expect(swipe(-200, 0, 2000)).toBeUndefined();
  });
});
