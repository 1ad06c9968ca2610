// The composer's emoji panel: a compact, curated set of common emoji, inserted as text at
// the caret. Reachable by keyboard (Tab to the button, arrows in the grid, Escape back),
// 44 px targets on phones.

import type { RefObject } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../../i18n';
import { EMOJI, EMOJI_COLUMNS, gridMove, insertAtCaret } from '../../reactions/model';
import './reactions.css';

export function EmojiPicker({ textarea, onInsert, id }: {
  textarea: RefObject<HTMLTextAreaElement>;
  /** The new text and caret: the composer takes them as if typed. */
  onInsert: (text: string, caret: number) => void;
  id: string;
}) {
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const button = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    // Closes on a touch or click outside it.
    const close = (e: PointerEvent) => {
      const target = e.target as Node;
      if (!panel.current?.contains(target) && !button.current?.contains(target)) setOpen(false);
    };
    // Escape closes it wherever the focus is (the text keeps it after a click): back to
    // the button from the grid, left in the text otherwise.
    const escape = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      const inGrid = !!panel.current?.contains(document.activeElement);
      setOpen(false);
      if (inGrid) {
        e.preventDefault();
        button.current?.focus();
      }
    };
    document.addEventListener('pointerdown', close);
    document.addEventListener('keydown', escape, true);
    return () => {
      document.removeEventListener('pointerdown', close);
      document.removeEventListener('keydown', escape, true);
    };
  }, [open]);

  function insert(emoji: string, keepFocus: boolean) {
    const el = textarea.current;
    if (!el) return;
    const next = insertAtCaret(el.value, el.selectionStart ?? el.value.length, el.selectionEnd ?? el.value.length, emoji);
    onInsert(next.text, next.caret);
    requestAnimationFrame(() => {
      el.setSelectionRange(next.caret, next.caret);
      if (!keepFocus) el.focus();
    });
  }

  function onKeyDown(e: KeyboardEvent) {
    const next = gridMove(active, e.key, EMOJI.length);
    if (next === undefined) return;
    e.preventDefault();
    setActive(next);
    panel.current?.querySelectorAll<HTMLButtonElement>('button')[next]?.focus();
  }

  return (
    <span class="emoji-picker">
      <button
        type="button"
        ref={button}
        class="btn btn-quiet emoji-toggle"
        aria-label={open ? t('reactions.emoji_close') : t('reactions.emoji')}
        title={t('reactions.emoji')}
        aria-expanded={open}
        aria-controls={open ? id : undefined}
        // A mouse or finger leaves the focus, and the caret, in the text.
        onMouseDown={(ev) => ev.preventDefault()}
        onClick={() => {
          setOpen(!open);
          if (!open) {
            setActive(0);
            // Focus into the grid when opened from the keyboard; a click leaves the
            // caret in the text, where the emoji go.
            requestAnimationFrame(() => {
              if (document.activeElement === button.current) panel.current?.querySelector<HTMLButtonElement>('button')?.focus();
            });
          }
        }}
      >
        😊
      </button>
      {open ? (
        <div id={id} class="emoji-panel" role="group" aria-label={t('reactions.emoji_panel')} ref={panel} onKeyDown={onKeyDown}>
          {EMOJI.map((e, i) => (
            <button
              key={e}
              type="button"
              class="emoji"
              tabIndex={i === active ? 0 : -1}
              aria-label={e}
              data-col={i % EMOJI_COLUMNS}
              // A mouse or finger keeps the focus (and the caret) in the text.
              onMouseDown={(ev) => ev.preventDefault()}
              onClick={(ev) => {
                setActive(i);
                insert(e, ev.detail === 0);
              }}
            >
              {e}
            </button>
          ))}
        </div>
      ) : null}
    </span>
  );
}
