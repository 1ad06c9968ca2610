// 值班表: the duty roster — who is on duty when (Beijing time), with a note; add a slot for
// a person found in the directory, delete one after confirming.

import { Fragment } from 'preact';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Request } from '../../../api';
import { searchPeople } from '../../../directory/load';
import { toUiError, type UiError } from '../../../errors';
import { locale, t, type MessageKey } from '../../../i18n';
import { ErrorText, PeopleSearchBox } from '../../common';
import { useNow, usePeopleSearch } from '../../hooks';
import type { QuietAdminApi } from '../../../quiet/api';
import { rangeText } from '../../../quiet/beijing';
import { checkDuty, dutyBody, emptyDutyForm, isActive, MAX_DUTY_DAYS, MAX_DUTY_NOTE, splitSlots, type DutyForm, type DutyProblem, type DutyProblems } from '../../../quiet/duty';
import { namesFor, type Names } from '../../../quiet/names';
import type { DutySlot } from '../../../quiet/types';
import { ConfirmBar, StatusLine } from '../shared';

const SEARCH_LIMIT = 20;
/** How far back ended slots are listed. */
const PAST_DAYS = 7;

function problemText(p: DutyProblem | undefined): string | undefined {
  if (!p) return undefined;
  const keys: Record<DutyProblem, MessageKey> = {
    required: 'quiet.duty.p_required',
    date_format: 'quiet.duty.p_date_format',
    time_format: 'quiet.duty.p_time_format',
    order: 'quiet.duty.p_order',
    too_long: 'quiet.duty.p_too_long',
    past: 'quiet.duty.p_past',
    note_too_long: 'quiet.duty.p_note_too_long',
  };
  return t(keys[p], { days: MAX_DUTY_DAYS, max: MAX_DUTY_NOTE });
}

export function DutySection({ api, request }: { api: QuietAdminApi; request: Request }) {
  const [slots, setSlots] = useState<DutySlot[]>();
  const [loadError, setLoadError] = useState<UiError>();
  const [names, setNames] = useState<Names>(new Map());
  const [status, setStatus] = useState<string>();
  const [confirming, setConfirming] = useState<number>();
  const [deleting, setDeleting] = useState(false);
  const [deleteError, setDeleteError] = useState<UiError>();
  const now = useNow(60_000);
  const headingRef = useRef<HTMLHeadingElement>(null);

  const load = () => {
    setLoadError(undefined);
    api.duty(new Date(Date.now() - PAST_DAYS * 86_400_000)).then(setSlots, (e: unknown) => setLoadError(toUiError(e, Date.now())));
  };
  useEffect(load, [api]);
  // The server names each slot's person; the directory is read only for a slot it could not name.
  const unnamed = (slots ?? []).some((s) => !s.display_name);
  useEffect(() => {
    if (unnamed) namesFor(request).then(setNames, () => undefined);
  }, [request, unnamed]);

  const nameOf = (s: DutySlot) => s.display_name || names.get(s.user_id) || t('quiet.duty.someone', { id: s.user_id });
  const { current, past } = useMemo(() => splitSlots(slots ?? [], now), [slots, now]);

  const remove = async (s: DutySlot) => {
    setDeleting(true);
    setDeleteError(undefined);
    try {
      await api.deleteDuty(s.id);
      setSlots((xs) => xs?.filter((x) => x.id !== s.id));
      setConfirming(undefined);
      setStatus(t('quiet.duty.deleted'));
      headingRef.current?.focus();
    } catch (e) {
      setDeleteError(toUiError(e, Date.now()));
    } finally {
      setDeleting(false);
    }
  };

  const table = (list: DutySlot[]) => (
    <div class="adm-table-box">
      <table class="adm-table quiet-duty">
        <thead>
          <tr>
            <th scope="col">{t('quiet.duty.col_person')}</th>
            <th scope="col">{t('quiet.duty.col_time')}</th>
            <th scope="col">{t('quiet.duty.col_note')}</th>
            <th scope="col" class="adm-cell-action">
              {t('quiet.duty.col_actions')}
            </th>
          </tr>
        </thead>
        <tbody>
          {list.map((s) => {
            const name = nameOf(s);
            const time = rangeText(s.start, s.end, now, locale.get());
            return (
              <Fragment key={s.id}>
                <tr>
                  <th scope="row" data-label={t('quiet.duty.col_person')}>
                    <span>
                      {name}
                      {isActive(s, now) ? <span class="tag">{t('quiet.duty.active')}</span> : null}
                    </span>
                  </th>
                  <td class="quiet-nowrap" data-label={t('quiet.duty.col_time')}>
                    {time}
                  </td>
                  <td data-label={t('quiet.duty.col_note')}>{s.note ?? ''}</td>
                  <td class="adm-cell-action">
                    <button
                      type="button"
                      class="btn btn-secondary adm-btn-small"
                      aria-label={t('quiet.duty.delete_of', { name, time })}
                      aria-expanded={confirming === s.id}
                      onClick={() => {
                        setConfirming(s.id);
                        setDeleteError(undefined);
                        setStatus(undefined);
                      }}
                    >
                      {t('quiet.duty.delete')}
                    </button>
                  </td>
                </tr>
                {confirming === s.id ? (
                  <tr>
                    <td colSpan={4} class="adm-cell-action quiet-confirm-cell">
                      <ConfirmBar
                        text={t('quiet.duty.delete_confirm', { name, time })}
                        confirmLabel={t('quiet.duty.delete')}
                        busy={deleting}
                        onConfirm={() => void remove(s)}
                        onCancel={() => setConfirming(undefined)}
                      />
                      <ErrorText id="quiet-duty-delete-error" error={deleteError} />
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );

  return (
    <section class="quiet-section" aria-labelledby="quiet-duty-title">
      <h2 id="quiet-duty-title" class="adm-h2" tabIndex={-1} ref={headingRef}>
        {t('quiet.duty.title')}
      </h2>
      <p class="muted">{t('quiet.duty.intro')}</p>
      {loadError ? (
        <div class="adm-stack">
          <ErrorText id="quiet-duty-load-error" error={loadError} />
          <div>
            <button type="button" class="btn btn-secondary" onClick={load}>
              {t('quiet.retry')}
            </button>
          </div>
        </div>
      ) : !slots ? (
        <p class="muted">{t('quiet.loading')}</p>
      ) : current.length === 0 ? (
        <p class="adm-empty">{t('quiet.duty.empty')}</p>
      ) : (
        table(current)
      )}
      {past.length ? (
        <details class="adm-help">
          <summary>{t('quiet.duty.past', { n: past.length })}</summary>
          {table(past)}
        </details>
      ) : null}
      <StatusLine text={status} />
      <AddDuty
        api={api}
        request={request}
        onAdded={(slot, name) => {
          if (slot) setSlots((xs) => [...(xs ?? []), slot]);
          else load();
          setStatus(t('quiet.duty.added', { name }));
        }}
      />
    </section>
  );
}

function AddDuty({ api, request, onAdded }: { api: QuietAdminApi; request: Request; onAdded: (slot: DutySlot | undefined, name: string) => void }) {
  const [form, setForm] = useState<DutyForm>(() => emptyDutyForm(Date.now()));
  const [problems, setProblems] = useState<DutyProblems>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UiError>();
  const set = (v: Partial<DutyForm>) => setForm((f) => ({ ...f, ...v }));
  const id = 'quiet-duty-add';

  const submit = async (e: Event) => {
    e.preventDefault();
    const found = checkDuty(form, Date.now());
    setProblems(found);
    setError(undefined);
    const first = (['person', 'start', 'end', 'note'] as const).find((f) => found[f]);
    if (first) {
      document.getElementById(first === 'person' ? `${id}-q` : first === 'note' ? `${id}-note` : `${id}-${first}-date`)?.focus();
      return;
    }
    setBusy(true);
    try {
      const slot = await api.addDuty(dutyBody(form));
      onAdded(slot, form.userName ?? '');
      setForm((f) => ({ ...emptyDutyForm(Date.now()), startDate: f.startDate, endDate: f.endDate }));
      setProblems({});
    } catch (err) {
      setError(toUiError(err, Date.now()));
    } finally {
      setBusy(false);
    }
  };

  const when = (which: 'start' | 'end') => {
    const prob = problemText(problems[which]);
    const pid = `${id}-${which}-problem`;
    return (
      <fieldset class="adm-fieldset quiet-when">
        <legend class="adm-legend">{t(which === 'start' ? 'quiet.duty.start' : 'quiet.duty.end')}</legend>
        <div class="quiet-when-fields">
          <div class="field">
            <label htmlFor={`${id}-${which}-date`}>{t(which === 'start' ? 'quiet.duty.start_date' : 'quiet.duty.end_date')}</label>
            <input
              id={`${id}-${which}-date`}
              class="input"
              type="date"
              value={which === 'start' ? form.startDate : form.endDate}
              aria-invalid={prob ? 'true' : undefined}
              aria-describedby={prob ? pid : undefined}
              onInput={(e) => set(which === 'start' ? { startDate: (e.currentTarget as HTMLInputElement).value } : { endDate: (e.currentTarget as HTMLInputElement).value })}
            />
          </div>
          <div class="field">
            <label htmlFor={`${id}-${which}-time`}>{t(which === 'start' ? 'quiet.duty.start_time' : 'quiet.duty.end_time')}</label>
            <input
              id={`${id}-${which}-time`}
              class="input quiet-time"
              type="time"
              step={60}
              value={which === 'start' ? form.startTime : form.endTime}
              aria-invalid={prob ? 'true' : undefined}
              aria-describedby={prob ? pid : undefined}
              onInput={(e) => set(which === 'start' ? { startTime: (e.currentTarget as HTMLInputElement).value } : { endTime: (e.currentTarget as HTMLInputElement).value })}
            />
          </div>
        </div>
        {prob ? (
          <p id={pid} class="adm-field-problem">
            {prob}
          </p>
        ) : null}
      </fieldset>
    );
  };

  const noteProblem = problemText(problems.note);
  return (
    <form class="panel adm-form quiet-add" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} class="adm-h3">
        {t('quiet.duty.add_title')}
      </h3>
      <PersonPicker
        request={request}
        idPrefix={id}
        chosen={form.userId ? { id: form.userId, name: form.userName ?? '' } : undefined}
        problem={problems.person ? t('quiet.duty.p_person') : undefined}
        onChoose={(p) => set({ userId: p?.id, userName: p?.name })}
      />
      {when('start')}
      {when('end')}
      <div class="field">
        <label htmlFor={`${id}-note`}>{t('quiet.duty.note')}</label>
        <input
          id={`${id}-note`}
          class="input"
          type="text"
          value={form.note}
          maxLength={MAX_DUTY_NOTE}
          aria-invalid={noteProblem ? 'true' : undefined}
          aria-describedby={`${id}-note-hint`}
          onInput={(e) => set({ note: (e.currentTarget as HTMLInputElement).value })}
        />
        <p id={`${id}-note-hint`} class="field-hint">
          {noteProblem ?? t('quiet.duty.note_hint', { max: MAX_DUTY_NOTE })}
        </p>
      </div>
      <ErrorText id={`${id}-error`} error={error} />
      <div class="adm-actions">
        <button type="submit" class="btn btn-primary" disabled={busy} aria-busy={busy}>
          {busy ? t('quiet.duty.adding') : t('quiet.duty.add')}
        </button>
      </div>
    </form>
  );
}

/** Find a person by name or username and choose one. */
function PersonPicker(p: {
  request: Request;
  idPrefix: string;
  chosen?: { id: number; name: string };
  problem?: string;
  onChoose: (person: { id: number; name: string } | undefined) => void;
}) {
  const find = useCallback((q: string) => searchPeople(p.request, q, SEARCH_LIMIT), [p.request]);
  const search = usePeopleSearch(find);
  const { results, searching } = search;
  const id = `${p.idPrefix}-q`;

  if (p.chosen) {
    return (
      <div class="field">
        <span class="quiet-label">{t('quiet.duty.person')}</span>
        <div class="adm-actions">
          <span id={id} tabIndex={-1} class="quiet-chosen">
            {t('quiet.duty.chosen', { name: p.chosen.name })}
          </span>
          <button
            type="button"
            class="btn btn-secondary adm-btn-small"
            onClick={() => {
              p.onChoose(undefined);
              setTimeout(() => document.getElementById(id)?.focus(), 0);
            }}
          >
            {t('quiet.duty.change_person')}
          </button>
        </div>
      </div>
    );
  }

  return (
    <div class="field">
      <label htmlFor={id}>{t('quiet.duty.search')}</label>
      <PeopleSearchBox id={id} value={search.text} describedBy={`${id}-hint`} onInput={search.setText} invalid={!!p.problem} />
      <p id={`${id}-hint`} class={p.problem ? 'adm-field-problem' : 'field-hint'}>
        {p.problem ?? t('quiet.duty.search_hint')}
      </p>
      <p class="muted adm-small" role="status">
        {searching ? t('quiet.duty.searching') : results && results.length === 0 ? t('quiet.duty.no_results') : ''}
      </p>
      {search.error ? <p class="form-error">{t('quiet.duty.search_failed')}</p> : null}
      {results && results.length ? (
        <ul class="plain-list quiet-results" aria-label={t('quiet.duty.results')}>
          {results.map((r) => {
            const name = r.display_name || r.username;
            return (
              <li key={r.id} class="quiet-result">
                <span>
                  {name}
                  <span class="muted adm-small"> {[r.username, r.title].filter(Boolean).join(' · ')}</span>
                </span>
                <button
                  type="button"
                  class="btn btn-secondary adm-btn-small"
                  aria-label={`${t('quiet.duty.pick')} ${name}`}
                  onClick={() => {
                    p.onChoose({ id: r.id, name });
                    search.clear();
                  }}
                >
                  {t('quiet.duty.pick')}
                </button>
              </li>
            );
          })}
        </ul>
      ) : null}
    </div>
  );
}
