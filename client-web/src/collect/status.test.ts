import { describe, expect, it } from 'vitest';
import { todoOf, comparePinned, fileAnswers, groupStatus, needsAnswer, pinnedIn, readerState, signupLines, statusShares, submissionsTable } from './status';
import { collection, FORM_FIELDS, submission } from './testkit';
import type { CollectionStatus } from './types';

const NOW = Date.parse('2026-11-22T02:00:00Z');

const status: CollectionStatus = {
  collection_id: 7,
  counts: { recipients: 5, units: 5, submitted: 2, returned: 1 },
  departments: [
    {
      department_id: 3,
      name: '预算股',
      submitted: 2,
      returned: 0,
      todo: 0,
      people: [
        { user_id: 5, display_name: '李华', state: 'submitted', updated_at: '2026-11-21T02:00:00Z' },
        { user_id: 6, display_name: '张静', state: 'submitted' },
      ],
    },
    {
      department_id: 4,
      name: '国库股',
      submitted: 0,
      returned: 1,
      todo: 2,
      people: [
        { user_id: 8, display_name: '何平', state: 'todo' },
        { user_id: 9, display_name: '周海燕', state: 'returned' },
        { user_id: 10, display_name: '陈志强', state: 'todo' },
      ],
    },
  ],
};

describe('groupStatus', () => {
  it('puts the departments with the most still to do first, and their laggards on top', () => {
    const g = groupStatus(status);
    expect(g.map((d) => d.name)).toEqual(['国库股', '预算股']);
    expect(g[0]!.people.map((p) => p.state)).toEqual(['todo', 'todo', 'returned']);
    expect(g[0]!.total).toBe(3);
  });

  it('filters by state, leaving out departments with nobody in it', () => {
    expect(groupStatus(status, 'todo').map((d) => [d.name, d.people.length])).toEqual([['国库股', 2]]);
    expect(groupStatus(status, 'submitted').map((d) => d.name)).toEqual(['预算股']);
    expect(groupStatus(undefined)).toEqual([]);
  });

  it('gives whole shares for the bar', () => {
    expect(statusShares(status.counts)).toEqual({ submitted: 40, returned: 20, todo: 40 });
    expect(todoOf(status.counts)).toBe(2);
    expect(statusShares({ recipients: 0, units: 0, submitted: 0, returned: 0 })).toEqual({ submitted: 0, returned: 0, todo: 0 });
  });
});

describe('the reader’s state', () => {
  it('may edit until the deadline or the close', () => {
    const c = collection({ my: { state: 'submitted' }, deadline: '2026-11-23T09:00:00Z' });
    expect(readerState(c, NOW)).toEqual({ state: 'submitted', canEdit: true });
    expect(readerState(c, Date.parse('2026-11-23T09:00:00Z')).canEdit).toBe(false);
    expect(readerState({ ...c, status: 'closed' }, NOW).canEdit).toBe(false);
    expect(readerState(collection(), NOW).state).toBe('author');
  });

  it('pins what is still to answer in its channels, returned ones first', () => {
    const todo = collection({ id: 1, my: { state: 'todo' }, deadline: '2026-11-25T09:00:00Z' });
    const returned = collection({ id: 2, my: { state: 'returned' }, deadline: '2026-11-30T09:00:00Z' });
    const soon = collection({ id: 3, my: { state: 'todo' }, deadline: '2026-11-23T09:00:00Z' });
    const done = collection({ id: 4, my: { state: 'submitted' } });
    const elsewhere = collection({ id: 5, my: { state: 'todo' }, audience: { channels: [11] } });
    const closed = collection({ id: 6, my: { state: 'todo' }, status: 'closed' });
    expect(pinnedIn([todo, returned, soon, done, elsewhere, closed], 10, NOW).map((c) => c.id)).toEqual([2, 3, 1]);
    expect(needsAnswer(done, NOW)).toBe(false);
    expect(comparePinned(todo, todo)).toBe(0);
  });
});

describe('the table of submissions', () => {
  const a = submission({ user_id: 5, submitted_at: '2026-11-21T03:00:00Z', values: { f1: '预算股', f6: { blob_id: 'a'.repeat(32), size: 1, commitment: 'x' } } });
  const b = submission({ user_id: 6, user_name: '张静', submitted_at: '2026-11-21T01:00:00Z', values: { f1: '国库股', line: '张静 2人' } });

  it('lists submissions in the order they first came, under the form’s columns', () => {
    const v = submissionsTable(FORM_FIELDS, [a, b]);
    expect(v.rows.map((r) => r.submission.user_id)).toEqual([6, 5]);
    expect(v.rows[1]!.cells[0]).toBe('预算股');
  });

  it('numbers a 接龙’s lines in order, as the server numbers them', () => {
    expect(signupLines([a, b]).map((l) => [l.n, l.line])).toEqual([
      [1, '张静 2人'],
      [2, ''],
    ]);
    expect(signupLines([{ ...a, number: 1 }, { ...b, number: 2 }]).map((l) => [l.n, l.submission.user_id])).toEqual([
      [1, 5],
      [2, 6],
    ]);
  });

  it('finds every file answer with who sent it', () => {
    const f = fileAnswers(FORM_FIELDS, [a, b]);
    expect(f.map((x) => [x.submission.user_id, x.field.id])).toEqual([[5, 'f6']]);
  });
});
