// The composer's level: the channel's usual level, within its ceiling.

import { describe, expect, it } from 'vitest';
import { ceilingOf, defaultLevel, keptLevel, pickerLevels } from './compose';

describe('the composer’s level', () => {
  it('starts at the channel’s default_secrecy', () => {
    expect(defaultLevel({ max_secrecy: 3, default_secrecy: 2 })).toBe(2);
    expect(defaultLevel({ max_secrecy: 1, default_secrecy: 0 })).toBe(0);
    // An older server without default_secrecy: 公开.
    expect(defaultLevel({ max_secrecy: 1 })).toBe(0);
  });

  it('never starts above the ceiling, and offers 0…ceiling', () => {
    expect(defaultLevel({ max_secrecy: 1, default_secrecy: 3 })).toBe(1);
    expect(pickerLevels({ max_secrecy: 3 })).toEqual([0, 1, 2, 3]);
    expect(pickerLevels({ max_secrecy: 0 })).toEqual([0]);
    expect(ceilingOf({ max_secrecy: 9 })).toBe(3);
  });

  it('a ceiling lowered while writing takes the choice down with it', () => {
    expect(keptLevel(3, { max_secrecy: 2 })).toBe(2);
    expect(keptLevel(1, { max_secrecy: 2 })).toBe(1);
  });
});
