// 法律保全: the form's checks, the request with Beijing days, the list's search and
// filter, who may countersign, refusals in words, and the REST calls.

import { describe, expect, it } from 'vitest';
import { createRequest } from '../api';
import { err, fakeFetch } from '../testing';
import { countersign, createHold, listHolds, requestRelease } from './api';
import { checkHold, checkNote, emptyHoldForm, filterHolds, holdBody, holdErrorText, mayCountersign, type HoldForm } from './holds';
import type { LegalHold } from './types';

const ok: HoldForm = { ...emptyHoldForm(), channel: { id: 12, name: '预算股' }, from: '2026-01-01', to: '2026-03-31', reason: '审计署专项检查', caseNo: '（2026）审字第3号' };

const hold = (over: Partial<LegalHold>): LegalHold => ({
  id: 1,
  scope: 'channel',
  target_id: 12,
  target_name: '预算股',
  reason: '专项检查',
  case_no: 'A-1',
  status: 'active',
  created_by: 4,
  created_by_name: '赵敏',
  created_at: '2026-12-01T02:00:00Z',
  ...over,
});

describe('the new hold form', () => {
  it('sends the whole Beijing days of the range as instants', () => {
    expect(checkHold(ok)).toEqual({});
    expect(holdBody(ok)).toEqual({
      scope: 'channel',
      target_id: 12,
      from: '2025-12-31T16:00:00.000Z',
      to: '2026-03-31T15:59:59.999Z',
      reason: '审计署专项检查',
      case_no: '（2026）审字第3号',
    });
    // Open ends are left out.
    expect(holdBody({ ...ok, from: '', to: '' })).not.toHaveProperty('from');
  });

  it('names what is wrong', () => {
    expect(checkHold({ ...ok, channel: undefined })).toEqual({ target: 'required' });
    expect(checkHold({ ...ok, scope: 'user' })).toEqual({ target: 'required' });
    expect(checkHold({ ...ok, scope: 'notice', noticeId: 'abc' })).toEqual({ target: 'notice_id' });
    expect(checkHold({ ...ok, scope: 'notice', noticeId: '0' })).toEqual({ target: 'notice_id' });
    expect(holdBody({ ...ok, scope: 'notice', noticeId: ' 34 ' }).target_id).toBe(34);
    expect(checkHold({ ...ok, from: '2026-02-30' })).toEqual({ from: 'date' });
    expect(checkHold({ ...ok, from: '2026-04-01' })).toEqual({ to: 'range' });
    expect(checkHold({ ...ok, reason: ' ' })).toEqual({ reason: 'reason' });
    expect(checkHold({ ...ok, reason: '因'.repeat(501) })).toEqual({ reason: 'reason' });
    expect(checkHold({ ...ok, reason: '第一行\n第二行' })).toEqual({});
    expect(checkHold({ ...ok, reason: '检查\u0007' })).toEqual({ reason: 'control' });
    expect(checkHold({ ...ok, caseNo: '' })).toEqual({ case_no: 'case_no' });
    expect(checkHold({ ...ok, caseNo: '号'.repeat(65) })).toEqual({ case_no: 'case_no' });
    expect(checkHold({ ...ok, caseNo: 'A\n1' })).toEqual({ case_no: 'control' });
    expect(checkNote('')).toBe('note');
    expect(checkNote('案件已结')).toBeUndefined();
  });
});

describe('the list of holds', () => {
  const holds = [
    hold({ id: 1, case_no: 'A-1', created_at: '2026-11-01T00:00:00Z' }),
    hold({ id: 2, case_no: 'B-7', target_name: '张静', scope: 'user', status: 'release_requested', release_requested_by: 4, release_requested_name: '赵敏', created_at: '2026-11-05T00:00:00Z' }),
    hold({ id: 3, case_no: 'C-2', status: 'released', released_by_name: '孙丽', created_at: '2026-10-01T00:00:00Z' }),
  ];
  it('searches case numbers, targets, reasons and officers, newest first, by status', () => {
    expect(filterHolds(holds, '', 'all').map((h) => h.id)).toEqual([2, 1, 3]);
    expect(filterHolds(holds, '张静', 'all').map((h) => h.id)).toEqual([2]);
    expect(filterHolds(holds, 'c-2', 'all').map((h) => h.id)).toEqual([3]);
    expect(filterHolds(holds, '孙丽', 'all').map((h) => h.id)).toEqual([3]);
    expect(filterHolds(holds, '', 'active').map((h) => h.id)).toEqual([1]);
  });

  it('lets someone other than the requester countersign, only once asked', () => {
    expect(mayCountersign(holds[1]!, 4)).toBe(false); // the requester
    expect(mayCountersign(holds[1]!, 5)).toBe(true); // the auditor
    expect(mayCountersign(holds[0]!, 5)).toBe(false); // not asked yet
  });

  it('says the two-person rule in Chinese', () => {
    expect(holdErrorText({ code: 'two_person_rule', at: 0 }, 'zh-CN', () => 'x')).toBe('解除保全须由另一人会签：申请解除的人不能自己会签。请另一名保密员或审计员会签。');
    expect(holdErrorText({ code: 'forbidden', at: 0 }, 'zh-CN', () => 'x')).toMatch(/权限/);
    expect(holdErrorText({ code: 'rate_limited', at: 0 }, 'zh-CN', () => 'x')).toBe('x');
  });
});

describe('the holds API', () => {
  it('calls the endpoints of §4.19 with their bodies', async () => {
    const { fetch, calls } = fakeFetch({
      'GET /api/v1/holds': () => ({ status: 200, body: { holds: null } }),
      'POST /api/v1/holds': (b) => ({ status: 201, body: hold({ ...(b as object) }) }),
      'POST /api/v1/holds/1/release': () => ({ status: 200, body: hold({ status: 'release_requested' }) }),
      'POST /api/v1/holds/1/countersign': () => ({ status: 409, body: err('two_person_rule') }),
    });
    const r = createRequest(fetch);
    expect(await listHolds(r)).toEqual([]);
    await createHold(r, holdBody(ok));
    expect((await requestRelease(r, 1, '案件已结')).status).toBe('release_requested');
    await expect(countersign(r, 1, '同意')).rejects.toMatchObject({ code: 'two_person_rule' });
    expect(calls.map((c) => [c.method, c.url, c.body])).toEqual([
      ['GET', '/api/v1/holds', undefined],
      ['POST', '/api/v1/holds', holdBody(ok)],
      ['POST', '/api/v1/holds/1/release', { note: '案件已结' }],
      ['POST', '/api/v1/holds/1/countersign', { note: '同意' }],
    ]);
  });
});
