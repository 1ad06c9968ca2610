// The ladder as the client reads it: names by language, rules, the strictest reading of a
// level off the wire, and tags that stay readable on whatever colour the officer picks.

import { describe, expect, it } from 'vitest';
import { clampLevel, contrast, DEFAULT_LEVELS, levelName, levelOf, levelRules, tagged, textOn } from './ladder';
import type { SecrecyLevel } from './types';

const renamed: SecrecyLevel[] = DEFAULT_LEVELS.map((l) => (l.level === 2 ? { ...l, name: '机密', name_en: 'confidential', color: '#ffe08a' } : { ...l }));

describe('the ladder', () => {
  it('names levels in the page’s language, from the ladder in use', () => {
    expect([0, 1, 2, 3].map((n) => levelName(DEFAULT_LEVELS, n, 'zh-CN'))).toEqual(['公开', '内部', '敏感', '秘密']);
    expect([0, 1, 2, 3].map((n) => levelName(DEFAULT_LEVELS, n, 'en'))).toEqual(['public', 'internal', 'sensitive', 'restricted']);
    expect(levelName(renamed, 2, 'zh-CN')).toBe('机密');
    expect(levelName(renamed, 2, 'en')).toBe('confidential');
  });

  it('reads a level off the wire strictly: unknown high levels are the top one, junk is 0', () => {
    expect(clampLevel(7)).toBe(3);
    expect(clampLevel(-1)).toBe(0);
    expect(clampLevel(undefined)).toBe(0);
    expect(clampLevel(Number.NaN)).toBe(0);
    expect(levelOf(DEFAULT_LEVELS, 9).name).toBe('秘密');
    expect(levelRules(DEFAULT_LEVELS, 9).forward).toBe(false);
  });

  it('gives the rules of a level (cp reads watermark, copy, download and store from here)', () => {
    expect(levelRules(DEFAULT_LEVELS, 3)).toEqual({ push_text: false, forward: false, download: false, copy: false, watermark: true, store: false });
    expect(levelRules(DEFAULT_LEVELS, 0)).toEqual({ push_text: true, forward: true, download: true, copy: true, watermark: false, store: true });
    // A ladder missing a rung falls back to the default rung, not to "everything allowed".
    expect(levelRules(DEFAULT_LEVELS.slice(0, 2), 3).download).toBe(false);
  });

  it('tags every level but 公开', () => {
    expect([0, 1, 2, 3].map(tagged)).toEqual([false, true, true, true]);
  });

  it('picks black or white text so a tag reads at 4.5:1 or better on any colour', () => {
    for (const l of [...DEFAULT_LEVELS, ...renamed]) expect(contrast(l.color, textOn(l.color))!, l.color).toBeGreaterThanOrEqual(4.5);
    expect(textOn('#ffe08a')).toBe('#000000');
    expect(textOn('#b3261e')).toBe('#ffffff');
    for (const c of ['#777777', '#808080', '#ff0000', '#00ff00', '#0000ff', '#ffff00']) expect(contrast(c, textOn(c))!).toBeGreaterThanOrEqual(4.5);
    expect(contrast('#zzzzzz', '#000000')).toBeUndefined();
  });
});
