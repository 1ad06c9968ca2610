// The urgent card: in front of everything (a modal <dialog> in the top layer, which
// also keeps focus inside it), for the first urgent notice still to be dealt with.
// 查看 opens the notice; 确认收到 confirms it from the card (知道了 for a notice that
// needs no confirmation). Escape puts it away; the notice stays in 待确认.

import { useEffect, useRef } from 'preact/hooks';
import { describeError } from '../../errors';
import { locale, t } from '../../i18n';
import { shortDateTime } from '../../notices/time';
import type { UrgentStore } from '../../urgent/arrivals';
import { useStore } from '../hooks';
import './urgent.css';

const BODY_PREVIEW = 240;

export function UrgentCard({ urgent, nameOf, onView }: { urgent: UrgentStore; nameOf: (id: number) => string | undefined; onView: (noticeId: number) => void }) {
  const s = useStore(urgent);
  const it = s.queue[0];
  if (!it) return null;
  return <Card key={it.notice.id} urgent={urgent} more={s.queue.length - 1} nameOf={nameOf} onView={onView} />;
}

function Card({ urgent, more, nameOf, onView }: { urgent: UrgentStore; more: number; nameOf: (id: number) => string | undefined; onView: (noticeId: number) => void }) {
  const s = useStore(urgent);
  const it = s.queue[0]!;
  const n = it.notice;
  const ref = useRef<HTMLDialogElement>(null);
  const primary = useRef<HTMLButtonElement>(null);
  const id = `urgent-${n.id}`;
  const l = locale.get();

  useEffect(() => {
    const d = ref.current;
    if (!d) return undefined;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!d.open) d.showModal();
    primary.current?.focus();
    const onCancel = (e: Event) => {
      e.preventDefault(); // our own close: the queue decides what shows next
      urgent.dismiss(n.id);
    };
    d.addEventListener('cancel', onCancel);
    return () => {
      d.removeEventListener('cancel', onCancel);
      if (d.open) d.close();
      if (opener?.isConnected) opener.focus();
    };
  }, [n.id]);

  const body = n.body.length > BODY_PREVIEW ? `${n.body.slice(0, BODY_PREVIEW)}…` : n.body;
  const author = nameOf(n.author_id);
  return (
    <dialog ref={ref} id={id} class="urgent-card" role="alertdialog" aria-modal="true" aria-labelledby={`${id}-title`} aria-describedby={`${id}-body`} data-sound={it.sound}>
      <div class="urgent-band">
        <span class="urgent-badge">{t('urgent.card_label')}</span>
        {more > 0 ? <span class="urgent-more">{t('urgent.card_more', { n: more })}</span> : null}
      </div>
      <div class="urgent-main">
        <h2 id={`${id}-title`} class="urgent-title">
          {n.title}
        </h2>
        <p class="urgent-meta">
          {author ? <span>{t('urgent.card_from', { name: author })}</span> : null}
          <time dateTime={n.created_at}>{shortDateTime(n.created_at, Date.now(), l)}</time>
        </p>
        {n.deadline ? <p class="urgent-deadline">{t('urgent.card_deadline', { when: shortDateTime(n.deadline, Date.now(), l) })}</p> : null}
        <p id={`${id}-body`} class="urgent-body">
          {body}
        </p>
        {it.error ? (
          <p class="form-error" role="alert">
            {it.error.code === 'stale_revision' ? t('urgent.failed') : describeError(it.error, l)}
          </p>
        ) : null}
      </div>
      <div class="urgent-actions">
        <button
          type="button"
          class="btn btn-secondary urgent-btn"
          onClick={() => {
            urgent.dismiss(n.id);
            onView(n.id);
          }}
        >
          {t('urgent.view')}
        </button>
        {n.needs_confirm ? (
          <button type="button" ref={primary} class="btn btn-primary urgent-btn" disabled={it.busy} onClick={() => void urgent.confirm(n.id)}>
            {it.busy ? t('urgent.confirming') : t('urgent.confirm')}
          </button>
        ) : (
          <button type="button" ref={primary} class="btn btn-primary urgent-btn" onClick={() => urgent.acknowledge(n.id)}>
            {t('urgent.dismiss')}
          </button>
        )}
      </div>
    </dialog>
  );
}
