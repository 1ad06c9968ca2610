// The picture viewer's zoom and pan, without the DOM: the picture is fitted into the stage
// at scale 1 and drawn with `translate(x, y) scale(s)` about the stage's centre.

export interface ZoomView {
  scale: number;
  x: number;
  y: number;
}

export const FIT: ZoomView = { scale: 1, x: 0, y: 0 };
export const MIN_SCALE = 1;
export const MAX_SCALE = 8;
export const STEP = 1.5;

export interface Size {
  w: number;
  h: number;
}

/** The picture's size at scale 1: as large as fits the stage, never enlarged past its pixels
 * (a small picture stays sharp) unless it is smaller than a quarter of the stage. */
export function fitSize(img: Size, stage: Size): Size {
  if (img.w <= 0 || img.h <= 0 || stage.w <= 0 || stage.h <= 0) return { w: 0, h: 0 };
  let k = Math.min(stage.w / img.w, stage.h / img.h);
  if (k > 1 && img.w * 4 > stage.w && img.h * 4 > stage.h) k = 1;
  return { w: img.w * k, h: img.h * k };
}

/** Keeps the picture covering the stage where it can: no panning past its edges. */
export function clampPan(v: ZoomView, fitted: Size, stage: Size): ZoomView {
  const mx = Math.max(0, (fitted.w * v.scale - stage.w) / 2);
  const my = Math.max(0, (fitted.h * v.scale - stage.h) / 2);
  return { scale: v.scale, x: Math.min(mx, Math.max(-mx, v.x)), y: Math.min(my, Math.max(-my, v.y)) };
}

/** Zooms by `factor` keeping the point (px, py) — relative to the stage's centre — still. */
export function zoomAt(v: ZoomView, factor: number, px: number, py: number, fitted: Size, stage: Size): ZoomView {
  const scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, v.scale * factor));
  if (scale === MIN_SCALE) return FIT;
  const k = scale / v.scale;
  return clampPan({ scale, x: px - (px - v.x) * k, y: py - (py - v.y) * k }, fitted, stage);
}

/** Moves a zoomed picture by (dx, dy) screen pixels. */
export function panBy(v: ZoomView, dx: number, dy: number, fitted: Size, stage: Size): ZoomView {
  return clampPan({ scale: v.scale, x: v.x + dx, y: v.y + dy }, fitted, stage);
}

/** What a horizontal drag at scale 1 means: a swipe to the next or previous picture. */
export function swipe(dx: number, dy: number, ms: number): 'next' | 'prev' | undefined {
  if (Math.abs(dx) < 60 || Math.abs(dx) < Math.abs(dy) * 1.5 || ms > 800) return undefined;
  return dx < 0 ? 'next' : 'prev';
}
