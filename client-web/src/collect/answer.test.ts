import { describe, expect, it } from 'vitest';
import { addRow, cellKey, checkAnswer, checkCell, checkLine, draftOf, emptyAnswer, filesOf, isDate, lineValues, parseNumber, removeRow, valuesOf, type DraftRow } from './answer';
import { FORM_FIELDS } from './testkit';
import type { Field } from './types';

const table = FORM_FIELDS.find((f) => f.type === 'table')!;
const att = { blob_id: 'a'.repeat(32), size: 100, commitment: 'c' };

function filled() {
  const d = emptyAnswer(FORM_FIELDS);
  d.f1 = '预算股';
  d.f2 = '12';
  d.f4 = '全额拨款';
  return d;
}

describe('numbers and dates', () => {
  it.each([
    ['1250', 1250],
    [' -3.5 ', -3.5],
    ['1,234,567.8', 1234567.8],
    ['１２３．５', 123.5],
    ['+7', 7],
    ['.5', 0.5],
  ])('reads %j as %d', (s, n) => expect(parseNumber(s)).toBe(n));

  it.each(['', '12a', '1.2.3', '一百', '1e5', '--1', 'NaN', 'Infinity'])('refuses %j', (s) => expect(parseNumber(s)).toBeUndefined());

  it('takes only real days', () => {
    expect(isDate('2026-12-31')).toBe(true);
    expect(isDate('2028-02-29')).toBe(true);
    expect(isDate('2026-02-29')).toBe(false);
    expect(isDate('2026-13-01')).toBe(false);
    expect(isDate('2026/12/31')).toBe(false);
  });
});

describe('checkCell per field type', () => {
  const cases: [string, Field, string | string[], string | undefined][] = [
    ['required text empty', { id: 'a', label: 'a', type: 'text', required: true }, '  ', 'collect.err_required'],
    ['optional text empty', { id: 'a', label: 'a', type: 'text' }, '', undefined],
    ['text too long', { id: 'a', label: 'a', type: 'text' }, 'x'.repeat(2001), 'collect.err_too_long'],
    ['number', { id: 'a', label: 'a', type: 'number' }, '12', undefined],
    ['not a number', { id: 'a', label: 'a', type: 'number' }, '十二', 'collect.err_number'],
    ['date', { id: 'a', label: 'a', type: 'date' }, '2026-11-30', undefined],
    ['not a date', { id: 'a', label: 'a', type: 'date' }, '2026-11-31', 'collect.err_date'],
    ['choice', { id: 'a', label: 'a', type: 'choice', options: ['是', '否'] }, '是', undefined],
    ['unknown choice', { id: 'a', label: 'a', type: 'choice', options: ['是', '否'] }, '也许', 'collect.err_choice'],
    ['two for a single choice', { id: 'a', label: 'a', type: 'choice', options: ['是', '否'] }, ['是', '否'], 'collect.err_choice'],
    ['two for a multiple choice', { id: 'a', label: 'a', type: 'choice', options: ['是', '否'], multiple: true }, ['是', '否'], undefined],
    ['required multiple none', { id: 'a', label: 'a', type: 'choice', options: ['是'], multiple: true, required: true }, [], 'collect.err_required'],
  ];
  it.each(cases)('%s', (_, f, v, key) => expect(checkCell(f, v)?.key).toBe(key));
});

describe('checkAnswer', () => {
  it('names each wrong field, and a table cell by row and column', () => {
    const d = emptyAnswer(FORM_FIELDS);
    d.f2 = 'abc';
    d.f7 = [{ c1: '', c2: '5000' }, { c1: '', c2: '' }];
    const p = checkAnswer(FORM_FIELDS, d, { f6: { ready: 0, pending: 0 } });
    expect(Object.fromEntries(Object.entries(p).map(([k, v]) => [k, v.key]))).toEqual({
      f1: 'collect.err_required',
      f2: 'collect.err_number',
      f4: 'collect.err_required',
      f6: 'collect.err_required',
      [cellKey('f7', 0, 'c1')]: 'collect.err_required',
    });
  });

  it('is content with a whole answer', () => {
    expect(checkAnswer(FORM_FIELDS, filled(), { f6: { ready: 1, pending: 0 } })).toEqual({});
  });

  it('refuses a file still uploading, and more than one', () => {
    expect(checkAnswer(FORM_FIELDS, filled(), { f6: { ready: 0, pending: 1 } }).f6?.key).toBe('collect.err_files_pending');
    expect(checkAnswer(FORM_FIELDS, filled(), { f6: { ready: 2, pending: 0 } }).f6?.key).toBe('collect.err_too_many_files');
  });

  it('holds a table’s text cells to 500 characters and numbers to 10^15', () => {
    const d = filled();
    d.f2 = '10000000000000000';
    d.f7 = [{ c1: 'x'.repeat(501), c2: '' }];
    const p = checkAnswer(FORM_FIELDS, d, { f6: { ready: 1, pending: 0 } });
    expect(p.f2?.key).toBe('collect.err_number');
    expect(p[cellKey('f7', 0, 'c1')]).toEqual({ key: 'collect.err_too_long', params: { max: 500 } });
  });

  it('refuses more table rows than max_rows, not counting empty ones', () => {
    const d = filled();
    const row = (n: string): DraftRow => ({ c1: n, c2: '' });
    d.f7 = [row('甲'), row('乙'), { c1: '', c2: '' }, row('丙')];
    expect(checkAnswer(FORM_FIELDS, d, { f6: { ready: 1, pending: 0 } })).toEqual({});
    d.f7 = [row('甲'), row('乙'), row('丙'), row('丁')];
    expect(checkAnswer(FORM_FIELDS, d, { f6: { ready: 1, pending: 0 } }).f7).toEqual({ key: 'collect.err_too_many_rows', params: { max: 3 } });
  });

  it('holds a table to 200 rows whatever max_rows says', () => {
    const big: Field = { id: 't', label: 't', type: 'table', max_rows: 5000, columns: [{ id: 'c1', label: 'x', type: 'text' }] };
    const rows = Array.from({ length: 201 }, (_, i) => ({ c1: String(i) }));
    expect(checkAnswer([big], { t: rows }).t?.params).toEqual({ max: 200 });
    expect(addRow(big, rows.slice(0, 200))).toHaveLength(200);
  });
});

describe('valuesOf and draftOf', () => {
  it('sends typed values, leaving empty fields and rows out', () => {
    const d = filled();
    d.f2 = '1,250';
    d.f3 = '2026-11-30';
    d.f5 = ['财务', '审计'];
    d.f7 = [{ c1: '张三', c2: '5000.5' }, { c1: '', c2: '' }, { c1: '李四', c2: '' }];
    expect(valuesOf(FORM_FIELDS, d, { f6: { ...att, thumb_blob_id: 'b'.repeat(32) } })).toEqual({
      f1: '预算股',
      f2: 1250,
      f3: '2026-11-30',
      f4: '全额拨款',
      f5: ['财务', '审计'],
      f6: { blob_id: att.blob_id, commitment: 'c', thumb_blob_id: 'b'.repeat(32) },
      f7: [{ c1: '张三', c2: 5000.5 }, { c1: '李四' }],
    });
  });

  it('reads a sent answer back into the inputs', () => {
    const values = { f1: '预算股', f2: 12, f5: ['财务'], f6: att, f7: [{ c1: '张三', c2: 5000 }] };
    const d = draftOf(FORM_FIELDS, values);
    expect(d).toMatchObject({ f1: '预算股', f2: '12', f3: '', f4: '', f5: ['财务'], f7: [{ c1: '张三', c2: '5000' }] });
    // The kept file goes back as a reference (the server answers it with its size).
    expect(valuesOf(FORM_FIELDS, d, filesOf(FORM_FIELDS, values))).toEqual({ ...values, f6: { blob_id: att.blob_id, commitment: 'c' } });
  });

  it('keeps one empty row when the last is removed', () => {
    expect(removeRow(table, [{ c1: 'x', c2: '' }], 0)).toEqual([{ c1: '', c2: '' }]);
  });
});

describe('接龙 lines', () => {
  it('wants one line within 200 characters', () => {
    expect(checkLine('  ')?.key).toBe('collect.err_required');
    expect(checkLine('x'.repeat(201))?.key).toBe('collect.err_too_long');
    expect(checkLine('张静 2人')).toBeUndefined();
    expect(lineValues('  张静\n 2人 ')).toEqual({ line: '张静 2人' });
  });
});
