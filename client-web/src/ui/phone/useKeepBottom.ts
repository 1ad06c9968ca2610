import { useEffect } from 'preact/hooks';

/**
 * Keeps a scrolling list at its end while its box changes size and the reader was at the
 * end: the composer growing with a second line, the on-screen keyboard taking half the
 * screen, a banner expanding. Without it the newest message slides out of view below.
 */
export function useKeepBottom(ref: { current: HTMLElement | null }, atBottom: { current: boolean }): void {
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return undefined;
    let last = el.clientHeight;
    const ro = new ResizeObserver(() => {
      const h = el.clientHeight;
      if (h !== last && atBottom.current) el.scrollTop = el.scrollHeight;
      last = h;
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
}
