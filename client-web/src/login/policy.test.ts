import { describe, expect, it } from 'vitest';
import { checkPassword } from './policy';

// internal/passwd/policy_test.go's table, case for case: the browser must refuse exactly
// what the server refused, for the same reason (the server can no longer check it).
const R = (s: string, n: number) => s.repeat(n);
const cases: [string, string, string, string | undefined][] = [
  ['three classes', 'correcthorse7!', 'alice', undefined],
  ['four classes', 'Tr0ub4dor&3', 'alice', undefined],
  ['upper lower digit', 'Password1234', 'alice', undefined],
  ['chinese with latin letters', '政府办公室Ab2024年', 'alice', undefined],
  ['chinese counts as other', '我的办公室abc123', 'alice', undefined],
  ['exactly min length', 'Abcdefgh1!', 'alice', undefined],
  ['exactly max length', R('Ab1', 42) + 'Ab', 'alice', undefined],
  ['max length in chinese', R('中', 126) + 'a1', 'alice', undefined],
  ['empty', '', 'alice', 'too_short'],
  ['one under min', 'Abcdefg1!', 'alice', 'too_short'],
  ['short in runes though long in bytes', '我爱北京天安门A1', 'alice', 'too_short'],
  ['one over max', R('Ab1', 43), 'alice', 'too_long'],
  ['over max bytes within max runes', R('😀', 128) + 'a', 'alice', 'too_long'],
  ['same as username', 'Zhang.Wei.2024', 'Zhang.Wei.2024', 'same_as_username'],
  ['same as username ignoring case', 'zhang.wei.2024', 'ZHANG.WEI.2024', 'same_as_username'],
  ['username empty is not matched', 'Password1234', '', undefined],
  ['lowercase only', 'correcthorsebattery', 'alice', 'too_simple'],
  ['digits only', '12345678901', 'alice', 'too_simple'],
  ['lower and digits', 'password1234', 'alice', 'too_simple'],
  ['chinese passphrase of ten characters', '我的办公室在三楼东边第二间', 'alice', undefined],
  ['chinese passphrase of exactly ten', '办公室在三楼东边二间', 'alice', undefined],
  ['nine chinese characters and a digit are too simple', '办公室在三楼东边二9', 'alice', 'too_simple'],
  ['chinese and digits', '我的办公室在三楼2024', 'alice', 'too_simple'],
  ['non-ascii digits are other', 'abcdefgh١٢٣', 'alice', 'too_simple'],
];

describe('checkPassword: the server policy, in the browser', () => {
  it.each(cases)('%s', (_name, pw, user, want) => {
    expect(checkPassword(pw, user)).toBe(want);
  });
  it('512 bytes pass, one more does not', () => {
    const pw = R('中', 170) + 'aB'; // 512 bytes, 172 characters: the byte rule alone
    expect(new TextEncoder().encode(pw).length).toBe(512);
    expect(checkPassword(pw, '')).toBe('too_long'); // over 128 characters
    expect(checkPassword(R('😀', 128), '')).toBe('too_simple'); // 512 bytes, 128 characters: not too long
  });
  it('a change must not keep the current password, checked last', () => {
    expect(checkPassword('Govchat#2026', 'alice', 'Govchat#2026')).toBe('same_as_current');
    expect(checkPassword('short', 'alice', 'short')).toBe('too_short');
  });
});
