import { useEffect, useRef } from 'preact/hooks';
import { t } from '../../i18n';
import { guardElement, mutationWatcher, OVERLAY_CSS, overlayProblem, type Guard } from '../../watermark/guard';
import { contentOverlayStyle, overlayStyle, paintWatermark } from '../../watermark/watermark';
import './protect.css';

/** The overlay's class (a data attribute tells tests and auditors what it is). */
export const OVERLAY_CLASS = 'wm-overlay';

/** Whether the background under `el` is dark: the first ancestor with a painted
 * background decides (the watermark is then light grey on it). */
export function darkBehind(el: Element): boolean {
  for (let e: Element | null = el; e; e = e.parentElement) {
    const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)/.exec(getComputedStyle(e).backgroundColor);
    if (!m || (m[4] !== undefined && Number(m[4]) === 0)) continue;
    const [r, g, b] = [m[1], m[2], m[3]].map(Number) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * b < 110;
  }
  return matchMedia?.('(prefers-color-scheme: dark)').matches ?? false;
}

/** Draws the lines over the whole canvas, sized to its parent in device pixels. */
function drawOverlay(c: HTMLCanvasElement, parent: HTMLElement, lines: readonly string[], over: Over) {
  const dpr = Math.max(1, Math.min(3, devicePixelRatio || 1));
  const w = Math.max(1, Math.round(parent.clientWidth * dpr));
  const h = Math.max(1, Math.round(parent.clientHeight * dpr));
  if (c.width !== w) c.width = w;
  if (c.height !== h) c.height = h;
  const ctx = c.getContext('2d');
  if (!ctx) return;
  ctx.clearRect(0, 0, w, h);
  paintWatermark(ctx, w, h, lines, over === 'content' ? contentOverlayStyle(dpr) : overlayStyle(darkBehind(parent), dpr));
}

/** What the overlay lies over: the app's own page (faint grey, by the page's background),
 * or content of any colour (a PDF the browser draws: outlined text). */
export type Over = 'page' | 'content';

/**
 * The viewer's watermark over `host` (an element the page positions) while `lines` are
 * given: a canvas on top that clicks go through, redrawn when the host resizes or the
 * minute changes, and put back at once when removed, hidden or restyled (guard.ts).
 */
export function useWatermark(host: { current: HTMLElement | null }, lines: readonly string[] | undefined, over: Over = 'page') {
  const guard = useRef<Guard<HTMLCanvasElement>>();
  const linesRef = useRef(lines);
  linesRef.current = lines;
  const on = !!lines;

  useEffect(() => {
    const parent = host.current;
    if (!on || !parent) return undefined;
    parent.classList.add('wm-host');
    let made = { className: OVERLAY_CLASS, cssText: '' };
    const create = () => {
      const c = document.createElement('canvas');
      c.className = OVERLAY_CLASS;
      c.setAttribute('aria-hidden', 'true');
      c.dataset.watermark = '';
      for (const [k, v] of Object.entries(OVERLAY_CSS)) c.style.setProperty(k, v, 'important');
      made = { className: OVERLAY_CLASS, cssText: c.style.cssText };
      drawOverlay(c, parent, linesRef.current ?? [], over);
      return c;
    };
    const g = guardElement<HTMLCanvasElement>({
      parent,
      create,
      watcher: mutationWatcher as never,
      problem: (el) =>
        overlayProblem(el, made, getComputedStyle(el), {
          w: el.offsetWidth,
          h: el.offsetHeight,
          parentW: parent.clientWidth,
          parentH: parent.clientHeight,
        }),
    });
    guard.current = g;
    const ro = new ResizeObserver(() => g.own((c) => drawOverlay(c, parent, linesRef.current ?? [], over)));
    ro.observe(parent);
    return () => {
      ro.disconnect();
      g.stop();
      guard.current = undefined;
      parent.classList.remove('wm-host');
    };
  }, [on, host.current]);

  // A new minute (or language): the same canvas, drawn again.
  const key = lines?.join('\n');
  useEffect(() => {
    const parent = host.current;
    if (!parent || !lines) return;
    guard.current?.own((c) => drawOverlay(c, parent, lines, over));
  }, [key]);
}

/** A line for screen readers saying the view carries the viewer's watermark. */
export function WatermarkNote({ on }: { on: boolean }) {
  return on ? <p class="visually-hidden">{t('protect.wm_label')}</p> : null;
}
