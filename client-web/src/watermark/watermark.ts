// The viewer's watermark (水印): who is looking and when — their display name, the last
// four digits of their phone (of their username when they have none) and the Beijing time
// to the minute — tiled faintly at a slant. Drawn over a channel's view (Watermark.tsx)
// and into the canvas of every decrypted picture and preview at a level that asks for it,
// so that a photo or screenshot of the screen names whoever let it out.

import { zonedParts } from '../format';
import { translate, type Locale } from '../i18n';

/** Who the watermark names. */
export interface Viewer {
  name: string;
  username: string;
  phone?: string;
}

/** The last four digits of the phone; without a phone (or one with fewer than four
 * digits), the last four characters of the username. */
export function lastFour(v: Pick<Viewer, 'username' | 'phone'>): string {
  const digits = (v.phone ?? '').replace(/\D/g, '');
  if (digits.length >= 4) return digits.slice(-4);
  return [...v.username].slice(-4).join('');
}

/** The time as the watermark writes it: Beijing, to the minute (2025年3月5日 14:07). */
export function watermarkTime(at: Date, locale: Locale): string {
  const p = zonedParts(at);
  const two = (n: number) => String(n).padStart(2, '0');
  return translate(locale, 'protect.wm_time', { y: p.year, m: p.month, d: p.day, hh: two(p.hour), mm: two(p.minute) });
}

/** The watermark's two lines: 王建国 0001 / 2025年3月5日 14:07. */
export function watermarkLines(v: Viewer, at: Date, locale: Locale): [string, string] {
  return [`${v.name.trim() || v.username} ${lastFour(v)}`, watermarkTime(at, locale)];
}

/** Milliseconds until the next minute starts: when the shown time changes. */
export function msToNextMinute(nowMs: number): number {
  return 60_000 - (nowMs % 60_000) + 50;
}

/** How the text is laid out and painted. */
export interface WatermarkStyle {
  /** Font size in canvas pixels. */
  fontPx: number;
  /** Slant in radians (negative: rising to the right). */
  angle: number;
  /** Fill and outline (the outline keeps it readable on any picture; may be transparent). */
  fill: string;
  stroke: string;
}

/** The slant every watermark uses: about −24°. */
export const ANGLE = -0.42;

/** A tile's size for lines of `textW` wide at `fontPx`: text plus generous gaps, so the
 * marks stay sparse enough to read through. */
export function tileSize(textW: number, fontPx: number): { w: number; h: number } {
  return { w: Math.ceil(textW + fontPx * 5), h: Math.ceil(fontPx * 2.4 + fontPx * 4.2) };
}

/**
 * Where the tiles' centres go, in the rotated frame centred on the area's middle, so that
 * the rotated grid covers every pixel of a `w`×`h` area: rows `tile.h` apart, each row
 * shifted by half a tile from the last (a brick pattern reads less like stripes).
 */
export function tilePositions(w: number, h: number, tile: { w: number; h: number }): { x: number; y: number }[] {
  if (!(w > 0 && h > 0 && tile.w > 0 && tile.h > 0)) return [];
  // A rotated grid covers the area when it covers the circle around it.
  const r = Math.hypot(w, h) / 2;
  const cols = Math.ceil(r / tile.w) + 1;
  const rows = Math.ceil(r / tile.h) + 1;
  const out: { x: number; y: number }[] = [];
  for (let j = -rows; j <= rows; j++) {
    const shift = (Math.abs(j) % 2) * (tile.w / 2);
    for (let i = -cols; i <= cols; i++) out.push({ x: i * tile.w + shift, y: j * tile.h });
  }
  return out;
}

/** The part of a canvas context the watermark paints with. */
export type Paint = Pick<
  CanvasRenderingContext2D,
  'save' | 'restore' | 'translate' | 'rotate' | 'fillText' | 'strokeText' | 'measureText' | 'font' | 'fillStyle' | 'strokeStyle' | 'lineWidth' | 'textAlign' | 'textBaseline' | 'lineJoin'
>;

export const FONT_FAMILY = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif';

/** Paints the tiled lines over a `w`×`h` area of the context (already holding whatever is
 * under them). Returns how many tiles were drawn. */
export function paintWatermark(ctx: Paint, w: number, h: number, lines: readonly string[], style: WatermarkStyle): number {
  ctx.save();
  ctx.font = `${style.fontPx}px ${FONT_FAMILY}`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.lineJoin = 'round';
  const textW = Math.max(...lines.map((l) => ctx.measureText(l).width), 1);
  const tile = tileSize(textW, style.fontPx);
  const at = tilePositions(w, h, tile);
  ctx.translate(w / 2, h / 2);
  ctx.rotate(style.angle);
  ctx.fillStyle = style.fill;
  ctx.strokeStyle = style.stroke;
  ctx.lineWidth = Math.max(1, style.fontPx / 7);
  const lineH = style.fontPx * 1.3;
  for (const p of at) {
    lines.forEach((line, k) => {
      const y = p.y + (k - (lines.length - 1) / 2) * lineH;
      if (style.stroke !== 'transparent') ctx.strokeText(line, p.x, y);
      ctx.fillText(line, p.x, y);
    });
  }
  ctx.restore();
  return at.length;
}

/** The font size for a picture of w×h pixels: readable in a screenshot of the fitted
 * picture, not covering it. */
export function pictureFontPx(w: number, h: number): number {
  return Math.round(Math.min(64, Math.max(12, Math.min(w, h) / 20)));
}

/** How a picture's watermark is painted: dark text with a light outline at low opacity,
 * visible on light and dark pixels alike. */
export function pictureStyle(w: number, h: number): WatermarkStyle {
  return { fontPx: pictureFontPx(w, h), angle: ANGLE, fill: 'rgba(40, 40, 40, 0.28)', stroke: 'rgba(255, 255, 255, 0.28)' };
}

/** The overlay's style over the chat: faint grey, a little darker on the dark theme's
 * background (light text there). Font in CSS pixels times the device pixel ratio. */
export function overlayStyle(dark: boolean, dpr: number): WatermarkStyle {
  return {
    fontPx: Math.round(15 * dpr),
    angle: ANGLE,
    fill: dark ? 'rgba(255, 255, 255, 0.075)' : 'rgba(0, 0, 0, 0.07)',
    stroke: 'transparent',
  };
}

/** The overlay's style over content the browser draws itself (a PDF in its frame): the
 * pictures' outlined text, fainter, readable on white pages and the dark frame alike. */
export function contentOverlayStyle(dpr: number): WatermarkStyle {
  return { fontPx: Math.round(16 * dpr), angle: ANGLE, fill: 'rgba(50, 50, 50, 0.16)', stroke: 'rgba(255, 255, 255, 0.22)' };
}

/** The largest side a watermarked picture is drawn at (a canvas of 50 MB pictures would
 * run out of memory; the viewer shows it fitted to the screen anyway). */
export const MAX_CANVAS_SIDE = 4096;

/** A picture's canvas size: its own, scaled down to MAX_CANVAS_SIDE. */
export function canvasSize(w: number, h: number, max = MAX_CANVAS_SIDE): { w: number; h: number } {
  if (!(w > 0 && h > 0)) return { w: 1, h: 1 };
  const k = Math.min(1, max / Math.max(w, h));
  return { w: Math.max(1, Math.round(w * k)), h: Math.max(1, Math.round(h * k)) };
}
