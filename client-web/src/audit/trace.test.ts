// A file's trace made readable: the path as a tree by forwarded_from, and who received,
// opened, downloaded and forwarded the file, by person and by department.

import { describe, expect, it } from 'vitest';
import { buildTree, byDepartment, flatten, involvement } from './trace';
import type { FileTrace, PersonRef, TraceHop } from './types';

const office = { id: 3, name: '办公室' };
const budget = { id: 4, name: '预算股' };
const A: PersonRef = { id: 7, name: '李华', department: budget };
const B: PersonRef = { id: 8, name: '张静', department: budget };
const C: PersonRef = { id: 9, name: '吴强', department: office };
const D: PersonRef = { id: 10, name: '何平' };

const hop = (ch: number, seq: number, sender: PersonRef, at: string, from?: [number, number]): TraceHop => ({
  channel: { id: ch, name: `会话${ch}`, kind: 'group' },
  seq,
  sender,
  at: `2026-11-23T0${at}:00Z`,
  level: 1,
  forwarded_from: from ? { channel_id: from[0], seq: from[1] } : null,
});

const shape = (path: TraceHop[]) => flatten(buildTree(path)).map(({ node, depth }) => `${depth}:${node.hop.channel.id}/${node.hop.seq}${node.orphan ? '!' : ''}`);

describe('the path as a tree', () => {
  it('nests each forward under the message it came from, in time order', () => {
    const path = [
      hop(1, 5, A, '1'), // sent
      hop(2, 3, B, '2', [1, 5]), // forwarded from it
      hop(3, 9, C, '3', [2, 3]), // forwarded on from the forward
      hop(4, 1, A, '4', [1, 5]), // a second forward of the original
    ];
    expect(shape(path)).toEqual(['0:1/5', '1:2/3', '2:3/9', '1:4/1']);
    // The server's order does not matter.
    expect(shape([...path].reverse())).toEqual(['0:1/5', '1:2/3', '2:3/9', '1:4/1']);
  });

  it('two sends of the same file are two roots', () => {
    expect(shape([hop(1, 5, A, '1'), hop(6, 2, A, '2')])).toEqual(['0:1/5', '0:6/2']);
  });

  it('a forward whose source is not in the trace is a root, marked', () => {
    expect(shape([hop(1, 5, A, '1'), hop(2, 3, B, '2', [77, 1])])).toEqual(['0:1/5', '0:2/3!']);
  });

  it('a cycle (never made by the server) is cut, not looped', () => {
    const path = [hop(1, 1, A, '1', [2, 2]), hop(2, 2, B, '2', [1, 1])];
    const rows = shape(path);
    expect(rows).toHaveLength(2);
    expect(rows.some((r) => r.endsWith('!'))).toBe(true);
  });

  it('a message that names itself is a root', () => {
    expect(shape([hop(1, 1, A, '1', [1, 1])])).toEqual(['0:1/1!']);
  });

  it('the same message twice is one node', () => {
    expect(shape([hop(1, 5, A, '1'), hop(1, 5, A, '1')])).toEqual(['0:1/5']);
  });
});

describe('who had the file', () => {
  const trace: FileTrace = {
    file: { blob_id: 'ab'.repeat(16), uploader: A, uploaded_at: '2026-11-23T00:59:00Z', size: 1234 },
    path: [hop(1, 5, A, '1'), hop(2, 3, B, '2', [1, 5])],
    recipients: [
      { user: A, context: 'channel:1', wrapped_at: '2026-11-23T01:00:00Z' },
      { user: B, context: 'channel:1', wrapped_at: '2026-11-23T01:00:00Z' },
      { user: B, context: 'channel:2', wrapped_at: '2026-11-23T02:00:00Z' },
      { user: C, context: 'channel:2', wrapped_at: '2026-11-23T02:00:00Z' },
    ],
    events: [
      { id: 1, at: '2026-11-23T01:00:00Z', action: 'file.upload', outcome: 'ok', actor: A },
      { id: 2, at: '2026-11-23T01:30:00Z', action: 'file.download', outcome: 'ok', actor: B, purpose: 'view' },
      { id: 3, at: '2026-11-23T02:30:00Z', action: 'file.download', outcome: 'ok', actor: C, purpose: 'save' },
      { id: 4, at: '2026-11-23T02:40:00Z', action: 'file.download', outcome: 'ok', actor: C, purpose: 'save' },
      { id: 5, at: '2026-11-23T02:50:00Z', action: 'file.download', outcome: 'denied', actor: D, purpose: 'save' },
      { id: 6, at: '2026-11-23T03:00:00Z', action: 'file.escrow_open', outcome: 'ok', actor: { id: 5, name: '赵敏' } },
      { id: 7, at: '2026-11-23T03:10:00Z', action: 'file.download', outcome: 'ok', actor: { id: 0, name: 'system' }, purpose: 'view' },
    ],
  };
  const got = involvement(trace);
  const names = (k: keyof typeof got) => got[k].map((x) => `${x.person.name}×${x.count}`);

  it('received: everyone who held a key, once each, first time first', () => {
    expect(names('received')).toEqual(['李华×1', '张静×2', '吴强×1']);
    expect(got.received[1]!.first).toBe('2026-11-23T01:00:00Z');
  });
  it('opened (viewed) and downloaded (saved) apart; refusals and the system are not counted', () => {
    expect(names('opened')).toEqual(['张静×1']);
    expect(names('downloaded')).toEqual(['吴强×2']);
  });
  it('forwarded: the senders of forwards', () => {
    expect(names('forwarded')).toEqual(['张静×1']);
  });
  it('an escrow open is none of these', () => {
    for (const k of ['received', 'opened', 'downloaded', 'forwarded'] as const) expect(got[k].some((x) => x.person.name === '赵敏')).toBe(false);
  });
  it('by department, people without one together', () => {
    const list = [...got.received, { person: D, department: '', first: '2026-11-23T04:00:00Z', count: 1 }];
    expect(byDepartment(list).map((g) => [g.department, g.people.map((x) => x.person.name)])).toEqual([
      ['预算股', ['李华', '张静']],
      ['办公室', ['吴强']],
      ['', ['何平']],
    ]);
  });
  it('an empty trace has empty lists', () => {
    const empty = involvement({ file: trace.file, path: [] });
    expect(empty).toEqual({ received: [], opened: [], downloaded: [], forwarded: [] });
  });
});
