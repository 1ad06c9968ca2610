import { describe, expect, it } from 'vitest';
import { dateLabel, eachLimited, filterOf, filterRows, groupByDate, mergePage, NO_FILTERS, sendersOf, type FileRow } from './channelFiles';
import { picturesOf, previewOf } from './gallery';
import type { ChannelFile } from './types';
import type { Message } from '../chat/types';

// 2026-11-23 10:00 in Beijing.
const NOW = Date.parse('2026-11-23T02:00:00Z');

function file(seq: number, sender: number, at: string, thumb = false): ChannelFile {
  const id = seq.toString(16).padStart(32, '0');
  return { seq, sender_id: sender, created_at: at, attachment: { blob_id: id, size: 1000, commitment: 'c', ...(thumb ? { thumb_blob_id: 'f'.repeat(32), thumb_size: 10 } : {}) } };
}

const rows: FileRow[] = [
  { file: file(10, 1, '2026-11-23T01:00:00Z'), meta: { name: '2027年预算草案.docx', type: '', size: 1 } },
  { file: file(9, 1, '2026-11-22T16:00:00Z'), meta: { name: '现场照片.jpg', type: 'image/jpeg', size: 1 } }, // 00:00 on the 23rd
  { file: file(8, 2, '2026-11-22T15:59:00Z'), meta: { name: '决算报表.xlsx', type: '', size: 1 } }, // 23:59 on the 22nd
  { file: file(7, 2, '2026-03-02T04:00:00Z'), meta: { name: '红头文件.pdf', type: 'application/pdf', size: 1 } },
  { file: file(6, 3, '2025-12-03T04:00:00Z'), meta: { name: '材料.zip', type: '', size: 1 } },
  { file: file(5, 3, '2025-12-03T05:00:00Z') }, // not decrypted yet
  { file: file(4, 2, '2025-12-03T06:00:00Z'), error: 'no_key' },
];

describe('群文件 filters', () => {
  it('maps kinds to the five type filters', () => {
    expect(['word', 'ppt', 'text', 'excel', 'pdf', 'image', 'archive', 'other'].map((k) => filterOf(k as never))).toEqual(['doc', 'doc', 'doc', 'sheet', 'pdf', 'image', 'other', 'other']);
  });

  it('filters by type over the decrypted names and types', () => {
    const seqs = (f: Partial<typeof NO_FILTERS>) => filterRows(rows, { ...NO_FILTERS, ...f }).map((r) => r.file.seq);
    expect(seqs({})).toEqual([10, 9, 8, 7, 6, 5, 4]);
    expect(seqs({ type: 'doc' })).toEqual([10]);
    expect(seqs({ type: 'sheet' })).toEqual([8]);
    expect(seqs({ type: 'image' })).toEqual([9]);
    expect(seqs({ type: 'pdf' })).toEqual([7]);
    expect(seqs({ type: 'other' })).toEqual([6]);
  });

  it('filters by sender, and by name text (case-insensitive), rows not yet decrypted only without a name', () => {
    const seqs = (f: Partial<typeof NO_FILTERS>) => filterRows(rows, { ...NO_FILTERS, ...f }).map((r) => r.file.seq);
    expect(seqs({ sender: 3 })).toEqual([6, 5]);
    expect(seqs({ text: '预算' })).toEqual([10]);
    expect(seqs({ text: ' PDF ' })).toEqual([7]);
    expect(seqs({ text: '报', sender: 2 })).toEqual([8]);
    expect(seqs({ text: 'zzz' })).toEqual([]);
    expect(sendersOf(rows)).toEqual([1, 2, 3]);
  });

  it('merges pages once per message, newest first', () => {
    const a = mergePage([], [file(3, 1, '2026-01-01T00:00:00Z'), file(5, 1, '2026-01-02T00:00:00Z')]);
    const b = mergePage(a, [file(5, 1, '2026-01-02T00:00:00Z'), file(1, 2, '2025-01-01T00:00:00Z')]);
    expect(b.map((r) => r.file.seq)).toEqual([5, 3, 1]);
  });
});

describe('群文件 dates', () => {
  it('writes dates as Chinese users do, in Beijing time', () => {
    expect(dateLabel('2026-11-23T01:00:00Z', NOW, 'zh-CN')).toBe('今天');
    expect(dateLabel('2026-11-22T16:00:00Z', NOW, 'zh-CN')).toBe('今天'); // 00:00 Beijing
    expect(dateLabel('2026-11-22T15:59:00Z', NOW, 'zh-CN')).toBe('昨天');
    expect(dateLabel('2026-03-02T04:00:00Z', NOW, 'zh-CN')).toBe('3月2日');
    expect(dateLabel('2025-12-03T04:00:00Z', NOW, 'zh-CN')).toBe('2025年12月3日');
    expect(dateLabel('2026-03-02T04:00:00Z', NOW, 'en')).toBe('2 Mar');
    expect(dateLabel('2025-12-03T04:00:00Z', NOW, 'en')).toBe('3 Dec 2025');
    expect(dateLabel('2026-11-22T15:59:00Z', NOW, 'en')).toBe('Yesterday');
  });

  it('groups by Beijing day, newest first', () => {
    const g = groupByDate(rows, NOW, 'zh-CN');
    expect(g.map((x) => [x.label, x.rows.map((r) => r.file.seq)])).toEqual([
      ['今天', [10, 9]],
      ['昨天', [8]],
      ['3月2日', [7]],
      ['2025年12月3日', [6, 5, 4]],
    ]);
  });
});

describe('helpers', () => {
  it('runs at most n at a time', async () => {
    let running = 0;
    let most = 0;
    await eachLimited([1, 2, 3, 4, 5, 6, 7, 8, 9], 3, async () => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 2));
      running--;
    });
    expect(most).toBe(3);
  });

  it('lists a timeline’s pictures in order, forwarded ones included, recalled ones not', () => {
    const pic = (n: number) => ({ blob_id: String(n).padStart(32, '0'), size: 1, commitment: 'c', thumb_blob_id: 'e'.repeat(32) });
    const msg = (seq: number, extra: Partial<Message>): Message => ({ channel_id: 1, seq, sender_id: 1, text: '', secrecy: 0, created_at: '2026-01-01T00:00:00Z', ...extra });
    const list = picturesOf([
      msg(1, { attachment: pic(1) }),
      msg(2, { attachment: { blob_id: '2'.padStart(32, '0'), size: 1, commitment: 'c' } }), // a file
      msg(3, { attachment: pic(3), recalled_at: '2026-01-01T00:01:00Z' }),
      msg(4, { forward: { from_channel_id: 2, from_channel_name: 'x', items: [{ sender_id: 2, sender_name: 'y', seq: 9, text: '', secrecy: 0, created_at: '2026-01-01T00:00:00Z', attachment: pic(4) }] } }),
      msg(5, { attachment: pic(1) }), // the same picture again: once
    ]);
    expect(list.map((a) => Number(a.blob_id))).toEqual([1, 4]);
  });
});

describe('previewOf', () => {
  it('stands [图片] / [文件] in for a file sent without a caption', () => {
    const pic = { blob_id: '1'.repeat(32), size: 1, commitment: 'c', thumb_blob_id: '2'.repeat(32) };
    const doc = { blob_id: '3'.repeat(32), size: 1, commitment: 'c' };
    expect(previewOf({ text: '', attachment: pic }, 'zh-CN')).toBe('[图片]');
    expect(previewOf({ text: ' ', attachment: doc }, 'zh-CN')).toBe('[文件]');
    expect(previewOf({ text: '', attachment: doc }, 'en')).toBe('[File]');
    expect(previewOf({ text: '请查收', attachment: doc }, 'zh-CN')).toBe('请查收');
    expect(previewOf({ text: '' }, 'zh-CN')).toBe('');
  });
});
