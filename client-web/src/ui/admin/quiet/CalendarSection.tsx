// 节假日安排: the official calendar of the current and the next year — each holiday with
// its days off and make-up working days, the source line, a month view — and the upload
// of a year's calendar file (PUT /admin/calendar/{year}) with the server's objections.

import { useMemo, useState } from 'preact/hooks';
import type { UiError } from '../../../errors';
import { locale, t, type MessageKey } from '../../../i18n';
import { ErrorText } from '../../common';
import type { QuietAdminApi } from '../../../quiet/api';
import { parseDate } from '../../../quiet/beijing';
import { describeFieldPath, holidayRows, indexYear, monthGrid, rangesText, readCalendarFile, shortDate, type FileProblem, type GridCell } from '../../../quiet/calendar';
import type { YearFile } from '../../../quiet/types';
import { StatusLine } from '../shared';
import { refusal, type Refusal } from './serverError';

export interface YearState {
  year: number;
  calendar?: YearFile;
  origin?: 'embedded' | 'uploaded';
  loading: boolean;
  error?: UiError;
}

const zh = () => locale.get() === 'zh-CN';

export function CalendarSection(p: { api: QuietAdminApi; years: YearState[]; onRetry: (year: number) => void; onUploaded: (year: number) => void }) {
  return (
    <section class="quiet-section" aria-labelledby="quiet-calendar-title">
      <h2 id="quiet-calendar-title" class="adm-h2">
        {t('quiet.calendar.title')}
      </h2>
      <p class="muted">{t('quiet.calendar.intro')}</p>
      {p.years.map((y) => (
        <YearView key={y.year} y={y} onRetry={() => p.onRetry(y.year)} />
      ))}
      <Upload api={p.api} known={p.years.filter((y) => y.calendar).map((y) => y.year)} onUploaded={p.onUploaded} />
    </section>
  );
}

function YearView({ y, onRetry }: { y: YearState; onRetry: () => void }) {
  const id = `quiet-year-${y.year}`;
  return (
    <div class="quiet-year" role="group" aria-labelledby={id}>
      <h3 id={id} class="adm-h3">
        {t('quiet.calendar.year', { year: y.year })}
      </h3>
      {y.loading && !y.calendar ? (
        <p class="muted">{t('quiet.loading')}</p>
      ) : y.error ? (
        <div class="adm-stack">
          <ErrorText id={`${id}-error`} error={y.error} />
          <div>
            <button type="button" class="btn btn-secondary" onClick={onRetry}>
              {t('quiet.retry')}
            </button>
          </div>
        </div>
      ) : !y.calendar ? (
        <p class="adm-note">{t('quiet.calendar.missing', { year: y.year })}</p>
      ) : (
        <YearCalendar file={y.calendar} origin={y.origin} />
      )}
    </div>
  );
}

function YearCalendar({ file, origin }: { file: YearFile; origin?: 'embedded' | 'uploaded' }) {
  const rows = useMemo(() => holidayRows(file), [file]);
  const z = zh();
  return (
    <>
      <p class="quiet-source">
        {t('quiet.calendar.source', { source: file.source })}
        {origin ? t(origin === 'embedded' ? 'quiet.calendar.origin_embedded' : 'quiet.calendar.origin_uploaded') : ''}
      </p>
      <div class="adm-table-box">
        <table class="adm-table quiet-holidays">
          <thead>
            <tr>
              <th scope="col">{t('quiet.calendar.col_name')}</th>
              <th scope="col">{t('quiet.calendar.col_off')}</th>
              <th scope="col">{t('quiet.calendar.col_days')}</th>
              <th scope="col">{t('quiet.calendar.col_work')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.name}>
                <th scope="row" data-label={t('quiet.calendar.col_name')}>
                  {r.name}
                </th>
                <td data-label={t('quiet.calendar.col_off')}>{r.off.length ? <span class="quiet-off">{rangesText(r.off, z)}</span> : <span class="muted">{t('quiet.calendar.none')}</span>}</td>
                <td class="quiet-num" data-label={t('quiet.calendar.col_days')}>{r.offDays ? t('quiet.calendar.days', { n: r.offDays }) : '—'}</td>
                <td data-label={t('quiet.calendar.col_work')}>
                  {r.work.length ? (
                    <span class="quiet-work">{r.work.map((d) => shortDate(parseDate(d)!, z)).join(z ? '、' : ', ')}</span>
                  ) : (
                    <span class="muted">{t('quiet.calendar.none')}</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <MonthView file={file} />
    </>
  );
}

const WEEK_KEYS: MessageKey[] = [
  'quiet.calendar.wd_short_mon',
  'quiet.calendar.wd_short_tue',
  'quiet.calendar.wd_short_wed',
  'quiet.calendar.wd_short_thu',
  'quiet.calendar.wd_short_fri',
  'quiet.calendar.wd_short_sat',
  'quiet.calendar.wd_short_sun',
];

/** Twelve month grids, drawn only once the administrator opens them. */
function MonthView({ file }: { file: YearFile }) {
  const [open, setOpen] = useState(false);
  const index = useMemo(() => indexYear(file), [file]);
  return (
    <details class="adm-help quiet-months-box" onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
      <summary>{t('quiet.calendar.show_months', { year: file.year })}</summary>
      {open ? (
        <>
          <p class="quiet-legend">
            <span class="quiet-legend-item quiet-k-holiday">{t('quiet.calendar.legend_holiday')}</span>
            <span class="quiet-legend-item quiet-k-workday">{t('quiet.calendar.legend_workday')}</span>
            <span class="quiet-legend-item quiet-k-weekend">{t('quiet.calendar.legend_weekend')}</span>
          </p>
          <div class="quiet-months">
            {Array.from({ length: 12 }, (_, i) => (
              <Month key={i} year={file.year} month={i + 1} weeks={monthGrid(file.year, i + 1, index)} />
            ))}
          </div>
        </>
      ) : null}
    </details>
  );
}

function Month({ month, weeks }: { year: number; month: number; weeks: GridCell[][] }) {
  return (
    <table class="quiet-month">
      <caption>{t('quiet.calendar.month', { month: zh() ? month : ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][month - 1]! })}</caption>
      <thead>
        <tr>
          {WEEK_KEYS.map((k) => (
            <th key={k} scope="col">
              {t(k)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {weeks.map((w) => (
          <tr key={w[0]!.date}>
            {w.map((c) => (c.inMonth ? <Cell key={c.date} c={c} /> : <td key={c.date} class="quiet-out" />))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Cell({ c }: { c: GridCell }) {
  const date = shortDate(parseDate(c.date)!, zh());
  const k = c.info.kind;
  const label =
    k === 'holiday'
      ? t('quiet.calendar.cell_holiday', { date, name: c.info.name ?? '' })
      : k === 'workday'
        ? t('quiet.calendar.cell_workday', { date, name: c.info.name ?? '' })
        : k === 'weekend'
          ? t('quiet.calendar.cell_weekend', { date })
          : t('quiet.calendar.cell_ordinary', { date });
  return (
    <td class={`quiet-k-${k}`}>
      <span aria-hidden="true">{c.day}</span>
      {k === 'holiday' || k === 'workday' ? (
        <span class="quiet-mark" aria-hidden="true">
          {t(k === 'holiday' ? 'quiet.calendar.mark_holiday' : 'quiet.calendar.mark_workday')}
        </span>
      ) : null}
      <span class="visually-hidden">{label}</span>
    </td>
  );
}

// ---- upload ----

interface Chosen {
  name: string;
  text: string;
  year: number;
  file: unknown;
}

type LocalProblem = FileProblem | { kind: 'read_failed' };

function localProblemText(p: LocalProblem): string {
  switch (p.kind) {
    case 'too_large':
      return t('quiet.calendar.p_too_large');
    case 'not_json':
      return t('quiet.calendar.p_not_json', { detail: p.detail });
    case 'not_object':
      return t('quiet.calendar.p_not_object');
    case 'no_year':
      return t('quiet.calendar.p_no_year');
    case 'read_failed':
      return t('quiet.calendar.p_read_failed');
  }
}

function countDates(file: unknown, key: 'holidays' | 'workdays'): number {
  const list = (file as Record<string, unknown>)[key];
  if (!Array.isArray(list)) return 0;
  return list.reduce((n: number, p: unknown) => n + (p && typeof p === 'object' && Array.isArray((p as { dates?: unknown }).dates) ? (p as { dates: unknown[] }).dates.length : 0), 0);
}

const EXAMPLE = `{
  "year": 2026,
  "source": "国务院办公厅关于2026年部分节假日安排的通知，2025年11月4日发布",
  "holidays": [
    {"name": "元旦", "dates": ["2026-01-01", "2026-01-02", "2026-01-03"]}
  ],
  "workdays": [
    {"name": "元旦调休", "dates": ["2026-01-04"]}
  ]
}`;

function Upload({ api, known, onUploaded }: { api: QuietAdminApi; known: number[]; onUploaded: (year: number) => void }) {
  const [chosen, setChosen] = useState<Chosen>();
  const [problem, setProblem] = useState<LocalProblem>();
  const [busy, setBusy] = useState(false);
  const [refused, setRefused] = useState<Refusal>();
  const [status, setStatus] = useState<string>();

  const choose = async (input: HTMLInputElement) => {
    setChosen(undefined);
    setProblem(undefined);
    setRefused(undefined);
    setStatus(undefined);
    const f = input.files?.[0];
    if (!f) return;
    let text: string;
    try {
      text = await f.text();
    } catch {
      setProblem({ kind: 'read_failed' });
      return;
    }
    const r = readCalendarFile(text);
    if (r.ok) setChosen({ name: f.name, text, year: r.year, file: r.file });
    else setProblem(r.problem);
  };

  const upload = async () => {
    if (!chosen) return;
    setBusy(true);
    setRefused(undefined);
    try {
      await api.uploadCalendar(chosen.year, chosen.text);
      setStatus(t('quiet.calendar.uploaded', { year: chosen.year }));
      onUploaded(chosen.year);
      setChosen(undefined);
      const input = document.getElementById('quiet-calendar-file') as HTMLInputElement | null;
      if (input) input.value = '';
    } catch (err) {
      setRefused(refusal(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="panel adm-form quiet-upload" role="group" aria-labelledby="quiet-upload-title">
      <h3 id="quiet-upload-title" class="adm-h3">
        {t('quiet.calendar.upload_title')}
      </h3>
      <p>{t('quiet.calendar.upload_intro')}</p>
      <div class="field">
        <label htmlFor="quiet-calendar-file">{t('quiet.calendar.file')}</label>
        <input
          id="quiet-calendar-file"
          type="file"
          class="adm-file"
          accept=".json,application/json"
          aria-describedby="quiet-calendar-file-hint"
          disabled={busy}
          onChange={(e) => void choose(e.currentTarget as HTMLInputElement)}
        />
        <p id="quiet-calendar-file-hint" class="field-hint">
          {t('quiet.calendar.file_hint')}
        </p>
      </div>
      {chosen ? (
        <p class="muted">
          {t('quiet.calendar.chosen', { name: chosen.name, year: chosen.year, off: countDates(chosen.file, 'holidays'), work: countDates(chosen.file, 'workdays') })}
          {known.includes(chosen.year) ? ` ${t('quiet.calendar.replaces', { year: chosen.year })}` : ''}
        </p>
      ) : null}
      <p class="form-error" role="alert" hidden={!problem}>
        {problem ? localProblemText(problem) : ''}
      </p>
      {refused?.field ? (
        <div class="form-error quiet-refused" role="alert">
          <p>{t('quiet.calendar.p_server_field', { field: describeFieldPath(refused.field, chosen?.file, zh()) })}</p>
          {refused.detail ? <p class="adm-mono adm-small">{t('quiet.calendar.p_server_detail', { detail: refused.detail })}</p> : null}
        </div>
      ) : (
        <ErrorText id="quiet-upload-error" error={refused?.error} />
      )}
      <div class="adm-actions">
        <button type="button" class="btn btn-primary" disabled={!chosen || busy} aria-busy={busy} onClick={() => void upload()}>
          {busy ? t('quiet.calendar.uploading') : chosen ? t('quiet.calendar.upload', { year: chosen.year }) : t('quiet.calendar.upload_none')}
        </button>
      </div>
      <StatusLine text={status} />
      <details class="adm-help">
        <summary>{t('quiet.calendar.format_title')}</summary>
        <ul>
          <li>{t('quiet.calendar.format_fields')}</li>
          <li>{t('quiet.calendar.format_dates')}</li>
        </ul>
        <p>{t('quiet.calendar.format_example')}</p>
        <pre class="adm-pre" tabIndex={0}>
          {EXAMPLE}
        </pre>
      </details>
    </div>
  );
}
