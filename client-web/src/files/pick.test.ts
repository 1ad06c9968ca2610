import { describe, expect, it } from 'vitest';
import { carriesFiles, checkFiles, droppedFiles, intakeFiles, maxFileSize, pastedFiles, screenshotName, type Refusal } from './pick';
import { formatSize } from './size';
import { isPicture, thumbSize } from './thumb';

const GiB = 2 ** 30;
const f = (name: string, size: number, type = '') => ({ name, size, type });
const label = (time: string) => `截图 ${time}`;
// 2026-11-23 14:05:09 in Beijing is 06:05:09 UTC.
const AT = Date.UTC(2026, 10, 23, 6, 5, 9);

describe('size limit', () => {
  it('from /info, else 2 GiB', () => {
    expect(maxFileSize(undefined)).toBe(2 * GiB);
    expect(maxFileSize({})).toBe(2 * GiB);
    expect(maxFileSize({ max_file_size: 100 << 20 })).toBe(100 << 20);
    expect(maxFileSize({ max_file_size: -1 })).toBe(2 * GiB);
    expect(maxFileSize({ max_file_size: 1.5 })).toBe(2 * GiB);
    expect(maxFileSize({ max_file_size: 0 })).toBe(0); // the server takes no files
  });

  it('refuses what is over before any byte leaves, keeps the rest in order', () => {
    const files = [f('a.pdf', 10), f('光盘.iso', 2 * GiB + 1), f('b.docx', 2 * GiB), f('空.txt', 0)];
    const { ok, refused } = checkFiles(files, 2 * GiB);
    expect(ok.map((x) => x.name)).toEqual(['a.pdf', 'b.docx', '空.txt']);
    expect(refused).toEqual([{ name: '光盘.iso', reason: 'too_large' }]);
    expect(formatSize(2 * GiB)).toBe('2 GB');
  });

  it('intake queues what may go and shows what may not (folders too)', () => {
    const added: string[] = [];
    let shown: readonly Refusal[] = [];
    const queue = { add: (_c: number, files: readonly File[]) => added.push(...files.map((x) => x.name)), refuse: (_c: number, l: readonly Refusal[]) => (shown = l) };
    const big = new File([new Uint8Array(11)], 'big.bin');
    const small = new File([new Uint8Array(3)], 'small.txt');
    expect(intakeFiles(queue, 7, [big, small], 10, ['资料'])).toBe(1);
    expect(added).toEqual(['small.txt']);
    expect(shown).toEqual([
      { name: 'big.bin', reason: 'too_large' },
      { name: '资料', reason: 'folder' },
    ]);
    expect(intakeFiles(queue, 7, [big], 10)).toBe(0);
    expect(added).toEqual(['small.txt']);
  });
});

describe('drag and drop', () => {
  it('only a drag carrying files opens the drop zone', () => {
    expect(carriesFiles({ types: ['Files'] })).toBe(true);
    expect(carriesFiles({ types: ['text/plain', 'text/uri-list'] })).toBe(false);
    expect(carriesFiles(null)).toBe(false);
  });

  it('takes the files of a drop and names the folders apart', () => {
    const a = new File(['x'], 'a.pdf');
    const item = (file: File | null, dir?: string) => ({
      kind: 'file',
      type: '',
      getAsFile: () => file,
      webkitGetAsEntry: () => (dir ? { isDirectory: true, name: dir } : { isDirectory: false, name: file!.name }),
    });
    expect(droppedFiles({ types: ['Files'], files: [a], items: [item(a), item(null, '报表'), { kind: 'string', type: 'text/plain', getAsFile: () => null }] })).toEqual({ files: [a], folders: ['报表'] });
    // A browser without entries: the file list as it is.
    expect(droppedFiles({ types: ['Files'], files: [a] })).toEqual({ files: [a], folders: [] });
  });
});

describe('paste', () => {
  it('names a screenshot by the time in Beijing', () => {
    expect(screenshotName(AT, 'image/png', label)).toBe('截图 2026-11-23 14.05.09.png');
    expect(screenshotName(AT, 'image/jpeg', label)).toBe('截图 2026-11-23 14.05.09.jpg');
  });

  it('a screenshot is renamed; a copied file keeps its name; text wins over its picture', () => {
    const shot = new File([new Uint8Array(5)], 'image.png', { type: 'image/png' });
    const photo = new File([new Uint8Array(5)], '合影.jpg', { type: 'image/jpeg' });
    const doc = new File([new Uint8Array(5)], '通知.docx', { type: 'application/msword' });
    const got = pastedFiles({ types: ['Files'], files: [shot] }, AT, label);
    expect(got.map((x) => [x.name, x.type, x.size])).toEqual([['截图 2026-11-23 14.05.09.png', 'image/png', 5]]);
    expect(pastedFiles({ types: ['Files'], files: [photo, doc] }, AT, label).map((x) => x.name)).toEqual(['合影.jpg', '通知.docx']);
    // Text copied from Word brings a picture of itself: the textarea takes the text.
    expect(pastedFiles({ types: ['text/plain', 'Files'], files: [shot], getData: () => '第一季度预算' }, AT, label)).toEqual([]);
    expect(pastedFiles({ types: ['text/plain', 'Files'], files: [shot], getData: () => '  ' }, AT, label)).toHaveLength(1);
    expect(pastedFiles({ types: ['text/plain'], files: [], getData: () => '字' }, AT, label)).toEqual([]);
  });
});

describe('thumbnails', () => {
  it('fits the long side into 320 px, keeps the ratio, never upscales', () => {
    expect(thumbSize(4032, 3024)).toEqual({ width: 320, height: 240 });
    expect(thumbSize(3024, 4032)).toEqual({ width: 240, height: 320 });
    expect(thumbSize(1000, 1000)).toEqual({ width: 320, height: 320 });
    expect(thumbSize(200, 100)).toEqual({ width: 200, height: 100 });
    expect(thumbSize(320, 10)).toEqual({ width: 320, height: 10 });
    expect(thumbSize(10000, 10)).toEqual({ width: 320, height: 1 }); // a panorama keeps a pixel
    expect(thumbSize(0, 0)).toEqual({ width: 1, height: 1 });
    expect(thumbSize(1080, 2340)).toEqual({ width: 148, height: 320 });
  });

  it('knows which pictures a browser decodes', () => {
    expect(isPicture('image/jpeg')).toBe(true);
    expect(isPicture('IMAGE/PNG')).toBe(true);
    expect(isPicture('image/heic')).toBe(false);
    expect(isPicture('image/svg+xml')).toBe(false);
    expect(isPicture('application/pdf')).toBe(false);
  });
});

describe('formatSize', () => {
  it('reads as people read sizes', () => {
    expect(formatSize(0)).toBe('0 B');
    expect(formatSize(1023)).toBe('1023 B');
    expect(formatSize(1024)).toBe('1 KB');
    expect(formatSize(1536)).toBe('1.5 KB');
    expect(formatSize(3.2 * 1024 * 1024)).toBe('3.2 MB');
    expect(formatSize(350 * 1024 * 1024)).toBe('350 MB');
    expect(formatSize(1024 * 1024 - 1)).toBe('1 MB');
    expect(formatSize(50 * 1024 * 1024)).toBe('50 MB');
    expect(formatSize(2 ** 31)).toBe('2 GB');
    expect(formatSize(-1)).toBe('');
  });
});
