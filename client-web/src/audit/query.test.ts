// The console's query building: filters → query strings for the trail, the timeline, the
// CSV and the bundle; Beijing times → RFC 3339; the checks before anything is sent.

import { describe, expect, it } from 'vitest';
import {
  beijingToRfc3339,
  bundleHref,
  checkCaseNumber,
  checkFilter,
  csvHref,
  EMPTY_FILTER,
  filterParams,
  isFiltered,
  lastWeek,
  timelinePath,
  toBeijingLocal,
  trailPath,
  type TrailFilter,
} from './query';

const f = (x: Partial<TrailFilter>): TrailFilter => ({ ...EMPTY_FILTER, ...x });

describe('Beijing time', () => {
  it.each([
    ['2026-11-23T09:00', '2026-11-23T09:00:00+08:00'],
    ['2026-11-23T09:00:15', '2026-11-23T09:00:15+08:00'],
    [' 2026-01-01T00:00 ', '2026-01-01T00:00:00+08:00'],
  ])('%s → %s', (local, rfc) => {
    expect(beijingToRfc3339(local)).toBe(rfc);
    // The instant is the Beijing one whatever this machine's zone.
    expect(new Date(rfc).getTime()).toBe(Date.UTC(Number(local.trim().slice(0, 4)), Number(local.trim().slice(5, 7)) - 1, Number(local.trim().slice(8, 10)), Number(local.trim().slice(11, 13)) - 8, Number(local.trim().slice(14, 16)), Number(local.trim().slice(17, 19) || 0)));
  });
  it.each(['', '2026-11-23', '2026-13-01T00:00', '2026-02-30T10:00', '2026-11-23T24:00', '2026-11-23T09:60', 'yesterday', '2026-11-23 09:00'])('%j is not a time', (s) => {
    expect(beijingToRfc3339(s)).toBeUndefined();
  });
  it('an instant as a Beijing datetime-local value', () => {
    expect(toBeijingLocal(new Date('2026-11-23T01:07:28Z'))).toBe('2026-11-23T09:07');
    expect(toBeijingLocal(new Date('2026-12-31T16:30:00Z'))).toBe('2027-01-01T00:30');
  });
  it('the last week starts seven days ago and has no end', () => {
    expect(lastWeek(new Date('2026-11-30T02:00:00Z'))).toEqual({ since: '2026-11-23T10:00', until: '' });
  });
});

describe('filters', () => {
  it('an empty filter asks for the newest page only', () => {
    expect(trailPath(EMPTY_FILTER)).toBe('/audit/events?limit=100');
    expect(isFiltered(EMPTY_FILTER)).toBe(false);
  });

  it('every filter becomes its parameter', () => {
    const all = f({
      person: { id: 7, name: '李华' },
      action: ' file.download ',
      targetType: 'blob',
      targetId: '9f3c0000000000000000000000000000',
      department: { id: 3, name: '办公室' },
      level: 2,
      outcome: 'denied',
      since: '2026-11-23T09:00',
      until: '2026-11-24T18:30',
    });
    const p = filterParams(all);
    expect(Object.fromEntries(p)).toEqual({
      person_id: '7',
      action: 'file.download',
      target_type: 'blob',
      target_id: '9f3c0000000000000000000000000000',
      department_id: '3',
      level: '2',
      outcome: 'denied',
      since: '2026-11-23T09:00:00+08:00',
      until: '2026-11-24T18:30:00+08:00',
    });
    expect(isFiltered(all)).toBe(true);
  });

  it('level 0 (公开, any) and an id without a type are left out', () => {
    expect(filterParams(f({ level: 0, targetId: '12' })).toString()).toBe('');
  });

  it('pages by before_id, never by offset', () => {
    const path = trailPath(f({ action: 'auth.' }), { beforeId: 987654, limit: 50 });
    expect(path).toBe('/audit/events?action=auth.&before_id=987654&limit=50');
    expect(path).not.toContain('offset');
  });

  it('the "+" of +08:00 is escaped in the URL', () => {
    expect(trailPath(f({ since: '2026-11-23T09:00' }))).toContain('since=2026-11-23T09%3A00%3A00%2B08%3A00');
  });

  it('a person’s timeline', () => {
    expect(timelinePath(7, { since: '2026-11-23T10:00', until: '' }, { beforeId: 40 })).toBe('/audit/people/7/timeline?since=2026-11-23T10%3A00%3A00%2B08%3A00&before_id=40&limit=100');
  });

  it.each<[Partial<TrailFilter>, ReturnType<typeof checkFilter>]>([
    [{}, undefined],
    [{ action: 'auth.' }, undefined],
    [{ action: 'auth.login_failed' }, undefined],
    [{ action: 'file' }, undefined],
    [{ action: 'Auth.' }, { field: 'action', problem: 'action_format' }],
    [{ action: 'auth..x' }, { field: 'action', problem: 'action_format' }],
    [{ action: 'auth login' }, { field: 'action', problem: 'action_format' }],
    [{ action: 'a'.repeat(65) }, { field: 'action', problem: 'too_long' }],
    [{ targetType: 'Blob' }, { field: 'target_type', problem: 'target_type_format' }],
    [{ targetType: 'x'.repeat(33) }, { field: 'target_type', problem: 'too_long' }],
    [{ targetId: '12' }, { field: 'target_id', problem: 'target_id_needs_type' }],
    [{ targetType: 'channel', targetId: '1'.repeat(65) }, { field: 'target_id', problem: 'too_long' }],
    [{ since: '2026-02-30T00:00' }, { field: 'since', problem: 'time_format' }],
    [{ until: 'soon' }, { field: 'until', problem: 'time_format' }],
    [{ since: '2026-11-23T09:00', until: '2026-11-23T09:00' }, { field: 'until', problem: 'until_before_since' }],
    [{ since: '2026-11-23T09:00', until: '2026-11-23T08:59' }, { field: 'until', problem: 'until_before_since' }],
  ])('check %j', (x, want) => {
    expect(checkFilter(f(x))).toEqual(want);
  });
});

describe('exports', () => {
  it('the CSV carries the current filter and the case number', () => {
    const href = csvHref(f({ person: { id: 9, name: '吴强' }, action: 'file.' }), ' （2026）保密字第7号 ');
    const u = new URL(href, 'http://x');
    expect(u.pathname).toBe('/api/v1/audit/export.csv');
    expect(Object.fromEntries(u.searchParams)).toEqual({ person_id: '9', action: 'file.', case_number: '（2026）保密字第7号' });
  });
  it('the bundle carries its range and the case number', () => {
    const u = new URL(bundleHref({ since: '2026-11-01T00:00', until: '' }, '案-1'), 'http://x');
    expect(u.pathname).toBe('/api/v1/audit/export.bundle');
    expect(Object.fromEntries(u.searchParams)).toEqual({ since: '2026-11-01T00:00:00+08:00', case_number: '案-1' });
  });
  it.each<[string, ReturnType<typeof checkCaseNumber>]>([
    ['（2026）保密字第7号', undefined],
    ['  ', 'required'],
    ['', 'required'],
    ['案'.repeat(64), undefined],
    ['案'.repeat(65), 'too_long'],
    ['a\nb', 'control'],
    ['a\u202eb', 'control'],
    ['a\u0007b', 'control'],
  ])('case number %j', (s, want) => {
    expect(checkCaseNumber(s)).toBe(want);
  });
});
