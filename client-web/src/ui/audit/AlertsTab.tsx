// 告警: the alerts the server raised from the trail (many downloads in a short time,
// off-hours access to 敏感/秘密 items, failed logins from one address, DLP hits), open or
// acknowledged. The security officer acknowledges one with a note (recorded as
// alert.acked); the auditor sees the same list read-only.

import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Request } from '../../api';
import type { AlertBadge } from '../../audit/alerts';
import { ackAlert, alertsPage, MAX_NOTE } from '../../audit/api';
import { createPager } from '../../audit/pager';
import type { AlertState, AuditAlert } from '../../audit/types';
import { describeError, toUiError } from '../../errors';
import { formatDateTime, formatDuration } from '../../format';
import { t, type MessageKey } from '../../i18n';
import { LevelTag } from '../secrecy/LevelTag';
import { useLocale, useStore } from '../hooks';

type StateFilter = AlertState | 'all';
const STATES: readonly StateFilter[] = ['open', 'acked', 'all'];
const STATE_KEYS: Record<StateFilter, MessageKey> = { open: 'audit.alert_open', acked: 'audit.alert_acked', all: 'audit.alert_all' };
const KINDS = ['mass_download', 'off_hours', 'login_failures', 'dlp_hit'];

export function alertKindText(kind: string): string {
  return KINDS.includes(kind) ? t(`audit.alert_kind_${kind}` as MessageKey) : kind;
}

export function checkNote(note: string): 'required' | 'too_long' | undefined {
  const s = note.trim();
  if (!s) return 'required';
  if ([...s].length > MAX_NOTE) return 'too_long';
  return undefined;
}

export function AlertsTab(p: { request: Request; canAck: boolean; badge: AlertBadge; onPerson: (id: number) => void }) {
  const l = useLocale();
  const [state, setState] = useState<StateFilter>('open');
  const pager = useMemo(() => createPager<AuditAlert>(), []);
  const s = useStore(pager);
  const latest = useStore(p.badge).latest;
  useEffect(() => {
    void pager.reset((before) => alertsPage(p.request, state, { beforeId: before }));
  }, [state, p.request, latest?.id]);

  return (
    <div class="aud-alerts">
      <div class="aud-seg" role="radiogroup" aria-label={t('audit.alert_state')}>
        {STATES.map((x) => (
          <button key={x} type="button" role="radio" aria-checked={state === x} class="aud-seg-item" onClick={() => setState(x)}>
            {t(STATE_KEYS[x])}
          </button>
        ))}
      </div>
      {p.canAck ? null : <p class="muted">{t('audit.alert_readonly')}</p>}
      {s.error ? (
        <div class="aud-row-tools">
          <p class="form-error" role="alert">
            {t('audit.load_failed', { reason: describeError(toUiError(s.error, Date.now()), l) })}
          </p>
          <button type="button" class="btn btn-secondary" onClick={() => void pager.reset((before) => alertsPage(p.request, state, { beforeId: before }))}>
            {t('audit.retry')}
          </button>
        </div>
      ) : null}
      {s.items.length === 0 && !s.loading && !s.error ? <p class="muted">{t('audit.alerts_empty')}</p> : null}
      <ul class="aud-alert-list">
        {s.items.map((a) => (
          <AlertItem
            key={a.id}
            a={a}
            canAck={p.canAck}
            request={p.request}
            onPerson={p.onPerson}
            onAcked={(next) => {
              pager.update((x) => x.id === a.id, next);
              p.badge.acked();
            }}
          />
        ))}
      </ul>
      {s.loading ? (
        <p class="muted" role="status">
          {t('audit.loading')}
        </p>
      ) : !s.done ? (
        <button type="button" class="btn btn-secondary" onClick={() => void pager.more()}>
          {t('audit.more')}
        </button>
      ) : null}
    </div>
  );
}

function AlertItem({ a, canAck, request, onPerson, onAcked }: { a: AuditAlert; canAck: boolean; request: Request; onPerson: (id: number) => void; onAcked: (a: AuditAlert) => void }) {
  const l = useLocale();
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [acking, setAcking] = useState(false);
  const submit = (e: Event) => {
    e.preventDefault();
    const bad = checkNote(note);
    if (bad) return setProblem(t(bad === 'required' ? 'audit.err_note_required' : 'audit.err_note_too_long'));
    setProblem(undefined);
    setBusy(true);
    ackAlert(request, a.id, note).then(
      (next) => {
        setBusy(false);
        setAcking(false);
        // The server answers the acknowledged alert; an empty answer is taken as one.
        onAcked(next && typeof next === 'object' && 'id' in next ? next : { ...a, state: 'acked', note: note.trim(), acked_at: new Date().toISOString() });
      },
      (err) => {
        setBusy(false);
        setProblem(describeError(toUiError(err, Date.now()), l));
      },
    );
  };
  const id = `aud-alert-${a.id}`;
  return (
    <li class={`aud-alert aud-alert-${a.state}`} data-alert={a.id} aria-labelledby={`${id}-kind`}>
      <div class="aud-alert-head">
        <strong id={`${id}-kind`}>{alertKindText(a.kind)}</strong>
        {a.level ? <LevelTag level={a.level} /> : null}
        <span class={`aud-chip${a.state === 'open' ? ' aud-chip-warn' : ''}`}>{a.state === 'open' ? t('audit.alert_open') : t('audit.alert_acked')}</span>
        <time class="muted aud-small" dateTime={a.at}>
          {formatDateTime(a.at, l)}
        </time>
      </div>
      <div class="aud-alert-line">
        {a.actor ? (
          <button type="button" class="aud-person" onClick={() => onPerson(a.actor!.id)}>
            {a.actor.name}
          </button>
        ) : null}
        {a.ip ? <span class="aud-mono">{a.ip}</span> : null}
        <span>{a.window > 0 ? t('audit.alert_count', { n: a.count, window: formatDuration(a.window, l) }) : t('audit.alert_count_one', { n: a.count })}</span>
        {a.event_ids?.length ? <span class="muted aud-small aud-mono">{t('audit.alert_events', { ids: a.event_ids.map((x) => `#${x}`).join(' ') })}</span> : null}
      </div>
      {a.state === 'acked' ? (
        <div class="aud-alert-line aud-small">
          <span class="muted">{t('audit.alert_acked_by', { name: a.acked_by?.name ?? '—', time: a.acked_at ? formatDateTime(a.acked_at, l) : '—' })}</span>
          {a.note ? <span class="aud-note">{a.note}</span> : null}
        </div>
      ) : canAck ? (
        acking ? (
          <form class="aud-ack" onSubmit={submit} noValidate>
            <div class="field">
              <label for={`${id}-note`}>{t('audit.alert_note')}</label>
              <textarea
                id={`${id}-note`}
                class="input"
                rows={2}
                value={note}
                aria-invalid={problem ? true : undefined}
                aria-describedby={`${id}-hint ${id}-err`}
                onInput={(e) => setNote(e.currentTarget.value)}
              />
              <span id={`${id}-hint`} class="field-hint">
                {t('audit.alert_note_hint')}
              </span>
              <p id={`${id}-err`} class="form-error" role="alert" hidden={!problem}>
                {problem ?? ''}
              </p>
            </div>
            <div class="aud-actions">
              <button type="submit" class="btn btn-primary" disabled={busy}>
                {busy ? t('audit.alert_acking') : t('audit.alert_ack')}
              </button>
              <button type="button" class="btn btn-secondary" disabled={busy} onClick={() => setAcking(false)}>
                {t('audit.escrow_close')}
              </button>
            </div>
          </form>
        ) : (
          <div class="aud-actions">
            <button type="button" class="btn btn-secondary" onClick={() => setAcking(true)}>
              {t('audit.alert_ack')}
            </button>
          </div>
        )
      ) : null}
    </li>
  );
}
