// Reactions under a message: chips with counts (the person's own highlighted), a click
// toggles; hovering, keyboard focus or a long press on a phone shows who reacted. The
// toolbar's 回应 button and the quick row (QuickReactions, for the message menu) add one.

import { useEffect, useRef, useState } from 'preact/hooks';
import type { ChatStore } from '../../chat/store';
import type { Channel, Message } from '../../chat/types';
import { personName, type Names } from '../../chat/view';
import { describeError, type UiError } from '../../errors';
import { locale, t } from '../../i18n';
import { canReact, chipsOf, holds, whoReacted } from '../../reactions/model';
import './reactions.css';

/** What a message needs to show and change its reactions. */
export interface ReactionActions {
  /** The server's allowed set, in order (GET /info reactions). */
  allowed: readonly string[];
  /** Chips are shown but cannot be clicked (an archived channel). */
  readOnly: boolean;
  toggle: (m: Message, reaction: string) => void;
}

/** The reaction actions of a channel; a refusal is handed to onError as text. */
export function reactionActions(chat: ChatStore, channel: Channel | undefined, allowed: readonly string[] | undefined, onError: (text: string) => void): ReactionActions {
  const set = allowed ?? [];
  return {
    allowed: set,
    readOnly: !channel || !!channel.archived,
    toggle: (m, reaction) => {
      void chat.toggleReaction(m.channel_id, m.seq, reaction, set).then((e?: UiError) => {
        if (e) onError(t('reactions.failed', { reason: describeError(e, locale.get()) }));
      });
    },
  };
}

const LONG_PRESS_MS = 450;

export function MessageReactions({ m, names, meId, r }: { m: Message; names: Names; meId: number; r: ReactionActions }) {
  const [who, setWho] = useState<string | undefined>();
  const press = useRef<{ timer?: ReturnType<typeof setTimeout>; fired: boolean }>({ fired: false });

  // A shown list closes at the next touch anywhere.
  useEffect(() => {
    if (who === undefined) return;
    const close = () => setWho(undefined);
    const id = setTimeout(() => document.addEventListener('pointerdown', close, { once: true }), 0);
    return () => {
      clearTimeout(id);
      document.removeEventListener('pointerdown', close);
    };
  }, [who]);

  if (!canReact(m)) return null;
  const chips = chipsOf(m, meId, r.allowed.length ? r.allowed : undefined);
  if (chips.length === 0) return null;
  // Real names, the person's own included: 收到 · 2 人 reads 李华、张静 on every screen.
  const nameOf = (id: number) => personName(id, names);

  return (
    <div class="reactions" role="group" aria-label={t('reactions.label')}>
      {chips.map((c) => {
        const w = whoReacted(c.userIds, nameOf);
        const list = w.names.join('、');
        const whoText = w.more > 0 ? t('reactions.who_more', { names: list, n: c.userIds.length }) : t('reactions.who', { names: list });
        const whoId = `who-${m.channel_id}-${m.seq}-${chips.indexOf(c)}`;
        return (
          <span key={c.reaction} class={`reaction${who === c.reaction ? ' reaction-show' : ''}`}>
            <button
              type="button"
              class={`reaction-chip${c.mine ? ' reaction-chip-mine' : ''}`}
              aria-pressed={c.mine}
              aria-label={t(c.mine ? 'reactions.chip_mine' : 'reactions.chip', { reaction: c.reaction, n: c.count, names: whoText })}
              aria-describedby={whoId}
              disabled={r.readOnly}
              data-reaction={c.reaction}
              onPointerDown={(e) => {
                if (e.pointerType !== 'touch') return;
                press.current.fired = false;
                press.current.timer = setTimeout(() => {
                  press.current.fired = true;
                  setWho(c.reaction);
                }, LONG_PRESS_MS);
              }}
              // A finger on a chip is about the chip: the message's own long-press
              // menu does not start under it.
              onTouchStart={(e) => e.stopPropagation()}
              onPointerUp={() => clearTimeout(press.current.timer)}
              onPointerCancel={() => clearTimeout(press.current.timer)}
              onPointerLeave={() => clearTimeout(press.current.timer)}
              onContextMenu={(e) => {
                // A long press on a phone opens the list, not the browser's menu (nor
                // the message's own menu).
                e.preventDefault();
                e.stopPropagation();
                setWho(c.reaction);
              }}
              onClick={() => {
                if (press.current.fired) {
                  press.current.fired = false;
                  return;
                }
                r.toggle(m, c.reaction);
              }}
            >
              <span class="reaction-text">{c.reaction}</span>
              <span class="reaction-count">{c.count}</span>
            </button>
            <span class="reaction-who" role="tooltip" id={whoId}>
              <span class="reaction-who-title">{t('reactions.who_title', { reaction: c.reaction, n: c.count })}</span>
              <span class="reaction-who-names">{whoText}</span>
            </span>
          </span>
        );
      })}
    </div>
  );
}

/**
 * A row of the allowed reactions, the person's own pressed; a pick toggles it. For the
 * message menu (右键 / 长按) as well as the toolbar's 回应 button. Arrow keys move along
 * it, Escape closes it.
 */
export function QuickReactions({ m, meId, r, onDone, autoFocus = false }: {
  m: Message;
  meId: number;
  r: ReactionActions;
  /** After a pick, or Escape (picked: false). */
  onDone?: (picked: boolean) => void;
  autoFocus?: boolean;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (autoFocus) ref.current?.querySelector<HTMLButtonElement>('button')?.focus();
  }, []);
  if (!canReact(m) || r.readOnly || r.allowed.length === 0) return null;
  const onKeyDown = (e: KeyboardEvent) => {
    const buttons = [...(ref.current?.querySelectorAll<HTMLButtonElement>('button') ?? [])];
    const i = buttons.indexOf(document.activeElement as HTMLButtonElement);
    let next: number | undefined;
    if (e.key === 'ArrowRight' || e.key === 'ArrowDown') next = Math.min(buttons.length - 1, i + 1);
    else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') next = Math.max(0, i - 1);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = buttons.length - 1;
    else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      onDone?.(false);
      return;
    }
    if (next !== undefined) {
      e.preventDefault();
      e.stopPropagation();
      buttons[next]?.focus();
    }
  };
  return (
    <div class="quick-reactions" role="group" aria-label={t('reactions.quick')} ref={ref} onKeyDown={onKeyDown}>
      {r.allowed.map((x) => (
        <button
          key={x}
          type="button"
          class={`quick-reaction${holds(m, meId, x) ? ' quick-reaction-mine' : ''}`}
          aria-pressed={holds(m, meId, x)}
          onClick={() => {
            r.toggle(m, x);
            onDone?.(true);
          }}
        >
          {x}
        </button>
      ))}
    </div>
  );
}

/** The toolbar's 回应 button: opens the quick row under it. */
export function ReactButton({ m, meId, r }: { m: Message; meId: number; r: ReactionActions }) {
  const [open, setOpen] = useState(false);
  const [up, setUp] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  if (!canReact(m) || r.readOnly || r.allowed.length === 0) return null;
  // The row opens below the button, or above it where the list's bottom would cut it off.
  const toggle = () => {
    const b = button.current?.getBoundingClientRect();
    const box = button.current?.closest('.timeline')?.getBoundingClientRect();
    setUp(!!b && !!box && box.bottom - b.bottom < 72 && b.top - box.top > 72);
    setOpen(!open);
  };
  return (
    <span class="react-button">
      <button
        type="button"
        ref={button}
        class="btn btn-quiet btn-small"
        aria-expanded={open}
        aria-haspopup="true"
        onClick={toggle}
      >
        {t('reactions.label')}
      </button>
      {open ? (
        <div class={`react-popover${up ? ' react-popover-up' : ''}`}>
          <QuickReactions
            m={m}
            meId={meId}
            r={r}
            autoFocus
            onDone={(picked) => {
              setOpen(false);
              if (!picked) button.current?.focus();
            }}
          />
        </div>
      ) : null}
    </span>
  );
}
