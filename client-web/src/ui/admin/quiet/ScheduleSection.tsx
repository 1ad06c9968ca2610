// 作息时间: the organisation's weekly schedule, Monday to Sunday, each day with its spans,
// edited here and saved with PUT /admin/work-schedule.

import { useMemo, useState } from 'preact/hooks';
import { ErrorText } from '../../common';
import { t, type MessageKey } from '../../../i18n';
import type { QuietAdminApi } from '../../../quiet/api';
import { checkSchedule, dayMinutes, defaultSchedule, hasProblems, nextSpan, normalizeClock, sameSchedule, scheduleBody, type SpanProblem } from '../../../quiet/schedule';
import { DAY_KEYS, type DayKey, type Span, type WeekSchedule } from '../../../quiet/types';
import { StatusLine } from '../shared';
import { refusal, type Refusal } from './serverError';

const PROBLEM_KEYS: Record<SpanProblem, MessageKey> = {
  start_format: 'quiet.schedule.p_start_format',
  end_format: 'quiet.schedule.p_end_format',
  order: 'quiet.schedule.p_order',
  overlap: 'quiet.schedule.p_overlap',
};

export const dayName = (d: DayKey) => t(`quiet.day.${d}` as MessageKey);

function totalText(min: number): string {
  const h = Math.floor(min / 60);
  const m = min % 60;
  if (h === 0) return t('quiet.schedule.day_total_m', { m });
  return m ? t('quiet.schedule.day_total_hm', { h, m }) : t('quiet.schedule.day_total', { h });
}

export function ScheduleSection(p: { api: QuietAdminApi; saved: WeekSchedule; timeZone: string; onSaved: (s: WeekSchedule) => void }) {
  const [draft, setDraft] = useState<WeekSchedule>(p.saved);
  // Problems are shown once the administrator tries to save, then follow every edit.
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<string>();
  const [refused, setRefused] = useState<Refusal>();
  const problems = useMemo(() => checkSchedule(draft), [draft]);
  const changed = !sameSchedule(draft, p.saved);
  const noWork = DAY_KEYS.every((d) => draft[d].length === 0);

  const edit = (d: DayKey, spans: Span[]) => {
    setDraft((s) => ({ ...s, [d]: spans }));
    setStatus(undefined);
    setRefused(undefined);
  };

  const save = async (e: Event) => {
    e.preventDefault();
    setTried(true);
    if (noWork) return;
    if (hasProblems(problems)) {
      const first = DAY_KEYS.find((d) => problems[d]);
      if (first) {
        const i = Number(Object.keys(problems[first]!)[0]);
        document.getElementById(`quiet-${first}-${i}-${problems[first]![i] === 'end_format' ? 'end' : 'start'}`)?.focus();
      }
      return;
    }
    setBusy(true);
    setRefused(undefined);
    try {
      const body = scheduleBody(draft);
      await p.api.saveSchedule(body, p.timeZone);
      setDraft(body);
      p.onSaved(body);
      setTried(false);
      setStatus(t('quiet.schedule.saved'));
    } catch (err) {
      setRefused(refusal(err));
    } finally {
      setBusy(false);
    }
  };

  // The server names a bad span as week.tue[0].start, or a day as week.tue.
  const dayMatch = /^week\.(mon|tue|wed|thu|fri|sat|sun)\b/.exec(refused?.field ?? '');
  const refusedDay = dayMatch ? (dayMatch[1] as DayKey) : undefined;

  return (
    <section class="quiet-section" aria-labelledby="quiet-schedule-title">
      <h2 id="quiet-schedule-title" class="adm-h2">
        {t('quiet.schedule.title')}
      </h2>
      <p class="muted">{t('quiet.schedule.intro')}</p>
      <p class="muted adm-small">{t('quiet.schedule.zone', { zone: p.timeZone === 'Asia/Shanghai' ? t('quiet.schedule.zone_beijing', { zone: p.timeZone }) : p.timeZone })}</p>
      <form class="quiet-week" onSubmit={save} noValidate aria-describedby="quiet-time-hint">
        <p id="quiet-time-hint" class="field-hint">
          {t('quiet.schedule.time_hint')}
        </p>
        {DAY_KEYS.map((d) => (
          <DayRow key={d} day={d} spans={draft[d]} problems={tried ? problems[d] : undefined} onChange={(s) => edit(d, s)} highlight={refusedDay === d} />
        ))}
        {noWork ? (
          <p class="adm-note" role="alert">
            {t('quiet.schedule.no_workdays')}
          </p>
        ) : null}
        <p class="form-error" role="alert" hidden={!(tried && hasProblems(problems))}>
          {tried && hasProblems(problems) ? t('quiet.schedule.problems') : ''}
        </p>
        {refused && refusedDay ? (
          <p class="form-error" role="alert">
            {t('quiet.schedule.server_day', { day: dayName(refusedDay), detail: refused.detail ?? '' })}
          </p>
        ) : (
          <ErrorText id="quiet-schedule-error" error={refused?.error} />
        )}
        <div class="adm-actions">
          <button type="submit" class="btn btn-primary" disabled={busy || !changed || noWork} aria-busy={busy}>
            {busy ? t('quiet.schedule.saving') : t('quiet.schedule.save')}
          </button>
          {changed ? (
            <button type="button" class="btn btn-secondary" disabled={busy} onClick={() => { setDraft(p.saved); setTried(false); setRefused(undefined); }}>
              {t('quiet.schedule.undo')}
            </button>
          ) : null}
          {!sameSchedule(draft, defaultSchedule()) ? (
            <button type="button" class="btn btn-secondary" disabled={busy} onClick={() => { setDraft(defaultSchedule()); setStatus(undefined); setRefused(undefined); }}>
              {t('quiet.schedule.reset_default')}
            </button>
          ) : null}
        </div>
        {changed && !busy ? <p class="muted adm-small">{t('quiet.schedule.unsaved')}</p> : null}
        <StatusLine text={status} />
      </form>
    </section>
  );
}

function DayRow(p: { day: DayKey; spans: Span[]; problems?: Partial<Record<number, SpanProblem>>; highlight: boolean; onChange: (s: Span[]) => void }) {
  const name = dayName(p.day);
  const set = (i: number, v: Partial<Span>) => p.onChange(p.spans.map((s, k) => (k === i ? { ...s, ...v } : s)));
  const next = nextSpan(p.spans);
  const minutes = dayMinutes(p.spans);
  return (
    <fieldset class={p.highlight ? 'quiet-day quiet-day-bad' : 'quiet-day'}>
      <legend class="quiet-day-name">{name}</legend>
      <div class="quiet-day-body">
        {p.spans.length === 0 ? <p class="muted quiet-rest">{t('quiet.schedule.day_rest')}</p> : null}
        <ul class="plain-list quiet-spans">
          {p.spans.map((s, i) => {
            const problem = p.problems?.[i];
            const pid = `quiet-${p.day}-${i}-problem`;
            const n = i + 1;
            return (
              <li key={i} class="quiet-span">
                <div class="quiet-span-fields">
                  <ClockInput
                    id={`quiet-${p.day}-${i}-start`}
                    label={t('quiet.schedule.start_of', { day: name, n })}
                    value={s.start}
                    invalid={problem === 'start_format' || problem === 'order' || problem === 'overlap'}
                    describedBy={problem ? pid : undefined}
                    onInput={(start) => set(i, { start })}
                  />
                  <span aria-hidden="true" class="quiet-dash">
                    –
                  </span>
                  <ClockInput
                    id={`quiet-${p.day}-${i}-end`}
                    label={t('quiet.schedule.end_of', { day: name, n })}
                    value={s.end}
                    invalid={problem === 'end_format' || problem === 'order'}
                    describedBy={problem ? pid : undefined}
                    onInput={(end) => set(i, { end })}
                  />
                  <button
                    type="button"
                    class="btn btn-secondary adm-btn-small"
                    aria-label={t('quiet.schedule.remove_of', { day: name, n, start: s.start, end: s.end })}
                    onClick={() => p.onChange(p.spans.filter((_, k) => k !== i))}
                  >
                    {t('quiet.schedule.remove')}
                  </button>
                </div>
                {problem ? (
                  <p id={pid} class="adm-field-problem">
                    {t(PROBLEM_KEYS[problem])}
                  </p>
                ) : null}
              </li>
            );
          })}
        </ul>
        <div class="quiet-day-foot">
          {next ? (
            <button type="button" class="btn btn-secondary adm-btn-small" aria-label={t('quiet.schedule.add_to', { day: name })} onClick={() => p.onChange([...p.spans, next])}>
              {t('quiet.schedule.add')}
            </button>
          ) : (
            <span class="muted adm-small">{t('quiet.schedule.day_full')}</span>
          )}
          {minutes > 0 ? <span class="muted adm-small">{totalText(minutes)}</span> : null}
        </div>
      </div>
    </fieldset>
  );
}

function ClockInput(p: { id: string; label: string; value: string; invalid: boolean; describedBy?: string; onInput: (v: string) => void }) {
  return (
    <input
      id={p.id}
      class="input quiet-clock"
      type="text"
      inputMode="text"
      autocomplete="off"
      spellcheck={false}
      maxLength={5}
      placeholder="08:30"
      aria-label={p.label}
      aria-invalid={p.invalid ? 'true' : undefined}
      aria-describedby={p.describedBy}
      value={p.value}
      onInput={(e) => p.onInput((e.currentTarget as HTMLInputElement).value)}
      onBlur={(e) => {
        const v = (e.currentTarget as HTMLInputElement).value;
        const n = normalizeClock(v);
        if (n !== v) p.onInput(n);
      }}
    />
  );
}
