import { describe, expect, it } from 'vitest';
import { dateRanges, dayInfo, describeFieldPath, holidayRows, indexYear, monthGrid, monthsWithEntries, rangesText, readCalendarFile, shortDate } from './calendar';
import type { YearFile } from './types';

// The official 2026 arrangements (国务院办公厅, 2025-11-04), as in ../shared/data.
const Y2026: YearFile = {
  year: 2026,
  source: '国务院办公厅关于2026年部分节假日安排的通知，2025年11月4日发布',
  holidays: [
    { name: '元旦', dates: ['2026-01-01', '2026-01-02', '2026-01-03'] },
    { name: '春节', dates: ['2026-02-15', '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20', '2026-02-21', '2026-02-22', '2026-02-23'] },
    { name: '国庆节', dates: ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07'] },
  ],
  workdays: [
    { name: '元旦调休', dates: ['2026-01-04'] },
    { name: '春节调休', dates: ['2026-02-14', '2026-02-28'] },
    { name: '国庆节调休', dates: ['2026-09-20', '2026-10-10'] },
  ],
};

describe('what a date is', () => {
  const idx = indexYear(Y2026);
  it('holidays, make-up working days, weekends', () => {
    expect(dayInfo(idx, { year: 2026, month: 2, day: 23 })).toEqual({ kind: 'holiday', name: '春节' }); // a Monday off
    expect(dayInfo(idx, { year: 2026, month: 2, day: 14 })).toEqual({ kind: 'workday', name: '春节调休' }); // a Saturday at work
    expect(dayInfo(idx, { year: 2026, month: 1, day: 4 })).toEqual({ kind: 'workday', name: '元旦调休' }); // a Sunday at work
    expect(dayInfo(idx, { year: 2026, month: 3, day: 7 })).toEqual({ kind: 'weekend' });
    expect(dayInfo(idx, { year: 2026, month: 3, day: 9 })).toEqual({ kind: 'ordinary' });
  });

  it('a year without a calendar has weekends only', () => {
    expect(dayInfo(indexYear(undefined), { year: 2027, month: 1, day: 1 })).toEqual({ kind: 'ordinary' });
  });
});

describe('monthGrid', () => {
  const idx = indexYear(Y2026);
  it('weeks start on Monday, filled from the neighbouring months', () => {
    const g = monthGrid(2026, 2, idx); // 1 Feb 2026 is a Sunday
    expect(g[0]!.map((c) => c.date)).toEqual(['2026-01-26', '2026-01-27', '2026-01-28', '2026-01-29', '2026-01-30', '2026-01-31', '2026-02-01']);
    expect(g[0]!.map((c) => c.inMonth)).toEqual([false, false, false, false, false, false, true]);
    expect(g.every((w) => w.length === 7)).toBe(true);
    const last = g[g.length - 1]!;
    expect(last[last.length - 1]!.date >= '2026-02-28').toBe(true);
    expect(g.flat().filter((c) => c.inMonth)).toHaveLength(28);
  });

  it('marks the holidays and make-up days', () => {
    const cells = monthGrid(2026, 2, idx).flat().filter((c) => c.inMonth);
    expect(cells.filter((c) => c.info.kind === 'holiday').map((c) => c.day)).toEqual([15, 16, 17, 18, 19, 20, 21, 22, 23]);
    expect(cells.filter((c) => c.info.kind === 'workday').map((c) => c.day)).toEqual([14, 28]);
  });

  it('a month starting on Monday has no leading days', () => {
    expect(monthGrid(2026, 6, idx)[0]![0]!.date).toBe('2026-06-01');
  });

  it('lists the months worth showing', () => {
    expect(monthsWithEntries(Y2026)).toEqual([1, 2, 9, 10]);
  });
});

describe('the list', () => {
  it('groups dates into ranges', () => {
    expect(dateRanges(['2026-01-03', '2026-01-01', '2026-01-02', '2026-01-05']).map((r) => r.days)).toEqual([3, 1]);
    expect(rangesText(['2026-02-15', '2026-02-16', '2026-02-17'], true)).toBe('2月15日至17日');
    expect(rangesText(['2025-01-28', '2025-01-29', '2025-01-30', '2025-01-31', '2025-02-01'], true)).toBe('1月28日至2月1日');
    expect(rangesText(['2026-02-14', '2026-02-28'], true)).toBe('2月14日、2月28日');
    expect(rangesText(['2026-02-14', '2026-02-28'], false)).toBe('14 Feb, 28 Feb');
    expect(rangesText(['2026-10-01', '2026-10-02'], false)).toBe('1–2 Oct');
  });

  it('puts each holiday with its make-up days', () => {
    const rows = holidayRows(Y2026);
    expect(rows.map((r) => [r.name, r.offDays, r.work])).toEqual([
      ['元旦', 3, ['2026-01-04']],
      ['春节', 9, ['2026-02-14', '2026-02-28']],
      ['国庆节', 7, ['2026-09-20', '2026-10-10']],
    ]);
  });

  it('keeps a make-up day that matches no holiday', () => {
    const rows = holidayRows({ year: 2026, source: 's', holidays: [], workdays: [{ name: '特别调休', dates: ['2026-03-07'] }] });
    expect(rows).toEqual([{ name: '特别调休', off: [], offDays: 0, work: ['2026-03-07'] }]);
  });

  it('says the weekday', () => {
    expect(shortDate({ year: 2026, month: 2, day: 14 }, true)).toBe('2月14日（周六）');
    expect(shortDate({ year: 2026, month: 2, day: 14 }, false)).toBe('Sat 14 Feb');
  });
});

describe('a calendar file before upload', () => {
  it('takes a JSON object with a year, BOM or not', () => {
    expect(readCalendarFile('\uFEFF{"year":2027,"source":"x","holidays":[],"workdays":[]}')).toMatchObject({ ok: true, year: 2027 });
  });

  it.each([
    ['not JSON', '{"year":', 'not_json'],
    ['an array', '[1]', 'not_object'],
    ['no year', '{"source":"x"}', 'no_year'],
    ['a year as text', '{"year":"2027"}', 'no_year'],
  ])('refuses %s', (_n, text, kind) => {
    const r = readCalendarFile(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem.kind).toBe(kind);
  });

  it('refuses a huge file', () => {
    const r = readCalendarFile(`{"year":2027,"source":"${'x'.repeat(300_000)}"}`);
    expect(r.ok ? '' : r.problem.kind).toBe('too_large');
  });

  it('puts the server’s field path into words, with what it points at', () => {
    const file = { year: 2027, holidays: [{ name: '元旦', dates: ['2027-01-01'] }, { name: '春节', dates: ['2027-02-06', '2027-02-30'] }] };
    expect(describeFieldPath('holidays[1].dates[1]', file, true)).toBe('放假安排 › “春节” › 日期 › 第 2 项（2027-02-30）');
    expect(describeFieldPath('source', file, true)).toBe('来源');
    expect(describeFieldPath('workdays[0].name', {}, false)).toBe('make-up working days › item 1 › name');
  });
});
