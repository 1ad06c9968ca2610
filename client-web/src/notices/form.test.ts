import { describe, expect, it } from 'vitest';
import {
  charCount,
  checkPublish,
  checkReason,
  checkRevise,
  emptyPublishForm,
  publishBody,
  reviseBody,
  reviseFormOf,
  setDepartmentSub,
  targetCount,
  toggleDepartment,
  toggleId,
} from './form';
import { notice } from './testkit';

const NOW = Date.parse('2026-11-23T02:00:00Z'); // 10:00 in Beijing

describe('the publish form', () => {
  it('asks for a title, a text and an audience', () => {
    expect(checkPublish(emptyPublishForm(), NOW)).toEqual({
      title: { key: 'notices.form_required' },
      body: { key: 'notices.form_required' },
      audience: { key: 'notices.form_audience_empty' },
    });
  });

  it('checks the deadline in Beijing time', () => {
    const f = { ...emptyPublishForm(), title: 't', body: 'b', channels: [1] };
    expect(checkPublish({ ...f, deadlineDate: '2026-11-23', deadlineTime: '09:59' }, NOW).deadline).toEqual({ key: 'notices.form_deadline_past' });
    expect(checkPublish({ ...f, deadlineDate: '2026-11-23', deadlineTime: '10:01' }, NOW)).toEqual({});
    expect(checkPublish({ ...f, deadlineDate: '', deadlineTime: '10:01' }, NOW).deadline).toEqual({ key: 'notices.form_deadline_invalid' });
    expect(checkPublish({ ...f, deadlineDate: '2026-02-30', deadlineTime: '' }, NOW).deadline).toEqual({ key: 'notices.form_deadline_invalid' });
  });

  it('counts characters as people do', () => {
    expect(charCount('通知😀')).toBe(3);
    const f = { ...emptyPublishForm(), title: '字'.repeat(101), body: 'b', users: [], people: [{ id: 1, name: 'x' }] };
    expect(checkPublish(f, NOW).title).toEqual({ key: 'notices.form_too_long', params: { max: 100 } });
  });

  it('makes the documented body', () => {
    const f = {
      ...emptyPublishForm(),
      title: ' 关于报送预算的通知 ',
      body: '请按时报送。\n\n',
      urgent: true,
      secrecy: 1 as const,
      deadlineDate: '2026-11-25',
      deadlineTime: '17:00',
      needsConfirm: false,
      channels: [10, 10],
      departments: [{ id: 3, sub: true }, { id: 4 }],
      partyOrgs: [2],
      people: [{ id: 6, name: '刘洋' }],
    };
    expect(targetCount(f)).toBe(6);
    expect(publishBody(f)).toEqual({
      title: '关于报送预算的通知',
      body: '请按时报送。',
      priority: 'urgent',
      secrecy: 1,
      deadline: '2026-11-25T09:00:00.000Z',
      needs_confirm: false,
      audience: { channels: [10], departments: [{ id: 3, sub: true }, { id: 4 }], party_orgs: [2], users: [6] },
    });
    const plain = publishBody({ ...emptyPublishForm(), title: 't', body: 'b', deadlineDate: '2026-11-25', channels: [1] });
    expect(plain).toEqual({ title: 't', body: 'b', priority: 'normal', deadline: '2026-11-25T09:30:00.000Z', audience: { channels: [1] } });
  });

  it('chooses and unchooses targets', () => {
    expect(toggleId([1, 2], 2)).toEqual([1]);
    expect(toggleId([1], 3)).toEqual([1, 3]);
    const d = toggleDepartment([], 3, true);
    expect(d).toEqual([{ id: 3, sub: true }]);
    expect(setDepartmentSub(d, 3, false)).toEqual([{ id: 3, sub: false }]);
    expect(toggleDepartment(d, 3, true)).toEqual([]);
  });
});

describe('the revise form', () => {
  const n = notice({ deadline: '2026-11-25T09:00:00Z', priority: 'normal' });

  it('starts from the notice, deadline in Beijing time', () => {
    expect(reviseFormOf(n)).toEqual({ title: n.title, body: n.body, changeNote: '', urgent: false, deadlineDate: '2026-11-25', deadlineTime: '17:00' });
  });

  it('requires a change note, and a new deadline in the future', () => {
    const f = reviseFormOf(n);
    expect(checkRevise(f, n, NOW)).toEqual({ change_note: { key: 'notices.form_required' } });
    const later = Date.parse('2026-11-26T00:00:00Z');
    // The unchanged deadline may have passed already…
    expect(checkRevise({ ...f, changeNote: '改期' }, n, later)).toEqual({});
    // …a new one may not.
    expect(checkRevise({ ...f, changeNote: '改期', deadlineTime: '18:00' }, n, later).deadline).toEqual({ key: 'notices.form_deadline_past' });
  });

  it('sends only what changed beside title, text and note', () => {
    const f = { ...reviseFormOf(n), changeNote: ' 截止时间延后两天 ' };
    expect(reviseBody(f, n)).toEqual({ title: n.title, body: n.body, change_note: '截止时间延后两天' });
    expect(reviseBody({ ...f, deadlineDate: '2026-11-27' }, n).deadline).toBe('2026-11-27T09:00:00.000Z');
    expect(reviseBody({ ...f, deadlineDate: '', deadlineTime: '' }, n).clear_deadline).toBe(true);
    expect(reviseBody({ ...f, urgent: true }, n).priority).toBe('urgent');
  });

  it('requires a reason to withdraw', () => {
    expect(checkReason(' ')).toEqual({ key: 'notices.form_required' });
    expect(checkReason('重复发布')).toBeUndefined();
  });
});
