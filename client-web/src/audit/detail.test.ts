import { describe, expect, it } from 'vitest';
import { detailRows } from './detail';

describe('an event’s detail as rows', () => {
  it.each<[string | undefined, { key: string; value: string }[]]>([
    [undefined, []],
    ['', []],
    ['{"session_id":9,"totp":false}', [{ key: 'session_id', value: '9' }, { key: 'totp', value: 'false' }]],
    ['{"seqs":[3,4],"merged":true,"to_channel_ids":[12]}', [{ key: 'seqs', value: '3, 4' }, { key: 'merged', value: 'true' }, { key: 'to_channel_ids', value: '12' }]],
    ['{"before":{"max_secrecy":1},"after":{"max_secrecy":2}}', [{ key: 'before.max_secrecy', value: '1' }, { key: 'after.max_secrecy', value: '2' }]],
    ['{"rules":[{"id":"id_card","count":1}]}', [{ key: 'rules', value: '[{"id":"id_card","count":1}]' }]],
    ['{"x":null}', [{ key: 'x', value: '—' }]],
    ['not json', [{ key: 'detail', value: 'not json' }]],
    ['[1,2]', [{ key: 'detail', value: '1, 2' }]],
  ])('%j', (d, rows) => {
    expect(detailRows(d)).toEqual(rows);
  });
  it('cuts a very long value', () => {
    const v = detailRows(JSON.stringify({ k: '长'.repeat(400) }))[0]!.value;
    expect([...v]).toHaveLength(301);
    expect(v.endsWith('…')).toBe(true);
  });
});
