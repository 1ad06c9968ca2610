import { useRef } from 'preact/hooks';
import { formatDateTime, formatMoment } from '../../format';
import { locale, t, type MessageKey } from '../../i18n';
import { tallyCsvHref } from '../../notices/api';
import type { NoticeState, NoticeStore, TallyView } from '../../notices/store';
import { PersonPush, PushSummary } from '../urgent/PushStatus';
import { TALLY_STATES, type Notice, type TallyDepartment, type TallyPerson, type TallyState } from '../../notices/types';
import { useNow } from '../hooks';
import { noticeError } from './NoticeList';

const STATE_KEY: Record<TallyState, MessageKey> = {
  confirmed: 'notices.tally_confirmed',
  seen: 'notices.tally_seen',
  unseen: 'notices.tally_unseen',
};

/** Departments above this many are shown folded. */
const OPEN_DEPARTMENTS = 4;

interface Props {
  s: NoticeState;
  store: NoticeStore;
  notice: Notice;
  tally: TallyView;
}

/** The live tally: counts and a bar, then by department with names; filters, CSV export
 * and "remind the unconfirmed". */
export function TallyPanel({ s, store, notice, tally }: Props) {
  const now = useNow(15_000).getTime();
  const d = tally.data;
  // The departments of the unfiltered tally, so the filter keeps offering all of them.
  const known = useRef(new Map<number, string>());
  if (d && !tally.filter.department) for (const dep of d.departments ?? []) known.current.set(dep.department_id, dep.name);

  const nextAt = d?.next_remind_at ? Date.parse(d.next_remind_at) : undefined;
  const mayRemind = !nextAt || nextAt <= now;
  const unconfirmed = d ? d.seen + d.unseen : 0;

  return (
    <section class="ntc-tally" aria-labelledby="ntc-tally-title" aria-busy={tally.loading ? 'true' : undefined}>
      <h2 id="ntc-tally-title" class="ntc-h2">
        {t('notices.tally_title')}
        {tally.loading && d ? <span class="muted ntc-small"> {t('notices.tally_updating')}</span> : null}
      </h2>
      {tally.error ? (
        <p class="form-error" role="alert">
          {noticeError(tally.error)}
        </p>
      ) : null}
      {!d ? (
        <p class="muted">{t('notices.loading')}</p>
      ) : (
        <>
          <p class="ntc-tally-summary" aria-live="polite">
            {t('notices.tally_summary', { t: d.total, c: d.confirmed, s: d.seen, u: d.unseen })}
          </p>
          <Bar confirmed={d.confirmed} seen={d.seen} unseen={d.unseen} />
          <PushSummary tally={d} refresh={() => void store.setTallyFilter(tally.filter)} />
          <ul class="ntc-legend" aria-hidden="true">
            {TALLY_STATES.map((st) => (
              <li key={st}>
                <span class={`ntc-swatch ntc-swatch-${st}`} />
                {t(STATE_KEY[st])} <strong>{d[st]}</strong>
              </li>
            ))}
          </ul>
          {d.revision > 1 ? <p class="muted ntc-small">{t('notices.tally_revision', { n: d.revision })}</p> : null}

          {notice.can_manage && notice.status !== 'withdrawn' ? (
            <div class="ntc-remind">
              <button
                type="button"
                class="btn btn-secondary"
                disabled={!mayRemind || !!s.busy.remind || unconfirmed === 0}
                aria-describedby="ntc-remind-note"
                onClick={() => void store.remind()}
              >
                {s.busy.remind ? t('notices.reminding') : t('notices.remind')}
              </button>
              <p id="ntc-remind-note" class="muted ntc-small" role="status">
                {s.reminded && s.reminded.noticeId === notice.id ? `${t('notices.reminded', { n: s.reminded.reminded })} ` : ''}
                {d.reminded_at ? `${t('notices.reminded_at', { time: formatDateTime(d.reminded_at, locale.get()) })} ` : ''}
                {!mayRemind && nextAt ? t('notices.remind_next', { time: formatMoment(nextAt, now, locale.get()) }) : ''}
              </p>
              <p class="form-error" role="alert" hidden={!s.errors.remind}>
                {s.errors.remind ? noticeError(s.errors.remind) : ''}
              </p>
            </div>
          ) : null}

          <div class="ntc-tally-tools">
            <div class="field">
              <label htmlFor="ntc-tally-state">{t('notices.tally_filter_state')}</label>
              <select
                id="ntc-tally-state"
                class="input"
                value={tally.filter.state ?? ''}
                onChange={(e) => void store.setTallyFilter({ ...tally.filter, state: (e.currentTarget as HTMLSelectElement).value as TallyState | '' })}
              >
                <option value="">{t('notices.tally_filter_all')}</option>
                {TALLY_STATES.map((st) => (
                  <option key={st} value={st}>
                    {t(STATE_KEY[st])}
                  </option>
                ))}
              </select>
            </div>
            <div class="field">
              <label htmlFor="ntc-tally-dept">{t('notices.tally_filter_dept')}</label>
              <select
                id="ntc-tally-dept"
                class="input"
                value={tally.filter.department === undefined ? '' : String(tally.filter.department)}
                onChange={(e) => {
                  const v = (e.currentTarget as HTMLSelectElement).value;
                  void store.setTallyFilter({ ...tally.filter, department: v === '' ? undefined : Number(v) });
                }}
              >
                <option value="">{t('notices.tally_dept_all')}</option>
                {[...known.current].map(([id, name]) => (
                  <option key={id} value={String(id)}>
                    {id === 0 ? t('notices.tally_no_dept') : name}
                  </option>
                ))}
              </select>
            </div>
            <a class="btn btn-secondary ntc-export" href={tallyCsvHref(notice.id, tally.filter)} download={`notice-${notice.id}-tally.csv`}>
              {t('notices.tally_export')}
            </a>
          </div>

          {(d.departments ?? []).every((dep) => !(dep.people ?? []).length) ? (
            <p class="muted">{t('notices.tally_none')}</p>
          ) : (
            <div class="ntc-depts">
              {(d.departments ?? [])
                .filter((dep) => (dep.people ?? []).length)
                .map((dep, _, all) => (
                  <Department key={dep.department_id} dep={dep} open={all.length <= OPEN_DEPARTMENTS} />
                ))}
            </div>
          )}
        </>
      )}
    </section>
  );
}

/** A stacked bar drawn in SVG (the CSP forbids inline styles, not SVG geometry). */
function Bar({ confirmed, seen, unseen }: { confirmed: number; seen: number; unseen: number }) {
  const total = confirmed + seen + unseen;
  if (!total) return null;
  const pc = (x: number) => `${(x * 100) / total}%`;
  return (
    <svg class="ntc-bar" width="100%" height="14" aria-hidden="true" focusable="false">
      <rect class="ntc-bar-unseen" x="0" y="0" width="100%" height="14" />
      <rect class="ntc-bar-seen" x={pc(confirmed)} y="0" width={pc(seen)} height="14" />
      <rect class="ntc-bar-confirmed" x="0" y="0" width={pc(confirmed)} height="14" />
    </svg>
  );
}

function Department({ dep, open }: { dep: TallyDepartment; open: boolean }) {
  return (
    <details class="ntc-dept" open={open}>
      <summary>
        <span class="ntc-dept-name">{dep.department_id === 0 ? t('notices.tally_no_dept') : dep.name}</span>
        <span class="muted ntc-small">{t('notices.tally_dept_counts', { c: dep.confirmed, s: dep.seen, u: dep.unseen })}</span>
      </summary>
      <ul class="ntc-people">
        {(dep.people ?? []).map((p) => (
          <Person key={p.user_id} p={p} />
        ))}
      </ul>
    </details>
  );
}

function Person({ p }: { p: TallyPerson }) {
  const st = (TALLY_STATES as readonly string[]).includes(p.state) ? (p.state as TallyState) : 'unseen';
  const l = locale.get();
  let detail = '';
  if (st === 'confirmed' && p.confirmed_at) detail = t('notices.tally_confirmed_at', { time: formatDateTime(p.confirmed_at, l) });
  else if (p.confirmed_revision) detail = t('notices.tally_confirmed_old', { n: p.confirmed_revision });
  else if (st === 'seen' && p.seen_at) detail = t('notices.tally_seen_at', { time: formatDateTime(p.seen_at, l) });
  return (
    <li class="ntc-person">
      <span class="ntc-person-name">{p.display_name || p.username}</span>
      <span class={`ntc-state ntc-tally-${st}`}>{t(STATE_KEY[st])}</span>
      {detail ? <span class="muted ntc-small">{detail}</span> : null}
      {p.reply ? <span class="ntc-reply-text">{t('notices.tally_reply', { reply: p.reply })}</span> : null}
      <PersonPush p={p} />
    </li>
  );
}
