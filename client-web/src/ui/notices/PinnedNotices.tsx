import { useState } from 'preact/hooks';
import { locale, t } from '../../i18n';
import { pinnedIn, type NoticeStore } from '../../notices/store';
import { isPast, shortDateTime } from '../../notices/time';
import { isUrgent } from '../../notices/view';
import { useLocale, useNow, useStore } from '../hooks';
import './notices.css';

interface Props {
  notices: NoticeStore;
  channelId: number;
  /** Opens a notice (to read and confirm it). */
  onOpen: (noticeId: number) => void;
  /** Opens this channel's notice board. */
  onBoard: () => void;
}

/** How many pinned notices show before "+N" on a wide screen (one on a phone). */
const WIDE = 3;

/** The bar at the top of a channel: every notice pinned here that the reader has not yet
 * confirmed, whatever was posted after it; and the way to the channel's board. */
export function PinnedNotices({ notices, channelId, onOpen, onBoard }: Props) {
  useLocale();
  const s = useStore(notices);
  const now = useNow(60_000).getTime();
  const [expanded, setExpanded] = useState(false);
  const pinned = pinnedIn(s, channelId);
  const labelId = `ntc-pins-${channelId}`;
  const board = (
    <a
      class="ntc-board-link"
      href={`/notices/channel/${channelId}`}
      onClick={(e) => {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        onBoard();
      }}
    >
      {t('notices.board_link')}
    </a>
  );
  if (!pinned.length) return <div class="ntc-pins ntc-pins-empty">{board}</div>;
  const moreWide = pinned.length - WIDE;
  const morePhone = pinned.length - 1;
  return (
    <section class={`ntc-pins${expanded ? ' ntc-pins-open' : ''}`} role="region" aria-labelledby={labelId}>
      <div class="ntc-pins-head">
        <h2 id={labelId} class="ntc-pins-title">
          {t('notices.pinned_label')}
          <span class="ntc-count-badge">{pinned.length}</span>
        </h2>
        {board}
      </div>
      <ul class="ntc-pins-list">
        {pinned.map((n, i) => (
          <li key={n.id} class={`ntc-pin${isUrgent(n) ? ' ntc-pin-urgent' : ''}${i >= WIDE ? ' ntc-pin-extra' : ''}${i >= 1 ? ' ntc-pin-phone-extra' : ''}`}>
            <span class="ntc-pin-text">
              {isUrgent(n) ? <span class="ntc-tag ntc-tag-urgent">{t('notices.urgent')}</span> : null}
              <span class="ntc-pin-title">{n.title}</span>
              {n.deadline ? (
                <time class={isPast(n.deadline, now) ? 'ntc-pin-deadline ntc-deadline-past' : 'ntc-pin-deadline'} dateTime={n.deadline}>
                  {t('notices.deadline', { time: shortDateTime(n.deadline, now, locale.get()) })}
                </time>
              ) : null}
            </span>
            <button type="button" class="btn btn-primary ntc-btn-small ntc-pin-open" onClick={() => onOpen(n.id)} aria-label={`${t('notices.pinned_open')}：${n.title}`}>
              {t('notices.pinned_open')}
            </button>
          </li>
        ))}
      </ul>
      {morePhone > 0 || moreWide > 0 ? (
        <button type="button" class={`btn btn-quiet ntc-btn-small ntc-pins-more${moreWide > 0 ? '' : ' ntc-phone-only'}`} aria-expanded={expanded} onClick={() => setExpanded(!expanded)}>
          {expanded ? (
            t('notices.pinned_less')
          ) : (
            <>
              {morePhone > 0 ? (
                <span class="ntc-more-phone" aria-label={t('notices.pinned_more_label', { n: morePhone })}>
                  {t('notices.pinned_more', { n: morePhone })}
                </span>
              ) : null}
              {moreWide > 0 ? (
                <span class="ntc-more-wide" aria-label={t('notices.pinned_more_label', { n: moreWide })}>
                  {t('notices.pinned_more', { n: moreWide })}
                </span>
              ) : null}
            </>
          )}
        </button>
      ) : null}
    </section>
  );
}
