import type { NoticeState, NoticeStore } from '../../notices/store';
import { shortDateTime } from '../../notices/time';
import { locale, t } from '../../i18n';
import { useNow, useStore } from '../hooks';
import './notices.css';

/** "Please confirm" reminders that arrived on the socket: in the notices section, and
 * above whatever else the person is looking at, until opened, confirmed or dismissed. */
export function Reminders({ s, store, now, onOpen }: { s: NoticeState; store: NoticeStore; now: number; onOpen: (id: number) => void }) {
  return (
    <div class="ntc-reminders" role="status" aria-label={t('notices.reminders_label')}>
      {s.reminders.map((r) => (
        <p key={r.key} class={`ntc-reminder${r.urgent ? ' ntc-reminder-urgent' : ''}`}>
          <span class="ntc-reminder-text">{r.title ? t('notices.reminder', { title: r.title }) : t('notices.reminder_untitled')}</span>
          <time class="muted ntc-small" dateTime={new Date(r.at).toISOString()}>
            {shortDateTime(new Date(r.at), now, locale.get())}
          </time>
          <button type="button" class="btn btn-primary ntc-btn-small" onClick={() => onOpen(r.noticeId)}>
            {t('notices.reminder_open')}
          </button>
          <button type="button" class="btn btn-quiet ntc-btn-small" onClick={() => store.dismissReminder(r.key)}>
            {t('notices.reminder_dismiss')}
          </button>
        </p>
      ))}
    </div>
  );
}

/** The reminders outside the notices section: nothing when there are none. */
export function NoticeReminders({ notices, onOpen }: { notices: NoticeStore; onOpen: (id: number) => void }) {
  const s = useStore(notices);
  const now = useNow(60_000).getTime();
  if (s.reminders.length === 0) return null;
  return <Reminders s={s} store={notices} now={now} onOpen={onOpen} />;
}
