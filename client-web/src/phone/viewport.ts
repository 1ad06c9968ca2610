// The part of the window the person can see. When the on-screen keyboard opens, iOS
// Safari (and Chrome on Android without `interactive-widget=resizes-content`) shrinks only
// the visual viewport: a page sized to 100dvh keeps its composer under the keyboard. This
// sets `--app-height` on the document to the visible height, so the chat's column ends at
// the keyboard's top and its composer and newest message stay in view.

export interface VisualViewportLike {
  height: number;
  offsetTop: number;
  scale: number;
  addEventListener(type: 'resize' | 'scroll', fn: () => void): void;
  removeEventListener(type: 'resize' | 'scroll', fn: () => void): void;
}

/**
 * The height the app should take, in CSS pixels, or undefined to leave it to CSS (100dvh):
 * when there is no visual viewport, or the person has pinch-zoomed (the visual viewport
 * is then smaller because it is magnified, not because a keyboard covers it).
 */
export function appHeight(layoutHeight: number, vv: Pick<VisualViewportLike, 'height' | 'scale'> | undefined): number | undefined {
  if (!vv || !(vv.height > 0) || Math.abs(vv.scale - 1) > 0.01) return undefined;
  // Never taller than the layout viewport (rounding, toolbars sliding away).
  return Math.round(Math.min(layoutHeight, vv.height));
}

export interface ViewportDeps {
  vv: VisualViewportLike | undefined;
  innerHeight(): number;
  setHeight(px: number | undefined): void;
  /** Undo a scroll the browser made to show the focused field above the keyboard. */
  scrollTop(): void;
}

/** Keeps `--app-height` up to date; returns the function that stops it. */
export function watchViewport(d: ViewportDeps): () => void {
  const vv = d.vv;
  if (!vv) return () => undefined;
  const update = () => {
    const h = appHeight(d.innerHeight(), vv);
    d.setHeight(h);
    // The app now fits the visible part: a page scrolled by the browser would leave a gap.
    if (h !== undefined && vv.offsetTop > 0) d.scrollTop();
  };
  update();
  vv.addEventListener('resize', update);
  vv.addEventListener('scroll', update);
  return () => {
    vv.removeEventListener('resize', update);
    vv.removeEventListener('scroll', update);
    d.setHeight(undefined);
  };
}

/** The browser's own parts. CSSOM writes are allowed under the strict CSP (no style attribute is parsed). */
export function browserViewport(): ViewportDeps {
  const root = document.documentElement;
  return {
    vv: typeof visualViewport === 'undefined' || !visualViewport ? undefined : visualViewport,
    innerHeight: () => innerHeight,
    setHeight: (px) => (px === undefined ? root.style.removeProperty('--app-height') : root.style.setProperty('--app-height', `${px}px`)),
    scrollTop: () => scrollTo(0, 0),
  };
}
