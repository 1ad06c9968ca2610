// 密级设置's checks (the server's rules, before asking), its body and the confirmation's
// list of changes.

import { describe, expect, it } from 'vitest';
import { DEFAULT_LEVELS } from './ladder';
import { changesOf, checkLevels, draftsOf, hasProblems, levelsOf, retentionOf, retentionWords, shortensRetention, type LevelDraft } from './levelsForm';

const drafts = () => draftsOf(DEFAULT_LEVELS);
const edit = (level: number, v: Partial<LevelDraft>) => drafts().map((d) => (d.level === level ? { ...d, ...v } : d));

describe('the levels form', () => {
  it('accepts the defaults and gives them back as they were', () => {
    expect(hasProblems(checkLevels(drafts()))).toBe(false);
    expect(levelsOf(drafts())).toEqual(DEFAULT_LEVELS);
  });

  it('refuses what the server would, naming the level and the field', () => {
    const cases: [number, Partial<LevelDraft>, string, string][] = [
      [1, { name: '  ' }, 'name', 'required'],
      [1, { name: '一二三四五六七八九' }, 'name', 'too_long'],
      [1, { name: '内\n部' }, 'name', 'control'],
      [1, { name: '内\u202e部' }, 'name', 'control'],
      [2, { name_en: '' }, 'name_en', 'required'],
      [2, { name_en: 'x'.repeat(25) }, 'name_en', 'too_long'],
      [2, { name: '秘密' }, 'name', 'duplicate'],
      [3, { name_en: 'Sensitive' }, 'name_en', 'duplicate'],
      [3, { color: 'red' }, 'color', 'color'],
      [3, { color: '#b3261' }, 'color', 'color'],
      [3, { retention: '0' }, 'retention', 'retention'],
      [3, { retention: '-5' }, 'retention', 'retention'],
      [3, { retention: '36501' }, 'retention', 'retention'],
      [3, { retention: '30.5' }, 'retention', 'retention'],
      [3, { retention: '' }, 'retention', 'retention'],
    ];
    for (const [level, v, field, problem] of cases) {
      const p = checkLevels(edit(level, v));
      expect(p[level]?.[field as 'name'], JSON.stringify(v)).toMatchObject({ field, problem });
    }
    // At the limits: 8 characters (not UTF-16 units), 1 and 36500 days.
    expect(hasProblems(checkLevels(edit(1, { name: '𠀀'.repeat(8), retention: '1' })))).toBe(false);
    expect(retentionOf(' 36500 ')).toBe(36500);
  });

  it('lists what saving changes, and warns when a retention gets shorter', () => {
    const after = levelsOf(edit(3, { retention: '15', forward: true, name: ' 机密 ' }));
    const c = changesOf(DEFAULT_LEVELS, after);
    expect(c).toEqual([
      { level: 3, field: 'name', from: '秘密', to: '机密' },
      { level: 3, field: 'retention_days', from: 30, to: 15 },
      { level: 3, field: 'forward', from: false, to: true },
    ]);
    expect(shortensRetention(c)).toBe(true);
    expect(shortensRetention(changesOf(DEFAULT_LEVELS, levelsOf(edit(3, { retention: '60' }))))).toBe(false);
    expect(changesOf(DEFAULT_LEVELS, levelsOf(drafts()))).toEqual([]);
  });

  it('says a retention in words', () => {
    expect(retentionWords(1095)).toEqual({ unit: 'years', n: 3 });
    expect(retentionWords(90)).toEqual({ unit: 'months', n: 3 });
    expect(retentionWords(30)).toEqual({ unit: 'days', n: 30 });
  });
});
