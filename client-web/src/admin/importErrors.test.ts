import { describe, expect, it } from 'vitest';
import { en, zh } from '../messages/admin';
import { badLineCount, isKnownRowCode, parseRows, ROW_CODES, unreadableKind } from './importErrors';

describe('row codes', () => {
  it('has a Chinese and an English text for every code', () => {
    for (const c of ROW_CODES) {
      const key = `admin.import.code.${c}`;
      expect(Object.keys(zh), key).toContain(key);
      expect(Object.keys(en), key).toContain(key);
    }
  });

  it('tells known codes from new ones', () => {
    expect(isKnownRowCode('invalid_phone')).toBe(true);
    expect(isKnownRowCode('something_new')).toBe(false);
  });
});

describe('parseRows', () => {
  it('keeps well-formed rows and drops the rest', () => {
    expect(
      parseRows([
        { line: 2, column: '用户名', code: 'invalid_username', value: '王建国', message: 'm' },
        { line: 3, code: 'wrong_field_count', message: 'm' },
        { line: 'x', code: 'c' },
        null,
        'text',
      ]),
    ).toEqual([
      { line: 2, column: '用户名', code: 'invalid_username', value: '王建国', message: 'm' },
      { line: 3, column: undefined, code: 'wrong_field_count', value: undefined, message: 'm' },
    ]);
  });

  it('is undefined without rows', () => {
    expect(parseRows(undefined)).toBeUndefined();
    expect(parseRows({})).toBeUndefined();
  });

  it('counts the lines at fault, not the closing too_many_errors', () => {
    const rows = [
      { line: 2, code: 'a', message: '' },
      { line: 2, code: 'b', message: '' },
      { line: 5, code: 'c', message: '' },
      { line: 9, code: 'too_many_errors', message: '' },
    ];
    expect(badLineCount(rows)).toBe(2);
  });
});

describe('unreadableKind', () => {
  it.each([
    ['the file is not UTF-8: line 2 (byte 17) is not valid UTF-8. It looks like GBK…', 'not_utf8'],
    ['the file is not UTF-8: it is UTF-16, which Excel writes…', 'not_utf8'],
    ['the file is empty: there is no header line', 'empty'],
    ['the file has a header but no rows: add one line per person under the header', 'no_rows'],
    ['some rows are invalid; nothing was imported', 'other'],
    [undefined, 'other'],
  ])('%s', (message, kind) => {
    expect(unreadableKind(message)).toBe(kind);
  });
});
