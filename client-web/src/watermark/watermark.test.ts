import { describe, expect, it } from 'vitest';
import { canvasSize, lastFour, msToNextMinute, paintWatermark, pictureFontPx, tilePositions, tileSize, watermarkLines, type Paint } from './watermark';

describe('watermark text', () => {
  it('names the viewer with the last four digits of their phone', () => {
    expect(lastFour({ username: 'wangjianguo', phone: '138-0000-0001' })).toBe('0001');
    expect(lastFour({ username: 'wangjianguo', phone: '+86 138 0000 1234' })).toBe('1234');
  });

  it('falls back to the last four characters of the username without a phone', () => {
    expect(lastFour({ username: 'wangjianguo' })).toBe('nguo');
    expect(lastFour({ username: 'li', phone: '12' })).toBe('li');
  });

  it('writes Beijing time to the minute, as Chinese users write dates', () => {
    // 2025-03-05 06:07:59 UTC is 14:07 in Beijing.
    const at = new Date(Date.UTC(2025, 2, 5, 6, 7, 59));
    expect(watermarkLines({ name: '王建国', username: 'wangjianguo', phone: '13800000001' }, at, 'zh-CN')).toEqual(['王建国 0001', '2025年3月5日 14:07']);
    expect(watermarkLines({ name: '王建国', username: 'wangjianguo' }, at, 'en')).toEqual(['王建国 nguo', '2025-3-5 14:07']);
    // Past midnight in Beijing while still the day before in UTC.
    expect(watermarkLines({ name: 'A', username: 'abcd' }, new Date(Date.UTC(2025, 11, 31, 16, 30)), 'zh-CN')[1]).toBe('2026年1月1日 00:30');
  });

  it('uses the username when the display name is blank', () => {
    expect(watermarkLines({ name: ' ', username: 'zhaomin', phone: '13800000004' }, new Date(0), 'zh-CN')[0]).toBe('zhaomin 0004');
  });

  it('is redrawn just after each minute starts', () => {
    expect(msToNextMinute(Date.UTC(2025, 0, 1, 0, 0, 59, 900))).toBe(150);
    expect(msToNextMinute(Date.UTC(2025, 0, 1, 0, 1, 0, 0))).toBe(60_050);
  });
});

describe('tiling', () => {
  /** Whether the point (px, py) of the area lies within some tile of the rotated grid. */
  function covered(w: number, h: number, tile: { w: number; h: number }, angle: number, px: number, py: number): boolean {
    const at = tilePositions(w, h, tile);
    // Into the rotated frame centred on the middle.
    const dx = px - w / 2;
    const dy = py - h / 2;
    const rx = dx * Math.cos(-angle) - dy * Math.sin(-angle);
    const ry = dx * Math.sin(-angle) + dy * Math.cos(-angle);
    return at.some((p) => Math.abs(rx - p.x) <= tile.w / 2 && Math.abs(ry - p.y) <= tile.h / 2);
  }

  it.each([
    [390, 844],
    [1280, 800],
    [4000, 300],
  ])('covers every corner and the middle of a %i×%i area at any slant', (w, h) => {
    const tile = tileSize(180, 15);
    for (const angle of [0, -0.42, 0.9]) {
      for (const [x, y] of [[0, 0], [w, 0], [0, h], [w, h], [w / 2, h / 2], [w / 3, (2 * h) / 3]] as const) {
        expect(covered(w, h, tile, angle, x, y)).toBe(true);
      }
    }
  });

  it('staggers every other row by half a tile, and repeats sparsely', () => {
    const tile = { w: 200, h: 100 };
    const at = tilePositions(1280, 800, tile);
    const row0 = at.filter((p) => p.y === 0).map((p) => p.x);
    const row1 = at.filter((p) => p.y === 100).map((p) => p.x);
    expect(row0).toContain(0);
    expect(row1).toContain(100);
    // With the overlay's real tile (two lines of about 180 px at 15 px), dozens of marks
    // for a desktop window (some fall outside it), not thousands — sparse enough to read the chat through.
    const real = tilePositions(1280, 800, tileSize(180, 15));
    expect(real.length).toBeGreaterThan(20);
    expect(real.length).toBeLessThan(250);
  });

  it('draws nothing on an empty area', () => {
    expect(tilePositions(0, 100, { w: 10, h: 10 })).toEqual([]);
  });

  it('paints both lines into every tile', () => {
    const calls: { text: string; x: number; y: number }[] = [];
    const ctx = {
      save() {},
      restore() {},
      translate() {},
      rotate() {},
      measureText: (s: string) => ({ width: s.length * 10 }) as TextMetrics,
      fillText: (text: string, x: number, y: number) => void calls.push({ text, x, y }),
      strokeText() {},
    } as unknown as Paint;
    const n = paintWatermark(ctx, 390, 844, ['王建国 0001', '2025年3月5日 14:07'], { fontPx: 15, angle: -0.42, fill: 'rgba(0,0,0,.07)', stroke: 'transparent' });
    expect(n).toBeGreaterThan(4);
    expect(calls.length).toBe(2 * n);
    expect(calls.filter((c) => c.text === '王建国 0001').length).toBe(n);
  });

  it('sizes pictures and their text', () => {
    expect(canvasSize(8000, 2000)).toEqual({ w: 4096, h: 1024 });
    expect(canvasSize(640, 480)).toEqual({ w: 640, h: 480 });
    expect(pictureFontPx(100, 100)).toBe(12);
    expect(pictureFontPx(4096, 3072)).toBe(64);
  });
});
