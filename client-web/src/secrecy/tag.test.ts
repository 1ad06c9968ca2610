// LevelTag's look: no tag at 公开, the ladder's names and colours, 敏感/秘密 marked.

import { describe, expect, it } from 'vitest';
import { contrast, DEFAULT_LEVELS } from './ladder';
import { tagLook } from './tag';

describe('a level’s tag', () => {
  it('is absent at 公开 and names the others in the page’s language', () => {
    expect(tagLook(DEFAULT_LEVELS, 0, 'zh-CN')).toBeUndefined();
    expect(tagLook(DEFAULT_LEVELS, undefined, 'zh-CN')).toBeUndefined();
    expect(tagLook(DEFAULT_LEVELS, 1, 'zh-CN')).toMatchObject({ text: '内部', strong: false, background: '#2f6fb0', color: '#ffffff' });
    expect(tagLook(DEFAULT_LEVELS, 1, 'en')?.text).toBe('internal');
  });

  it('marks 敏感 and 秘密 strongly, readable on their colours', () => {
    for (const n of [2, 3]) {
      const look = tagLook(DEFAULT_LEVELS, n, 'zh-CN')!;
      expect(look.strong).toBe(true);
      expect(contrast(look.background, look.color)!).toBeGreaterThanOrEqual(4.5);
    }
    expect(tagLook(DEFAULT_LEVELS, 3, 'zh-CN')?.text).toBe('秘密');
  });

  it('follows the officer’s colours', () => {
    const pale = DEFAULT_LEVELS.map((l) => (l.level === 3 ? { ...l, color: '#ffd7d5' } : l));
    expect(tagLook(pale, 3, 'zh-CN')).toMatchObject({ background: '#ffd7d5', color: '#000000' });
  });
});
