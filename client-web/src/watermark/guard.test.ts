// The guard's decisions, on a small stand-in for the DOM (Vitest runs without one): the
// watcher here is told of changes the way a MutationObserver would tell it. The real
// MutationObserver against a real page is exercised by e2e/secrecy-protect.test.mjs.

import { describe, expect, it } from 'vitest';
import { guardElement, OVERLAY_CSS, overlayProblem, type ComputedLike, type Watcher } from './guard';

class Node {
  parentNode: Parent | null = null;
  attrs = new Map<string, string>();
  constructor(readonly n: number) {}
  remove() {
    this.parentNode?.children.splice(this.parentNode.children.indexOf(this), 1);
    this.parentNode = null;
  }
}
class Parent {
  children: Node[] = [];
  isConnected = true;
  append(el: Node) {
    el.remove();
    el.parentNode = this;
    this.children.push(el);
  }
}

/** Plays the observer: `change()` is a batch of mutations reaching the callback. */
function fakeWatcher() {
  const live = new Set<() => void>();
  let drained = 0;
  const w: Watcher<Node> = {
    watch(_p, _el, onChange) {
      live.add(onChange);
      return { stop: () => void live.delete(onChange), drain: () => void drained++ };
    },
  };
  return { w, change: () => [...live].forEach((f) => f()), live, drained: () => drained };
}

function setup(problem: (el: Node) => string | undefined = () => undefined) {
  const parent = new Parent();
  let made = 0;
  const restores: string[] = [];
  const watcher = fakeWatcher();
  let tick: (() => void) | undefined;
  const g = guardElement<Node>({
    parent,
    create: () => new Node(++made),
    problem,
    watcher: watcher.w,
    every: (fn) => ((tick = fn), () => (tick = undefined)),
    onRestore: (why) => restores.push(why),
  });
  return { g, parent, watcher, restores, tick: () => tick?.(), made: () => made };
}

describe('guardElement', () => {
  it('puts the overlay in and watches it', () => {
    const { g, parent, watcher } = setup();
    expect(parent.children).toEqual([g.current()]);
    expect(watcher.live.size).toBe(1);
  });

  it('puts a fresh overlay back at once when it is removed', () => {
    const { g, parent, watcher, restores } = setup();
    const first = g.current();
    first.remove(); // DevTools: 删除元素
    watcher.change();
    expect(restores).toEqual(['removed']);
    expect(parent.children).toHaveLength(1);
    expect(g.current()).not.toBe(first);
    expect(parent.children[0]).toBe(g.current());
    // Still exactly one observer: the old one was stopped.
    expect(watcher.live.size).toBe(1);
  });

  it('puts it back when it is moved elsewhere', () => {
    const { g, watcher, restores } = setup();
    new Parent().append(g.current());
    watcher.change();
    expect(restores).toEqual(['removed']);
  });

  it('replaces an overlay whose attributes or style were changed', () => {
    let tampered = false;
    const { g, watcher, restores, parent } = setup((el) => (tampered && el.n === 1 ? 'style' : undefined));
    tampered = true;
    watcher.change();
    expect(restores).toEqual(['style']);
    expect(g.current().n).toBe(2);
    expect(parent.children.map((c) => c.n)).toEqual([2]);
  });

  it('finds one hidden by a style sheet on its timer (no node changed)', () => {
    let hidden = false;
    const { restores, tick } = setup((el) => (hidden && el.n === 1 ? 'display' : undefined));
    tick();
    expect(restores).toEqual([]);
    hidden = true;
    tick();
    expect(restores).toEqual(['display']);
  });

  it('does not count its own redraw as tampering', () => {
    const { g, watcher, restores } = setup();
    g.own((el) => el.attrs.set('width', '800'));
    expect(watcher.drained()).toBe(1);
    watcher.change(); // nothing wrong with it
    expect(restores).toEqual([]);
  });

  it('does nothing once the view is gone, and removes the overlay when stopped', () => {
    const { g, parent, watcher, restores, tick } = setup();
    parent.isConnected = false;
    g.current().remove();
    watcher.change();
    expect(restores).toEqual([]);
    parent.isConnected = true;
    const again = setup();
    again.g.stop();
    expect(again.parent.children).toEqual([]);
    expect(again.watcher.live.size).toBe(0);
    again.tick();
    expect(again.restores).toEqual([]);
    void tick;
  });
});

describe('overlayProblem', () => {
  const made = { className: 'wm-overlay', cssText: 'position: absolute !important;' };
  const cs = (over: Record<string, string> = {}): ComputedLike => {
    const v: Record<string, string> = { display: 'block', visibility: 'visible', opacity: '1', 'pointer-events': 'none', ...over };
    return { getPropertyValue: (n) => v[n] ?? '' };
  };
  const el = (over: Partial<{ className: string; hidden: boolean; cssText: string }> = {}) => ({
    className: over.className ?? made.className,
    hidden: over.hidden ?? false,
    style: { cssText: over.cssText ?? made.cssText },
  });
  const box = { w: 800, h: 600, parentW: 800, parentH: 600 };

  it.each([
    ['as made', el(), cs(), box, undefined],
    ['class changed', el({ className: 'x' }), cs(), box, 'class'],
    ['hidden attribute', el({ hidden: true }), cs(), box, 'hidden'],
    ['inline style edited', el({ cssText: 'display: none' }), cs(), box, 'style'],
    ['display none by a style sheet', el(), cs({ display: 'none' }), box, 'display'],
    ['visibility hidden', el(), cs({ visibility: 'hidden' }), box, 'visibility'],
    ['made see-through', el(), cs({ opacity: '0' }), box, 'opacity'],
    ['catching clicks', el(), cs({ 'pointer-events': 'auto' }), box, 'pointer-events'],
    ['shrunk', el(), cs(), { ...box, w: 10, h: 10 }, 'size'],
  ])('%s', (_name, e, c, b, want) => {
    expect(overlayProblem(e, made, c, b)).toBe(want);
  });

  it('makes the overlay click-through and on top, every declaration important', () => {
    expect(OVERLAY_CSS['pointer-events']).toBe('none');
    expect(OVERLAY_CSS.position).toBe('absolute');
    expect(OVERLAY_CSS.inset).toBe('0px');
  });
});
