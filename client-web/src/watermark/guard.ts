// Keeps an element on the page as it was put there: the watermark overlay comes back at
// once when it is removed, moved, hidden or restyled — in DevTools or by a script. A
// MutationObserver on the parent (children) and on the element itself (attributes, its
// own children) catches changes to the nodes; a style sheet that hides it changes no
// node, so the computed style is looked at on a short timer too. Whatever is found wrong,
// the element is thrown away and a fresh one put in its place.
//
// This raises the bar for the casual (a right-click → 删除元素 before a screenshot); it
// does not stop someone who changes the page's scripts. The pictures' watermark is in their
// pixels (watermark.ts) and does not depend on this.

/** The element kinds the guard moves around (a real HTMLElement in the page). */
export interface GuardNode {
  readonly parentNode: unknown;
  remove(): void;
}

export interface GuardParent<E extends GuardNode> {
  readonly isConnected: boolean;
  append(el: E): void;
}

/** MutationObserver, narrowed: observe the parent's children and the element; the
 * callback runs after each batch of changes; `drain` drops records of our own changes. */
export interface Watcher<E> {
  watch(parent: unknown, el: E, onChange: () => void): { stop(): void; drain(): void };
}

export interface GuardDeps<E extends GuardNode> {
  parent: GuardParent<E>;
  /** A fresh, fully styled and drawn element. */
  create(): E;
  /** Why the element is not as made ('display', 'opacity' …), or undefined when it is. */
  problem(el: E): string | undefined;
  watcher: Watcher<E>;
  /** The periodic look (a style sheet that hides the element changes no node). */
  every?: (fn: () => void, ms: number) => () => void;
  /** Told each time the element was put back, and why. */
  onRestore?: (why: string) => void;
}

export interface Guard<E> {
  /** The element on the page now. */
  current(): E;
  /** Runs our own change to the element (a redraw) without it counting as tampering. */
  own(fn: (el: E) => void): void;
  /** Looks now (as the observer and the timer do). */
  check(): void;
  stop(): void;
}

/** How often the computed style is looked at. */
export const CHECK_MS = 1000;

export function guardElement<E extends GuardNode>(deps: GuardDeps<E>): Guard<E> {
  let el = deps.create();
  let stopped = false;
  deps.parent.append(el);
  let watch = deps.watcher.watch(deps.parent, el, () => check());

  function restore(why: string) {
    watch.stop();
    el.remove();
    el = deps.create();
    deps.parent.append(el);
    watch = deps.watcher.watch(deps.parent, el, () => check());
    deps.onRestore?.(why);
  }

  function check() {
    // A parent that left the page (the view closed) is not tampering: nothing to do.
    if (stopped || !deps.parent.isConnected) return;
    if (el.parentNode !== deps.parent) return restore('removed');
    const why = deps.problem(el);
    if (why) restore(why);
  }

  const stopTimer = (deps.every ?? defaultEvery)(check, CHECK_MS);

  return {
    current: () => el,
    own(fn) {
      fn(el);
      watch.drain();
    },
    check,
    stop() {
      stopped = true;
      stopTimer();
      watch.stop();
      el.remove();
    },
  };
}

function defaultEvery(fn: () => void, ms: number): () => void {
  const id = setInterval(fn, ms);
  return () => clearInterval(id);
}

/** The browser's watcher: one MutationObserver for the parent's children and the
 * element's attributes and subtree. */
export const mutationWatcher: Watcher<Element> = {
  watch(parent, el, onChange) {
    const mo = new MutationObserver(() => onChange());
    mo.observe(parent as Node, { childList: true });
    mo.observe(el, { attributes: true, childList: true, subtree: true, characterData: true });
    return {
      stop: () => mo.disconnect(),
      drain: () => void mo.takeRecords(),
    };
  },
};

/** The inline declarations the overlay is made with (all `!important`: an inline
 * important declaration wins over any style sheet's). */
export const OVERLAY_CSS: Readonly<Record<string, string>> = Object.freeze({
  position: 'absolute',
  inset: '0px',
  width: '100%',
  height: '100%',
  display: 'block',
  visibility: 'visible',
  opacity: '1',
  'pointer-events': 'none',
  'z-index': '6',
  transform: 'none',
  filter: 'none',
  'clip-path': 'none',
  'mix-blend-mode': 'normal',
  margin: '0px',
  padding: '0px',
  border: '0px',
});

/** What the computed style of a made overlay must show. */
export interface ComputedLike {
  getPropertyValue(name: string): string;
}

/**
 * Why an overlay is not as made: its inline style or class was changed, it was given
 * `hidden`, or its computed style (style sheets included) hides it, makes it see-through,
 * shrinks it or lets clicks stop on it. `box` is its size against its parent's.
 */
export function overlayProblem(
  el: { className: string; hidden: boolean; style: { cssText: string } },
  made: { className: string; cssText: string },
  cs: ComputedLike,
  box: { w: number; h: number; parentW: number; parentH: number },
): string | undefined {
  if (el.className !== made.className) return 'class';
  if (el.hidden) return 'hidden';
  if (el.style.cssText !== made.cssText) return 'style';
  if (cs.getPropertyValue('display') === 'none') return 'display';
  if (cs.getPropertyValue('visibility') !== 'visible') return 'visibility';
  if (Number(cs.getPropertyValue('opacity') || '1') < 1) return 'opacity';
  if (cs.getPropertyValue('pointer-events') !== 'none') return 'pointer-events';
  if (box.parentW > 0 && box.parentH > 0 && (box.w < box.parentW - 2 || box.h < box.parentH - 2)) return 'size';
  return undefined;
}
