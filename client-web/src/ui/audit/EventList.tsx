// The trail as a list (审计记录, and a person's timeline): a table on a desk, cards on a
// phone; newest first; each row opens to its details as key/values (never content); the
// next page loads when the end of the list comes into view (or by 加载更多).

import { Fragment } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { describeError, toUiError } from '../../errors';
import { detailRows } from '../../audit/detail';
import type { Pager } from '../../audit/pager';
import type { AuditEvent } from '../../audit/types';
import { formatDateTime } from '../../format';
import { roleKey, t, type MessageKey } from '../../i18n';
import { LevelTag } from '../secrecy/LevelTag';
import { useLocale, useStore } from '../hooks';

export interface EventListProps {
  pager: Pager<AuditEvent>;
  phone: boolean;
  /** A department id → its path, for the details. */
  department: (id: number) => string | undefined;
  /** Opens a person's timeline. */
  onPerson?: (id: number, name: string) => void;
  /** A person's display name from the directory (the trail names the username). */
  nameOf?: (id: number) => string | undefined;
  label: string;
}

export function outcomeText(o: string): string {
  return o === 'ok' || o === 'denied' || o === 'failed' ? t(`audit.outcome_${o}` as MessageKey) : o;
}

function actorName(e: AuditEvent, nameOf?: (id: number) => string | undefined): string {
  const shown = e.actor_id ? nameOf?.(e.actor_id) : undefined;
  if (shown) return shown;
  if (e.actor_name) return e.actor_name;
  return e.actor_id ? `#${e.actor_id}` : t('audit.actor_system');
}

function target(e: AuditEvent): string {
  if (!e.target_type) return '—';
  return e.target_id ? `${e.target_type}:${e.target_id}` : e.target_type;
}

export function EventList(p: EventListProps) {
  const l = useLocale();
  const s = useStore(p.pager);
  const [open, setOpen] = useState<Set<number>>(new Set());
  const end = useRef<HTMLDivElement>(null);
  const toggle = (id: number) =>
    setOpen((o) => {
      const n = new Set(o);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });

  // Infinite paging: the sentinel after the list asks for the next page when it shows.
  useEffect(() => {
    const el = end.current;
    if (!el || typeof IntersectionObserver === 'undefined') return undefined;
    const io = new IntersectionObserver((entries) => {
      if (entries.some((x) => x.isIntersecting)) void p.pager.more();
    }, { rootMargin: '400px' });
    io.observe(el);
    return () => io.disconnect();
  }, [p.pager]);

  const actor = (e: AuditEvent) => {
    const name = actorName(e, p.nameOf);
    // The username as the trail recorded it, beside the display name.
    const title = e.actor_name && e.actor_name !== name ? e.actor_name : undefined;
    return e.actor_id && p.onPerson ? (
      <button type="button" class="aud-person" title={title ? `${title} · ${t('audit.timeline_of', { name })}` : t('audit.timeline_of', { name })} onClick={() => p.onPerson!(e.actor_id!, name)}>
        {name}
      </button>
    ) : (
      <span title={title}>{name}</span>
    );
  };
  const outcome = (e: AuditEvent) => <span class={`aud-outcome aud-outcome-${e.outcome}`}>{outcomeText(e.outcome)}</span>;
  const expander = (e: AuditEvent) => (
    <button
      type="button"
      class="aud-expand"
      aria-expanded={open.has(e.id)}
      aria-controls={`aud-ev-${e.id}`}
      aria-label={open.has(e.id) ? t('audit.collapse') : t('audit.expand')}
      onClick={() => toggle(e.id)}
    >
      <span aria-hidden="true">{open.has(e.id) ? '▾' : '▸'}</span>
    </button>
  );

  return (
    <div class="aud-list" aria-busy={s.loading}>
      {s.items.length === 0 && !s.loading && !s.error ? <p class="muted aud-empty">{t('audit.empty')}</p> : null}
      {s.items.length > 0 && !p.phone ? (
        <table class="aud-table" aria-label={p.label}>
          <thead>
            <tr>
              <th scope="col" class="aud-col-x">
                <span class="visually-hidden">{t('audit.expand')}</span>
              </th>
              <th scope="col">{t('audit.col_time')}</th>
              <th scope="col">{t('audit.col_actor')}</th>
              <th scope="col">{t('audit.col_action')}</th>
              <th scope="col">{t('audit.col_target')}</th>
              <th scope="col">{t('audit.col_level')}</th>
              <th scope="col">{t('audit.col_outcome')}</th>
              <th scope="col">{t('audit.col_ip')}</th>
            </tr>
          </thead>
          <tbody>
            {s.items.map((e) => (
              <Fragment key={e.id}>
                <tr class="aud-row" data-event={e.id}>
                  <td class="aud-col-x">{expander(e)}</td>
                  <td class="aud-nowrap">
                    <time dateTime={e.at}>{formatDateTime(e.at, l)}</time>
                  </td>
                  <td>
                    {actor(e)}
                    {e.actor_role ? <span class="aud-role">{t(roleKey(e.actor_role))}</span> : null}
                  </td>
                  <td class="aud-mono">{e.action}</td>
                  <td class="aud-mono aud-target">{target(e)}</td>
                  <td>{e.level ? <LevelTag level={e.level} /> : null}</td>
                  <td>{outcome(e)}</td>
                  <td class="aud-mono">{e.ip ?? ''}</td>
                </tr>
                {open.has(e.id) ? (
                  <tr class="aud-detail-row">
                    <td />
                    <td colSpan={7} id={`aud-ev-${e.id}`}>
                      <Details e={e} department={p.department} />
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            ))}
          </tbody>
        </table>
      ) : null}
      {s.items.length > 0 && p.phone ? (
        <ul class="aud-cards" aria-label={p.label}>
          {s.items.map((e) => (
            <li key={e.id} class="aud-card" data-event={e.id}>
              <div class="aud-card-head">
                <span class="aud-mono aud-card-action">{e.action}</span>
                {e.level ? <LevelTag level={e.level} /> : null}
                {outcome(e)}
              </div>
              <div class="aud-card-line">
                {actor(e)}
                {e.actor_role ? <span class="aud-role">{t(roleKey(e.actor_role))}</span> : null}
                <time class="muted" dateTime={e.at}>
                  {formatDateTime(e.at, l)}
                </time>
              </div>
              <div class="aud-card-line muted">
                <span class="aud-mono aud-target">{target(e)}</span>
                {e.ip ? <span class="aud-mono">{e.ip}</span> : null}
                {expander(e)}
              </div>
              {open.has(e.id) ? (
                <div id={`aud-ev-${e.id}`}>
                  <Details e={e} department={p.department} />
                </div>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      <div ref={end} class="aud-end">
        {s.error ? (
          <div class="aud-row-tools">
            <p class="form-error" role="alert">
              {t('audit.load_failed', { reason: describeError(toUiError(s.error, Date.now()), l) })}
            </p>
            <button type="button" class="btn btn-secondary" onClick={() => void p.pager.more()}>
              {t('audit.retry')}
            </button>
          </div>
        ) : s.loading ? (
          <p class="muted" role="status">
            {t('audit.loading')}
          </p>
        ) : s.done ? (
          s.items.length ? <p class="muted">{t('audit.end', { n: s.items.length })}</p> : null
        ) : (
          <div class="aud-row-tools">
            <span class="muted">{t('audit.shown', { n: s.items.length })}</span>
            <button type="button" class="btn btn-secondary" onClick={() => void p.pager.more()}>
              {t('audit.more')}
            </button>
          </div>
        )}
      </div>
    </div>
  );
}

function Details({ e, department }: { e: AuditEvent; department: (id: number) => string | undefined }) {
  const rows = detailRows(e.detail);
  return (
    <dl class="aud-detail">
      <div>
        <dt>{t('audit.d_id')}</dt>
        <dd class="aud-mono">{e.id}</dd>
      </div>
      {e.actor_role ? (
        <div>
          <dt>{t('audit.d_role')}</dt>
          <dd>{t(roleKey(e.actor_role))}</dd>
        </div>
      ) : null}
      {e.department_id ? (
        <div>
          <dt>{t('audit.d_department')}</dt>
          <dd>{department(e.department_id) ?? `#${e.department_id}`}</dd>
        </div>
      ) : null}
      {e.request_id ? (
        <div>
          <dt>{t('audit.d_request')}</dt>
          <dd class="aud-mono">{e.request_id}</dd>
        </div>
      ) : null}
      {rows.map((r) => (
        <div key={r.key}>
          <dt class="aud-mono">{r.key}</dt>
          <dd class="aud-mono">{r.value}</dd>
        </div>
      ))}
      {rows.length === 0 ? (
        <div>
          <dt>{t('audit.d_detail')}</dt>
          <dd class="muted">{t('audit.d_none')}</dd>
        </div>
      ) : null}
      <div>
        <dt>{t('audit.d_hash')}</dt>
        <dd class="aud-mono aud-hash">{e.hash}</dd>
      </div>
    </dl>
  );
}
