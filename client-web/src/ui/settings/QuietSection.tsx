import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Request } from '../../api';
import { toUiError, type UiError } from '../../errors';
import { formatDate, zonedParts } from '../../format';
import { locale, t, type MessageKey } from '../../i18n';
import { offDutyText } from '../../quiet/reachability';
import { checkSchedule, hasProblems, nextSpan } from '../../quiet/schedule';
import { DAY_KEYS, type DayKey, type WeekSchedule } from '../../quiet/types';
import { ErrorText } from '../common';
import { checkLeave, createQuietApi, groupDays, leaveDays, splitLeave, spansText, type LeaveRange, type MyQuiet, type QuietApi } from './quiet';

const dayName = (d: DayKey) => t(`quiet.day.${d}` as MessageKey);

/** 周一至周五 08:30–12:00、14:30–18:00 · 周六、周日 休息 — one line per run of alike days. */
export function ScheduleSummary({ schedule }: { schedule: WeekSchedule }) {
  const sep = t('settings.quiet.span_sep');
  return (
    <ul class="settings-week">
      {groupDays(schedule).map((g) => (
        <li key={g.days[0]}>
          <span class="settings-days">
            {g.days.length === 1 ? dayName(g.days[0]!) : t('settings.quiet.days_range', { from: dayName(g.days[0]!), to: dayName(g.days[g.days.length - 1]!) })}
          </span>{' '}
          <span>{g.spans.length ? spansText(g.spans, sep) : t('settings.quiet.rest')}</span>
        </li>
      ))}
    </ul>
  );
}

function today(): string {
  const p = zonedParts(new Date());
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** A YYYY-MM-DD date as people write it (2026年5月6日), Beijing calendar. */
function dateText(d: string): string {
  return formatDate(`${d}T12:00:00+08:00`, locale.get());
}

/** 我的工作时间 and 请假: my own weekly spans or the organisation's, and leave ranges. */
export function QuietSection({ request, api: given }: { request: Request; api?: QuietApi }) {
  const api = useMemo(() => given ?? createQuietApi(request), [request, given]);
  const [data, setData] = useState<MyQuiet>();
  const [loadError, setLoadError] = useState<UiError>();
  const [draft, setDraft] = useState<WeekSchedule | undefined>();
  const [useOwn, setUseOwn] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UiError>();
  const [saved, setSaved] = useState(false);

  const load = () => {
    setLoadError(undefined);
    api.mine().then(
      (q) => {
        setData(q);
        setUseOwn(!!q.own);
        setDraft(q.own);
      },
      (e) => setLoadError(toUiError(e, Date.now())),
    );
  };
  useEffect(load, [api]);

  const save = async (next: Partial<Pick<MyQuiet, 'own' | 'leave' | 'pushWhenIdle'>>) => {
    if (!data) return false;
    setBusy(true);
    setError(undefined);
    setSaved(false);
    try {
      // One PUT replaces all of my settings: what is not being changed goes as it is.
      const r = await api.save({ own: data.own, leave: data.leave, pushWhenIdle: data.pushWhenIdle, ...next });
      // The reply may leave out the organisation's schedule: keep the one we have.
      const q: MyQuiet = r ? { ...r, org: data.org } : { ...data, ...next };
      if (!r?.status) q.status = undefined; // the state shown may have changed
      setData(q);
      setDraft(q.own);
      setUseOwn(!!q.own);
      setSaved(true);
      return true;
    } catch (e) {
      setError(toUiError(e, Date.now()));
      return false;
    } finally {
      setBusy(false);
    }
  };

  if (!data) {
    return (
      <section class="settings-section" aria-labelledby="settings-quiet-title">
        <h2 id="settings-quiet-title" class="settings-heading">
          {t('settings.quiet.title')}
        </h2>
        {loadError ? (
          <>
            <ErrorText id="quiet-load-error" error={loadError} />
            <button type="button" class="btn btn-secondary" onClick={load}>
              {t('settings.retry')}
            </button>
          </>
        ) : (
          <p class="muted">{t('settings.loading')}</p>
        )}
      </section>
    );
  }

  const own = useOwn ? (draft ?? data.own ?? data.org) : undefined;
  const problems = own ? checkSchedule(own) : {};
  const dirty = useOwn !== !!data.own || (useOwn && JSON.stringify(own) !== JSON.stringify(data.own));
  const setDay = (d: DayKey, fn: (spans: WeekSchedule[DayKey]) => WeekSchedule[DayKey]) => {
    const base = own ?? data.org;
    setDraft({ ...base, [d]: fn(base[d]) });
    setSaved(false);
  };

  return (
    <>
      <section class="settings-section" aria-labelledby="settings-quiet-title">
        <h2 id="settings-quiet-title" class="settings-heading">
          {t('settings.quiet.title')}
        </h2>
        <p class="muted">
          {t('settings.quiet.intro')} {t('settings.beijing_time')}
        </p>
        {data.status ? (
          <p class="settings-status" id="quiet-status">
            {t('settings.status.now', {
              text:
                data.status.reason === 'working'
                  ? t('settings.status.working')
                  : data.status.reason === 'on_duty'
                    ? t('settings.status.on_duty')
                    : offDutyText({ user_id: 0, ...data.status }, Date.now(), locale.get()),
            })}
          </p>
        ) : null}
        <fieldset class="settings-choice">
          <legend class="visually-hidden">{t('settings.quiet.mode')}</legend>
          <label>
            <input
              type="radio"
              name="quiet-mode"
              value="org"
              checked={!useOwn}
              onChange={() => {
                setUseOwn(false);
                setSaved(false);
              }}
            />{' '}
            {t('settings.quiet.use_org')}
          </label>
          <label>
            <input
              type="radio"
              name="quiet-mode"
              value="own"
              checked={useOwn}
              onChange={() => {
                setUseOwn(true);
                setSaved(false);
              }}
            />{' '}
            {t('settings.quiet.use_own')}
          </label>
        </fieldset>
        {!own ? (
          <div class="settings-box">
            <p class="settings-box-title">{t('settings.quiet.org_is')}</p>
            <ScheduleSummary schedule={data.org} />
          </div>
        ) : (
          <div class="settings-box">
            <p class="field-hint" id="quiet-hint">
              {t('settings.quiet.time_hint')}
            </p>
            <table class="settings-days-table">
              <tbody>
                {DAY_KEYS.map((d) => (
                  <tr key={d}>
                    <th scope="row">{dayName(d)}</th>
                    <td>
                      <div class="settings-spans">
                        {own[d].length === 0 ? <span class="muted">{t('settings.quiet.rest')}</span> : null}
                        {own[d].map((sp, i) => {
                          const bad = problems[d]?.[i];
                          const n = i + 1;
                          return (
                            <span class="settings-span" key={i}>
                              <input
                                class="input settings-time"
                                value={sp.start}
                                inputMode="numeric"
                                maxLength={5}
                                aria-label={t('settings.quiet.start_of', { day: dayName(d), n })}
                                aria-invalid={bad === 'start_format' || bad === 'order' || bad === 'overlap' ? 'true' : undefined}
                                aria-describedby="quiet-hint"
                                onInput={(e) => {
                                  const v = (e.currentTarget as HTMLInputElement).value;
                                  setDay(d, (spans) => spans.map((s, j) => (j === i ? { ...s, start: v } : s)));
                                }}
                              />
                              –
                              <input
                                class="input settings-time"
                                value={sp.end}
                                inputMode="numeric"
                                maxLength={5}
                                aria-label={t('settings.quiet.end_of', { day: dayName(d), n })}
                                aria-invalid={bad === 'end_format' || bad === 'order' ? 'true' : undefined}
                                aria-describedby="quiet-hint"
                                onInput={(e) => {
                                  const v = (e.currentTarget as HTMLInputElement).value;
                                  setDay(d, (spans) => spans.map((s, j) => (j === i ? { ...s, end: v } : s)));
                                }}
                              />
                              <button
                                type="button"
                                class="btn btn-quiet settings-small"
                                aria-label={t('settings.quiet.remove_of', { day: dayName(d), n })}
                                onClick={() => setDay(d, (spans) => spans.filter((_, j) => j !== i))}
                              >
                                {t('settings.quiet.remove')}
                              </button>
                            </span>
                          );
                        })}
                        {nextSpan(own[d]) ? (
                          <button
                            type="button"
                            class="btn btn-quiet settings-small"
                            aria-label={t('settings.quiet.add_to', { day: dayName(d) })}
                            onClick={() => setDay(d, (spans) => [...spans, nextSpan(spans)!])}
                          >
                            {t('settings.quiet.add')}
                          </button>
                        ) : null}
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {hasProblems(problems) ? (
              <p class="form-error" role="alert">
                {t('settings.quiet.problems')}
              </p>
            ) : !DAY_KEYS.some((d) => own[d].length > 0) ? (
              <p class="settings-warning">{t('settings.quiet.no_days')}</p>
            ) : null}
          </div>
        )}
        <p class="field-hint">{t('settings.quiet.holidays_note')}</p>
        <div class="settings-actions">
          {saved && !dirty ? (
            <span class="settings-note" role="status">
              {t('settings.saved')}
            </span>
          ) : null}
          {dirty ? (
            <button type="button" class="btn btn-primary" id="quiet-save" disabled={busy || hasProblems(problems)} onClick={() => void save({ own })}>
              {busy ? t('settings.saving') : t('settings.quiet.save')}
            </button>
          ) : null}
        </div>
        <label class="settings-check">
          <input type="checkbox" checked={data.pushWhenIdle} disabled={busy} onChange={(e) => void save({ pushWhenIdle: (e.currentTarget as HTMLInputElement).checked })} />{' '}
          {t('settings.quiet.push_when_idle')}
        </label>
        <ErrorText id="quiet-error" error={error} />
      </section>
      <LeaveSection leave={data.leave} busy={busy} onSave={(leave) => save({ leave })} />
    </>
  );
}

const LEAVE_PROBLEM: Record<string, MessageKey> = {
  from_format: 'settings.leave.p_from_format',
  to_format: 'settings.leave.p_to_format',
  order: 'settings.leave.p_order',
  too_long: 'settings.leave.p_too_long',
  note_long: 'settings.leave.p_note_long',
  too_many: 'settings.leave.p_too_many',
};

function LeaveSection({ leave, busy, onSave }: { leave: LeaveRange[]; busy: boolean; onSave: (leave: LeaveRange[]) => Promise<boolean> }) {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<MessageKey>();
  const now = today();
  const { current, past } = splitLeave(leave, now);
  const rangeText = (l: LeaveRange) => t('settings.leave.range', { from: dateText(l.from), to: dateText(l.to) });

  const add = async (e: Event) => {
    e.preventDefault();
    const l: LeaveRange = { from, to: to || from, note: note.trim() || undefined };
    const p = checkLeave(l, leave.length);
    if (p) {
      setProblem(LEAVE_PROBLEM[p]);
      return;
    }
    setProblem(undefined);
    if (await onSave([...leave, l])) {
      setFrom('');
      setTo('');
      setNote('');
    }
  };
  const remove = (l: LeaveRange) => void onSave(leave.filter((x) => x !== l));

  const row = (l: LeaveRange) => (
    <li key={`${l.from}-${l.to}-${l.note ?? ''}`} class="settings-leave">
      <span>
        {rangeText(l)} <span class="muted">{t('settings.leave.days', { n: leaveDays(l) })}</span>
        {l.from <= now && now <= l.to ? <span class="tag">{t('settings.leave.now')}</span> : null}
        {l.note ? <span class="settings-leave-note">{l.note}</span> : null}
      </span>
      <button type="button" class="btn btn-quiet settings-small" disabled={busy} aria-label={t('settings.leave.remove_of', { range: rangeText(l) })} onClick={() => remove(l)}>
        {t('settings.leave.remove')}
      </button>
    </li>
  );

  return (
    <section class="settings-section" aria-labelledby="settings-leave-title">
      <h2 id="settings-leave-title" class="settings-heading">
        {t('settings.leave.title')}
      </h2>
      <p class="muted">{t('settings.leave.intro')}</p>
      {current.length ? <ul class="settings-list">{current.map(row)}</ul> : <p class="muted">{t('settings.leave.none')}</p>}
      <form class="settings-leave-form" onSubmit={(e) => void add(e)} noValidate>
        <div class="field">
          <label htmlFor="leave-from">{t('settings.leave.from')}</label>
          <input
            id="leave-from"
            class="input"
            type="date"
            value={from}
            min={now}
            onInput={(e) => {
              const v = (e.currentTarget as HTMLInputElement).value;
              setFrom(v);
              if (!to || to < v) setTo(v);
            }}
            required
          />
        </div>
        <div class="field">
          <label htmlFor="leave-to">{t('settings.leave.to')}</label>
          <input id="leave-to" class="input" type="date" value={to} min={from || now} onInput={(e) => setTo((e.currentTarget as HTMLInputElement).value)} required />
        </div>
        <div class="field settings-grow">
          <label htmlFor="leave-note">{t('settings.leave.note')}</label>
          <input id="leave-note" class="input" value={note} maxLength={200} onInput={(e) => setNote((e.currentTarget as HTMLInputElement).value)} />
        </div>
        <button type="submit" class="btn btn-secondary" disabled={busy}>
          {t('settings.leave.add')}
        </button>
      </form>
      {problem ? (
        <p class="form-error" role="alert">
          {t(problem)}
        </p>
      ) : null}
      {past.length ? (
        <details class="settings-past">
          <summary>{t('settings.leave.past')}</summary>
          <ul class="settings-list">{past.map(row)}</ul>
        </details>
      ) : null}
    </section>
  );
}
