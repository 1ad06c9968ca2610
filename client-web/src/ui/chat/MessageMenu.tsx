import type { ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import './forward.css';
import type { MenuItem } from '../../forward/forward';
import { t } from '../../i18n';

interface Props {
  items: MenuItem[];
  /** Where it opened (the pointer, or the 更多 button), in viewport pixels. */
  x: number;
  y: number;
  onClose: () => void;
  /** A row above the items (the reactions another feature provides). */
  top?: ComponentChildren;
}

/** The message menu (right-click, long-press, or the 更多 button): a list of items,
 * reachable by keyboard (arrows, Home/End, Enter), closed by Escape, Tab or a tap
 * outside. Focus starts on the first item and goes back to the message on close. */
export function MessageMenu({ items, x, y, onClose, top }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const close = useRef(onClose);
  close.current = onClose;
  // Whatever had focus when the menu opened (the 更多 button, the message): it gets it back.
  const opener = useRef(document.activeElement instanceof HTMLElement ? document.activeElement : null);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    // Keep it on screen: flip left or up when it would overflow.
    const r = el.getBoundingClientRect();
    const left = Math.max(8, Math.min(x, innerWidth - r.width - 8));
    const top = y + r.height > innerHeight - 8 ? Math.max(8, y - r.height) : y;
    el.style.left = `${left}px`;
    el.style.top = `${top}px`;
    el.querySelector<HTMLElement>('[role="menuitem"]:not([aria-disabled="true"])')?.focus();
  }, []);

  useEffect(() => {
    const el = ref.current;
    const outside = (e: Event) => {
      if (ref.current && !ref.current.contains(e.target as Node)) close.current();
    };
    // After the event that opened the menu has finished.
    const id = setTimeout(() => {
      document.addEventListener('pointerdown', outside, true);
      document.addEventListener('scroll', outside, true);
    });
    return () => {
      clearTimeout(id);
      document.removeEventListener('pointerdown', outside, true);
      document.removeEventListener('scroll', outside, true);
      // Unless an item moved focus on purpose (回复 to the composer, 转发 to its dialog).
      const a = document.activeElement;
      const lost = a === null || a === document.body || !a.isConnected || !!el?.contains(a);
      if (opener.current?.isConnected && lost) opener.current.focus();
    };
  }, []);

  const onKeyDown = (e: KeyboardEvent) => {
    const list = [...(ref.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const i = list.indexOf(document.activeElement as HTMLElement);
    let next = -1;
    if (e.key === 'Escape' || e.key === 'Tab') {
      e.preventDefault();
      e.stopPropagation();
      // Focus goes back before the menu leaves the page: once focus falls to the body,
      // the message's actions (shown on focus) may already be hidden and refuse it.
      if (opener.current?.isConnected) opener.current.focus();
      close.current();
      return;
    }
    if (e.key === 'ArrowDown') next = (i + 1) % list.length;
    else if (e.key === 'ArrowUp') next = (i - 1 + list.length) % list.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = list.length - 1;
    if (next >= 0) {
      e.preventDefault();
      e.stopPropagation();
      list[next]?.focus();
    }
  };

  return (
    <div ref={ref} class="msg-menu" role="menu" aria-label={t('forward.menu_label')} onKeyDown={onKeyDown}>
      {top ? <div class="msg-menu-top">{top}</div> : null}
      {items.map((it) => (
        <button
          key={it.id}
          type="button"
          role="menuitem"
          class={`msg-menu-item${it.disabled ? ' msg-menu-item-disabled' : ''}`}
          data-item={it.id}
          aria-disabled={it.disabled ? 'true' : undefined}
          tabIndex={-1}
          onClick={() => {
            if (it.disabled || !it.run) return;
            close.current();
            it.run();
          }}
        >
          <span>{it.label}</span>
          {it.note ? <span class="msg-menu-note">{it.note}</span> : null}
        </button>
      ))}
    </div>
  );
}

const LONG_PRESS_MS = 500;
const MOVE_PX = 10;

/** Touch handlers that call open after a finger rests on the element (long-press),
 * and not when it moves (a scroll) or lifts early. */
export function longPress(open: (x: number, y: number) => void) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let start = { x: 0, y: 0 };
  let fired = false;
  const cancel = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  return {
    onTouchStart: (e: TouchEvent) => {
      const p = e.touches[0];
      if (!p || e.touches.length > 1) return cancel();
      fired = false;
      start = { x: p.clientX, y: p.clientY };
      cancel();
      timer = setTimeout(() => {
        timer = undefined;
        fired = true;
        open(start.x, start.y);
      }, LONG_PRESS_MS);
    },
    onTouchMove: (e: TouchEvent) => {
      const p = e.touches[0];
      if (p && Math.hypot(p.clientX - start.x, p.clientY - start.y) > MOVE_PX) cancel();
    },
    onTouchEnd: (e: TouchEvent) => {
      cancel();
      // The finger lifting after a long-press must not also tap what is under it.
      if (fired && e.cancelable) e.preventDefault();
    },
    onTouchCancel: cancel,
  };
}
