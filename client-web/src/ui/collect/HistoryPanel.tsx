import { useState } from 'preact/hooks';
import type { CollectState, CollectStore } from '../../collect/store';
import type { HistoryEntry } from '../../collect/types';
import { formatDateTime } from '../../format';
import { locale, t, type MessageKey } from '../../i18n';
import { collectError } from './parts';

const KNOWN = new Set(['published', 'submitted', 'edited', 'returned', 'closed', 'reminded', 'escalated']);

/** One step of the trace in words; `nameOf` finds whose answer it was about. */
export function historyText(e: HistoryEntry, nameOf: (id: number) => string | undefined = () => undefined): string {
  const actor = e.actor_name || (e.actor_id ? nameOf(e.actor_id) || `#${e.actor_id}` : t('collect.system'));
  const user = e.user_id ? nameOf(e.user_id) || t('collect.h_user_unknown', { id: e.user_id }) : '';
  if (!KNOWN.has(e.action)) return t('collect.h_other', { actor, action: e.action });
  return t(`collect.h_${e.action}` as MessageKey, { actor, user, n: e.count ?? 0 });
}

/** 全程记录: every step of the collection with its time, so that nobody can later say they
 * never got it (published, submitted, edited, returned, closed, reminded, escalated). */
export function HistoryPanel({ s, store }: { s: CollectState; store: CollectStore }) {
  const [open, setOpen] = useState(false);
  const events = s.open?.history;
  // Names of the people the steps are about: the status and the answers know them.
  const names = new Map<number, string>();
  for (const d of s.open?.status?.departments ?? []) for (const p of d.people ?? []) names.set(p.user_id, p.display_name);
  for (const x of s.open?.submissions ?? []) names.set(x.user_id, x.user_name);
  const me = s.open?.collection?.my?.submission;
  if (me) names.set(me.user_id, me.user_name);
  return (
    <section class="cl-panel cl-history" aria-labelledby="cl-history-title">
      <h2 id="cl-history-title" class="ntc-h2">
        {t('collect.history')}
      </h2>
      {!open ? (
        <button
          type="button"
          class="btn btn-secondary cl-wide-btn"
          onClick={() => {
            setOpen(true);
            void store.loadHistory();
          }}
        >
          {t('collect.history_show')}
        </button>
      ) : s.errors.history ? (
        <p class="form-error" role="alert">
          {collectError(s.errors.history)}{' '}
          <button type="button" class="btn btn-quiet btn-small" onClick={() => void store.loadHistory()}>
            {t('collect.retry')}
          </button>
        </p>
      ) : !events ? (
        <p class="muted">{t('app.loading')}</p>
      ) : events.length === 0 ? (
        <p class="muted">{t('collect.history_empty')}</p>
      ) : (
        <ol class="cl-trace">
          {events.map((e, i) => (
            <li key={i} class={`cl-step cl-step-${KNOWN.has(e.action) ? e.action : 'other'}`}>
              <time class="cl-step-time" dateTime={e.at}>
                {formatDateTime(e.at, locale.get())}
              </time>
              <span class="cl-step-text">{historyText(e, (id) => names.get(id))}</span>
              {e.note ? <span class="cl-step-note">{t('collect.h_note', { note: e.note })}</span> : null}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
