import { describe, expect, it } from 'vitest';
import { ApiError } from '../api';
import type { ShareOptions } from '../files/share';
import { fakeDraftQueue } from '../files/testqueue';
import { createAnswerFiles } from './files';

const file = (name: string, size = 10, type = 'application/pdf') => new File([new Uint8Array(size)], name, { type });
const kept = { blob_id: 'f'.repeat(32), size: 5, commitment: 'old' };

function setup(limit = 1000) {
  const queue = fakeDraftQueue();
  const shared: ShareOptions[] = [];
  const files = createAnswerFiles({
    queue,
    share: async (o) => {
      shared.push(o);
      return { wrapped: o.recipients.length + 1, missing: [] };
    },
    collectionId: 7,
    authorId: 1,
    me: { id: 5 },
    limit,
    kept: { f6: kept },
    ciphertextSize: (n) => n + 100,
  });
  return { queue, shared, files };
}

describe('an answer’s files', () => {
  it('holds one file a field: a new pick replaces the kept one and the one uploading', () => {
    const { queue, files } = setup();
    expect(files.count('f6')).toEqual({ ready: 1, pending: 0 });
    expect(files.add('f6', [file('基数表.xlsx'), file('签字页.png', 10, 'image/png')])).toBe(1);
    expect(files.count('f6')).toEqual({ ready: 0, pending: 1 });
    const first = queue.getState().items[0]!.id;
    files.add('f6', [file('基数表（改）.xlsx')]);
    expect(queue.log).toEqual([`cancel ${first}`]);
    queue.stage(queue.getState().items[0]!.id, 'uploaded');
    expect(files.count('f6')).toEqual({ ready: 1, pending: 0 });
    expect(files.count('f9')).toEqual({ ready: 0, pending: 0 });
  });

  it('refuses a file too large for the server or the field', () => {
    const { files } = setup(100);
    expect(files.add('f6', [file('big.pdf', 101)])).toBe(0);
    expect(files.getState().refused).toEqual([{ fieldId: 'f6', name: 'big.pdf', reason: 'too_large' }]);
    expect(files.count('f6').ready).toBe(1);
  });

  it('wraps each new file to the author and me for collection:<id>, and answers the attachments', async () => {
    const { queue, files, shared } = setup();
    expect(await files.attachments(['f6'])).toEqual({ f6: kept });
    files.add('f6', [file('a.pdf', 30)]);
    const id = queue.getState().items[0]!.id;
    await expect(files.attachments(['f6'])).rejects.toBeInstanceOf(ApiError);
    queue.stage(id, 'uploaded');
    const out = await files.attachments(['f6']);
    expect(shared.map((s) => [s.context, s.recipients])).toEqual([['collection:7', [1, 5]]]);
    expect(out.f6).toEqual({ blob_id: shared[0]!.blobId, commitment: expect.any(String), size: 130 });
    files.sent();
    expect(queue.log).toEqual([expect.stringMatching(/^release collection-7-\d+-f6$/)]);
  });

  it('drops a kept file removed, and deletes unsent uploads when the form closes', () => {
    const { queue, files } = setup();
    files.removeKept('f6');
    expect(files.count('f6').ready).toBe(0);
    files.add('f6', [file('a.pdf')]);
    files.close();
    expect(queue.log).toEqual([expect.stringMatching(/^discard collection-7-\d+-f6$/)]);
    expect(files.add('f6', [file('b.pdf')])).toBe(0);
  });
});
