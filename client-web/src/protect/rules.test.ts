import { describe, expect, it } from 'vitest';
import { blobLevels, channelWatermark, levelsOf, protectedLadder, rulesFor, STRICT, strictest, type LevelRules } from './rules';

// protocol.DefaultSecrecyLevels(), the rules part.
const LADDER: LevelRules[] = [
  { level: 0, watermark: false, download: true, copy: true, store: true },
  { level: 1, watermark: false, download: true, copy: true, store: true },
  { level: 2, watermark: true, download: true, copy: true, store: true },
  { level: 3, watermark: true, download: false, copy: false, store: false },
];

describe('rulesFor', () => {
  it.each([
    [0, { watermark: false, download: true, copy: true, store: true }],
    [1, { watermark: false, download: true, copy: true, store: true }],
    [2, { watermark: true, download: true, copy: true, store: true }],
    [3, { watermark: true, download: false, copy: false, store: false }],
  ])('level %i follows the ladder', (level, want) => {
    expect(rulesFor(LADDER, level)).toEqual({ level, ...want });
  });

  it('follows a changed ladder, not a built-in one', () => {
    const changed = LADDER.map((l) => (l.level === 1 ? { ...l, watermark: true, copy: false } : l));
    expect(rulesFor(changed, 1)).toMatchObject({ watermark: true, copy: false, download: true });
  });

  it('fails closed above 0 while the ladder is unknown, and for a level past its end', () => {
    expect(rulesFor(undefined, 2)).toEqual({ level: 2, ...STRICT });
    expect(rulesFor(LADDER, 7)).toEqual({ level: 7, ...STRICT });
    expect(rulesFor(LADDER.slice(0, 2), 3)).toEqual({ level: 3, ...STRICT });
    // 公开 stays open meanwhile: an ordinary chat is not watermarked by a slow request.
    expect(rulesFor(undefined, 0)).toMatchObject({ watermark: false, copy: true, store: true });
  });

  it('reads a negative or missing level as 0', () => {
    expect(rulesFor(LADDER, -1).level).toBe(0);
    expect(rulesFor(LADDER, undefined).level).toBe(0);
  });
});

describe('several levels together', () => {
  it('turns each protection on when any level asks', () => {
    expect(strictest(LADDER, [0, 2])).toEqual({ level: 2, watermark: true, download: true, copy: true, store: true });
    expect(strictest(LADDER, [1, 3, 0])).toEqual({ level: 3, watermark: true, download: false, copy: false, store: false });
  });

  it('a forward shows its items’ levels', () => {
    expect(levelsOf({ secrecy: 1, forward: { items: [{ secrecy: 0 }, { secrecy: 3 }] } })).toEqual([1, 0, 3]);
    expect(strictest(LADDER, levelsOf({ secrecy: 0, forward: { items: [{ secrecy: 3 }] } })).copy).toBe(false);
  });

  it('watermarks a channel by its ceiling or by a message shown', () => {
    expect(channelWatermark(LADDER, 3, [])).toBe(true);
    expect(channelWatermark(LADDER, 1, [{ secrecy: 1 }])).toBe(false);
    // The ceiling was lowered after a 敏感 message was sent: it still shows the watermark.
    expect(channelWatermark(LADDER, 1, [{ secrecy: 0 }, { secrecy: 2 }])).toBe(true);
    expect(channelWatermark(LADDER, 1, [{ secrecy: 2, recalled_at: '2025-01-01T00:00:00Z' }])).toBe(false);
    expect(channelWatermark(LADDER, 1, [{ secrecy: 1, forward: { items: [{ secrecy: 3 }] } }])).toBe(true);
  });

  it('protects a file at the highest level of the messages that carry it', () => {
    const a = { blob_id: 'a' };
    const b = { blob_id: 'b' };
    const got = blobLevels([
      { secrecy: 0, attachment: a },
      { secrecy: 3, attachment: a },
      { secrecy: 1, forward: { items: [{ secrecy: 2, attachment: b }] } },
      { secrecy: 3, attachment: { blob_id: 'c' }, recalled_at: '2025-01-01T00:00:00Z' },
    ]);
    expect(Object.fromEntries(got)).toEqual({ a: 3, b: 2 });
  });
});

describe('protectedLadder', () => {
  it('is the server’s ladder once read, nothing before', () => {
    expect(protectedLadder({ levels: LADDER, loaded: true })).toBe(LADDER);
    expect(protectedLadder({ levels: LADDER, loaded: false })).toBeUndefined();
  });
});
