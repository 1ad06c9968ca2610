import { locale, t } from '../../i18n';
import { pinnedIn } from '../../collect/status';
import type { CollectStore } from '../../collect/store';
import { isPast, shortDateTime } from '../../notices/time';
import { useLocale, useNow, useStore } from '../hooks';
import './collect.css';

/** The bar at the top of a channel: the collections asked of this channel that the reader
 * has not yet answered (or that were returned), whatever was posted after them. */
export function PinnedCollections({ store, channelId, onOpen }: { store: CollectStore; channelId: number; onOpen: (id: number) => void }) {
  useLocale();
  const s = useStore(store);
  const now = useNow(60_000).getTime();
  const pinned = pinnedIn(s.items, channelId, now);
  if (!pinned.length) return null;
  const labelId = `cl-pins-${channelId}`;
  return (
    <section class="ntc-pins cl-pins" role="region" aria-labelledby={labelId}>
      <div class="ntc-pins-head">
        <h2 id={labelId} class="ntc-pins-title">
          {t('collect.pinned_label')}
          <span class="ntc-count-badge">{pinned.length}</span>
        </h2>
      </div>
      <ul class="ntc-pins-list">
        {pinned.map((c) => (
          <li key={c.id} class={`ntc-pin${c.my?.state === 'returned' ? ' cl-pin-returned' : ''}`}>
            <span class="ntc-pin-text">
              <span class="ntc-tag cl-tag-kind">{t(c.kind === 'signup' ? 'collect.kind_tag_signup' : 'collect.kind_tag_form')}</span>
              <span class="ntc-pin-title">{c.title}</span>
              {c.my?.state === 'returned' ? <span class="cl-pin-note">{t('collect.pinned_returned')}</span> : null}
              {c.deadline ? (
                <time class={isPast(c.deadline, now) ? 'ntc-pin-deadline ntc-deadline-past' : 'ntc-pin-deadline'} dateTime={c.deadline}>
                  {t('notices.deadline', { time: shortDateTime(c.deadline, now, locale.get()) })}
                </time>
              ) : null}
            </span>
            <button type="button" class="btn btn-primary ntc-btn-small ntc-pin-open" onClick={() => onOpen(c.id)} aria-label={`${t('collect.pinned_open')}：${c.title}`}>
              {t('collect.pinned_open')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
