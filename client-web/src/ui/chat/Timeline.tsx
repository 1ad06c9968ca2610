import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Timeline as TimelineData } from '../../chat/timeline';
import { findMessage, isGone } from '../../chat/timeline';
import type { Row } from '../../chat/view';
import type { Names } from '../../chat/view';
import { t } from '../../i18n';
import { MessageItem, PendingItem, type MessageActions } from './MessageItem';
import { useKeepBottom } from '../phone/useKeepBottom';
import { NewerEdge, showLanded } from '../search/Landing';

const NEAR_TOP_PX = 400;
const AT_BOTTOM_PX = 48;

interface Props {
  channelId: number;
  data: TimelineData;
  rows: Row[];
  names: Names;
  meId: number;
  unread: number;
  actions: MessageActions;
  onLoadOlder: () => void;
  onAtBottom: (atBottom: boolean) => void;
  onRetry: (clientId: string, dlpAck?: boolean) => void;
  onDiscard: (clientId: string) => void;
  /** Changes when the reader sent a message: go to the end, wherever they were. */
  sentTick: number;
  /** A message to open at, highlighted (a search hit); each new n lands again. */
  landing?: { seq: number; n: number };
  /** Opened short of the live end: the next newer page, and the newest page. */
  onLoadNewer?: () => void;
  onJumpLatest?: () => void;
}

/** The scrolling list of a channel. It stays at the bottom while the reader is there,
 * keeps the reader's place when older messages load above (no jump), and does not
 * move when new messages arrive below while the reader is scrolled up. */
export function Timeline(p: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const fromBottom = useRef(0);
  const firstKey = useRef<string | undefined>(undefined);
  const placed = useRef(false);
  const [showJump, setShowJump] = useState(false);
  useKeepBottom(ref, atBottom); // the composer or the keyboard never hides the newest message

  const firstMessageKey = p.rows.find((r) => r.kind === 'message')?.key;

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (!placed.current && p.rows.length > 0) {
      // First paint: start at the new-messages divider if there is one, else the end.
      placed.current = true;
      const divider = el.querySelector('.divider-new');
      if (divider instanceof HTMLElement && divider.offsetTop > el.clientHeight / 2) {
        el.scrollTop = divider.offsetTop - el.clientHeight / 3;
      } else {
        el.scrollTop = el.scrollHeight;
      }
    } else if (atBottom.current) {
      el.scrollTop = el.scrollHeight;
    } else if (firstKey.current !== undefined && firstMessageKey !== firstKey.current) {
      // Older messages went in above: keep the same distance from the bottom.
      el.scrollTop = el.scrollHeight - fromBottom.current;
    }
    firstKey.current = firstMessageKey;
    measure();
  }, [p.rows]);

  // Landing on a message: once it is in the list, centre it and highlight it briefly.
  const landed = useRef(0);
  useLayoutEffect(() => {
    const el = ref.current;
    const l = p.landing;
    if (!el || !l || l.n === landed.current) return;
    const target = el.querySelector(`[data-seq="${l.seq}"]`);
    if (!(target instanceof HTMLElement)) return;
    landed.current = l.n;
    placed.current = true;
    target.scrollIntoView({ block: 'center' });
    showLanded(target);
    measure();
  }, [p.rows, p.landing?.n]);

  function measure() {
    const el = ref.current;
    if (!el) return;
    fromBottom.current = el.scrollHeight - el.scrollTop;
    const below = el.scrollHeight - el.scrollTop - el.clientHeight;
    // Short of the live end the reader is never "at the bottom": newer pages go in below.
    const bottom = below < AT_BOTTOM_PX && !p.data.hasNewer;
    if (bottom !== atBottom.current) {
      atBottom.current = bottom;
      p.onAtBottom(bottom);
    }
    setShowJump(!bottom);
    if (el.scrollTop < NEAR_TOP_PX && p.data.hasOlder && !p.data.loadingOlder) p.onLoadOlder();
    if (below < NEAR_TOP_PX && p.data.hasNewer && !p.data.loadingNewer) p.onLoadNewer?.();
  }

  useEffect(() => {
    if (p.sentTick > 0) toBottom();
  }, [p.sentTick]);

  // Report the starting position once (a short channel is "at the bottom" at once).
  useEffect(() => {
    p.onAtBottom(atBottom.current);
  }, []);

  const toBottom = () => {
    const el = ref.current;
    if (!el) return;
    if (p.data.hasNewer && p.onJumpLatest) {
      // The newest page replaces what is held; the next paint goes to its end.
      atBottom.current = true;
      p.onJumpLatest();
      return;
    }
    el.scrollTop = el.scrollHeight;
    measure();
  };

  const jumpTo = (seq: number) => {
    const target = ref.current?.querySelector(`[data-seq="${seq}"]`);
    if (target instanceof HTMLElement) {
      target.scrollIntoView({ block: 'center' });
      target.focus({ preventScroll: true });
      target.classList.add('msg-flash');
      setTimeout(() => target.classList.remove('msg-flash'), 1600);
    }
  };
  const actions = { ...p.actions, jumpTo };

  // Keyboard: the timeline is one tab stop; arrows move between messages (each shows its
  // actions while focused, and Tab reaches them), Home/End go to the first and last.
  const onKeyDown = (e: KeyboardEvent) => {
    const el = ref.current;
    if (!el || !['ArrowUp', 'ArrowDown', 'Home', 'End'].includes(e.key)) return;
    const target = e.target as HTMLElement;
    const current = target.closest('.msg, .msg-system');
    if (target !== el && !target.classList.contains('msg') && !target.classList.contains('msg-system')) return;
    const items = [...el.querySelectorAll<HTMLElement>('.msg, .msg-system')];
    if (items.length === 0) return;
    let i = current ? items.indexOf(current as HTMLElement) : items.length;
    if (e.key === 'ArrowUp') i = Math.max(0, i - 1);
    else if (e.key === 'ArrowDown') i = current ? Math.min(items.length - 1, i + 1) : items.length - 1;
    else if (e.key === 'Home') i = 0;
    else i = items.length - 1;
    e.preventDefault();
    items[i]!.focus();
    items[i]!.scrollIntoView({ block: 'nearest' });
  };

  return (
    <div class="timeline-wrap">
      <div
        class="timeline"
        ref={ref}
        onScroll={measure}
        onKeyDown={onKeyDown}
        role="log"
        aria-live="polite"
        aria-relevant="additions"
        tabIndex={0}
        aria-label={t('chat.timeline_label')}
        aria-keyshortcuts="ArrowUp ArrowDown Home End"
        data-channel={p.channelId}
      >
        {/* One box of fixed height for whatever is said above the messages: a note that
            changed height as loading starts would move every message under the reader. */}
        <div class="timeline-top">
          {p.data.loadingOlder ? (
            <p class="muted" role="status">
              {t('chat.loading_older')}
            </p>
          ) : p.data.hasOlder ? (
            <button type="button" class="btn btn-quiet btn-small" onClick={p.onLoadOlder}>
              {t('chat.load_older')}
            </button>
          ) : !p.data.loading && p.data.messages.length > 0 ? (
            <p class="muted">{t('chat.beginning')}</p>
          ) : null}
        </div>
        {p.data.loading ? <p class="timeline-note muted">{t('chat.loading')}</p> : null}
        {!p.data.loading && p.rows.length === 0 ? <p class="timeline-note muted">{t('chat.empty_channel')}</p> : null}
        {p.rows.map((r) => {
          switch (r.kind) {
            case 'day':
              return (
                <div key={r.key} class="divider-day" role="separator">
                  <span>{r.label}</span>
                </div>
              );
            case 'divider':
              return (
                <div key={r.key} class="divider-new" role="separator">
                  <span>{t('chat.new_divider')}</span>
                </div>
              );
            case 'message':
              return (
                <MessageItem
                  key={r.key}
                  m={r.message}
                  compact={r.compact}
                  names={p.names}
                  meId={p.meId}
                  quoted={r.message.reply_to ? findMessage(p.data, r.message.reply_to) : undefined}
                  quotedGone={r.message.reply_to ? isGone(p.data, r.message.reply_to) : undefined}
                  actions={actions}
                />
              );
            case 'pending':
              return (
                <PendingItem
                  key={r.key}
                  p={r.pending}
                  compact={r.compact}
                  names={p.names}
                  meId={p.meId}
                  onRetry={() => p.onRetry(r.pending.clientId)}
                  onDiscard={() => p.onDiscard(r.pending.clientId)}
                  onSendAnyway={() => p.onRetry(r.pending.clientId, true)}
                />
              );
          }
        })}
        {p.data.hasNewer ? <NewerEdge loading={Boolean(p.data.loadingNewer)} onLoad={() => p.onLoadNewer?.()} /> : null}
      </div>
      {showJump ? (
        <button type="button" class="btn jump-bottom" onClick={toBottom}>
          {p.unread > 0 ? t('chat.jump_new', { n: p.unread }) : t('chat.jump_bottom')}
        </button>
      ) : null}
    </div>
  );
}
