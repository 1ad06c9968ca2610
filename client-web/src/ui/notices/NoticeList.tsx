import type { UiError } from '../../errors';
import { locale, t } from '../../i18n';
import { noticeErrorText } from '../../notices/errors';
import type { ListState, NoticeState } from '../../notices/store';
import { shortDateTime } from '../../notices/time';
import type { Notice } from '../../notices/types';
import { authorName, Deadline, StateTag, Tags } from './parts';
import { ConfirmedOf } from '../urgent/ConfirmedOf';

interface Props {
  s: NoticeState;
  list: ListState;
  empty: string;
  now: number;
  onOpen: (id: number) => void;
  onMore: () => void;
  onRetry: () => void;
}

/** A list of notices, newest first: each row a link-like button to the notice. */
export function NoticeList({ s, list, empty, now, onOpen, onMore, onRetry }: Props) {
  if (!list.loaded && list.loading) return <p class="muted ntc-note">{t('notices.loading')}</p>;
  return (
    <div class="ntc-list-wrap" aria-busy={list.loading ? 'true' : undefined}>
      {list.error ? (
        <div class="ntc-error-row">
          <p class="form-error" role="alert">
            {errorOf(list)}
          </p>
          <button type="button" class="btn btn-secondary ntc-btn-small" onClick={onRetry}>
            {t('notices.retry')}
          </button>
        </div>
      ) : null}
      {list.loaded && list.items.length === 0 ? <p class="placeholder">{empty}</p> : null}
      {list.items.length ? (
        <ul class="ntc-list">
          {list.items.map((n) => (
            <Row key={n.id} n={n} s={s} now={now} onOpen={onOpen} />
          ))}
        </ul>
      ) : null}
      {list.hasMore ? (
        <button type="button" class="btn btn-secondary ntc-more" disabled={list.loading} onClick={onMore}>
          {list.loading ? t('notices.loading') : t('notices.load_more')}
        </button>
      ) : null}
    </div>
  );
}

function errorOf(list: ListState): string {
  return list.error ? noticeError(list.error) : '';
}

/** The text of an error of the notice screens. */
export function noticeError(e: UiError): string {
  return noticeErrorText(e, locale.get());
}

function Row({ n, s, now, onOpen }: { n: Notice; s: NoticeState; now: number; onOpen: (id: number) => void }) {
  const withdrawn = n.status === 'withdrawn';
  return (
    <li class={`ntc-row${n.pending ? ' ntc-row-pending' : ''}${withdrawn ? ' ntc-row-withdrawn' : ''}`}>
      <a
        class="ntc-row-link"
        href={`/notices/${n.id}`}
        onClick={(e) => {
          if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
          e.preventDefault();
          onOpen(n.id);
        }}
      >
        <span class="ntc-row-head">
          <span class="ntc-row-title">{n.title}</span>
          <Tags n={n} />
        </span>
        <span class="ntc-row-meta">
          <span>{authorName(s, n.author_id)}</span>
          <time dateTime={n.created_at}>{shortDateTime(n.created_at, now, locale.get())}</time>
          <Deadline iso={n.deadline} now={now} />
          <StateTag n={n} />
          <ConfirmedOf n={n} />
        </span>
      </a>
    </li>
  );
}
