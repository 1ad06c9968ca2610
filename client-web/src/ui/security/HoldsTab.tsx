// 法律保全: placing a hold (scope, target, a Beijing date range, reason, case number), the
// list of holds with search and status, 申请解除 and 会签解除 with who did what when.
// The auditor sees the list and countersigns; only the officer places and asks release.

import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Request } from '../../api';
import { searchPeople } from '../../directory/load';
import type { Person } from '../../directory/types';
import { describeError, toUiError, type UiError } from '../../errors';
import { formatDate, formatDateTime } from '../../format';
import { t, type MessageKey } from '../../i18n';
import { countersign, createHold, listChannelSecrecy, listHolds, requestRelease } from '../../secrecy/api';
import { filterChannels, ceilingRow } from '../../secrecy/ceilings';
import {
  checkHold,
  checkNote,
  emptyHoldForm,
  filterHolds,
  holdBody,
  holdErrorText,
  holdTarget,
  mayCountersign,
  STATUS_FILTERS,
  type HoldForm,
  type HoldProblems,
  type StatusFilter,
} from '../../secrecy/holds';
import { HOLD_SCOPES, type ChannelSecrecy, type LegalHold } from '../../secrecy/types';
import { PeopleSearchBox } from '../common';
import { Modal } from '../groups/Modal';
import { useLocale, usePeopleSearch } from '../hooks';

const PROBLEM_KEYS: Record<string, MessageKey> = {
  required: 'secrecy.p_target',
  notice_id: 'secrecy.p_notice_id',
  date: 'secrecy.p_date',
  range: 'secrecy.p_range',
  reason: 'secrecy.p_reason',
  case_no: 'secrecy.p_case',
  control: 'secrecy.p_text_control',
};

export function HoldsTab({ request, meId, canManage }: { request: Request; meId: number; canManage: boolean }) {
  const l = useLocale();
  const [holds, setHolds] = useState<LegalHold[] | undefined>();
  const [loadError, setLoadError] = useState<UiError | undefined>();
  const [done, setDone] = useState<string | undefined>();
  const load = () => {
    setLoadError(undefined);
    listHolds(request).then(setHolds, (e) => setLoadError(toUiError(e, Date.now())));
  };
  useEffect(load, [request]);
  const replace = (h: LegalHold) => setHolds((hs) => (hs?.some((x) => x.id === h.id) ? hs.map((x) => (x.id === h.id ? h : x)) : [h, ...(hs ?? [])]));

  return (
    <>
      <p class="esc-explain">{t('secrecy.holds_explain')}</p>
      {done ? (
        <p class="esc-ok" role="status">
          {done}
        </p>
      ) : null}
      {canManage ? (
        <NewHold
          request={request}
          onCreated={(h) => {
            replace(h);
            setDone(t('secrecy.hold_created', { name: h.target_name, case: h.case_no }));
          }}
        />
      ) : null}
      <section class="esc-section" aria-labelledby="sec-holds-list">
        <h2 id="sec-holds-list" class="esc-heading">
          {t('secrecy.holds_list')}
        </h2>
        {loadError ? (
          <div class="esc-row">
            <p class="form-error" role="alert">
              {holdErrorText(loadError, l, (e) => describeError(e, l))}
            </p>
            <button type="button" class="btn btn-secondary" onClick={load}>
              {t('secrecy.retry')}
            </button>
          </div>
        ) : !holds ? (
          <p class="muted" role="status">
            {t('secrecy.loading')}
          </p>
        ) : (
          <HoldList
            holds={holds}
            meId={meId}
            canManage={canManage}
            request={request}
            onChanged={(h, msg) => {
              replace(h);
              setDone(msg);
            }}
          />
        )}
      </section>
    </>
  );
}

function NewHold({ request, onCreated }: { request: Request; onCreated: (h: LegalHold) => void }) {
  const l = useLocale();
  const [form, setForm] = useState<HoldForm>(emptyHoldForm);
  const [problems, setProblems] = useState<HoldProblems>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UiError | undefined>();
  const set = (v: Partial<HoldForm>) => setForm((f) => ({ ...f, ...v }));
  const ID = 'sec-hold';

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    setError(undefined);
    const found = checkHold(form);
    setProblems(found);
    const first = (['target', 'from', 'to', 'reason', 'case_no'] as const).find((k) => found[k]);
    if (first) {
      document.getElementById(`${ID}-${first}`)?.focus();
      return;
    }
    setBusy(true);
    try {
      const h = await createHold(request, holdBody(form));
      onCreated(h);
      setForm(emptyHoldForm());
    } catch (err) {
      setError(toUiError(err, Date.now()));
    } finally {
      setBusy(false);
    }
  };

  const problem = (k: keyof HoldProblems) =>
    problems[k] ? (
      <span class="sec-problem" id={`${ID}-${k}-problem`}>
        {t(PROBLEM_KEYS[problems[k]!]!)}
      </span>
    ) : null;
  const described = (k: keyof HoldProblems, hint?: string) => [hint ?? '', problems[k] ? `${ID}-${k}-problem` : ''].filter(Boolean).join(' ') || undefined;
  const target = holdTarget(form);

  return (
    <section class="esc-section" aria-labelledby={`${ID}-title`}>
      <h2 id={`${ID}-title`} class="esc-heading">
        {t('secrecy.hold_new')}
      </h2>
      <form class="form sec-hold-form" onSubmit={submit} noValidate>
        <fieldset class="sec-inline">
          <legend class="field-label">{t('secrecy.hold_scope')}</legend>
          {HOLD_SCOPES.map((s) => (
            <label key={s} class="sec-rule">
              <input type="radio" name={`${ID}-scope`} value={s} checked={form.scope === s} onChange={() => set({ scope: s })} />
              <span>{t(`secrecy.scope_${s}` as MessageKey)}</span>
            </label>
          ))}
        </fieldset>
        {form.scope === 'channel' ? (
          <ChannelPick request={request} id={`${ID}-target`} chosen={form.channel} invalid={!!problems.target} describedBy={described('target')} onPick={(c) => set({ channel: c })} />
        ) : form.scope === 'user' ? (
          <PersonPick request={request} id={`${ID}-target`} chosen={form.person} invalid={!!problems.target} describedBy={described('target')} onPick={(p) => set({ person: p })} />
        ) : (
          <div class="field">
            <label for={`${ID}-target`}>{t('secrecy.hold_notice')}</label>
            <input
              id={`${ID}-target`}
              class="input sec-short"
              inputMode="numeric"
              value={form.noticeId}
              aria-invalid={problems.target ? true : undefined}
              aria-describedby={described('target', `${ID}-notice-hint`)}
              onInput={(e) => set({ noticeId: e.currentTarget.value })}
            />
            <span class="field-hint" id={`${ID}-notice-hint`}>
              {t('secrecy.hold_notice_hint')}
            </span>
          </div>
        )}
        {problem('target')}
        {target && form.scope !== 'notice' ? <p class="muted">{t('secrecy.hold_chosen', { name: target.name })}</p> : null}
        <div class="sec-dates">
          <div class="field">
            <label for={`${ID}-from`}>{t('secrecy.hold_from')}</label>
            <input id={`${ID}-from`} type="date" class="input" value={form.from} aria-invalid={problems.from ? true : undefined} aria-describedby={described('from', `${ID}-range-hint`)} onInput={(e) => set({ from: e.currentTarget.value })} />
            {problem('from')}
          </div>
          <div class="field">
            <label for={`${ID}-to`}>{t('secrecy.hold_to')}</label>
            <input id={`${ID}-to`} type="date" class="input" value={form.to} aria-invalid={problems.to ? true : undefined} aria-describedby={described('to', `${ID}-range-hint`)} onInput={(e) => set({ to: e.currentTarget.value })} />
            {problem('to')}
          </div>
        </div>
        <span class="field-hint" id={`${ID}-range-hint`}>
          {t('secrecy.hold_range_hint')}
        </span>
        <div class="field">
          <label for={`${ID}-case_no`}>{t('secrecy.hold_case')}</label>
          <input id={`${ID}-case_no`} class="input" value={form.caseNo} aria-invalid={problems.case_no ? true : undefined} aria-describedby={described('case_no')} onInput={(e) => set({ caseNo: e.currentTarget.value })} />
          {problem('case_no')}
        </div>
        <div class="field">
          <label for={`${ID}-reason`}>{t('secrecy.hold_reason')}</label>
          <textarea id={`${ID}-reason`} class="input" rows={3} value={form.reason} aria-invalid={problems.reason ? true : undefined} aria-describedby={described('reason')} onInput={(e) => set({ reason: e.currentTarget.value })} />
          {problem('reason')}
        </div>
        {error ? (
          <p class="form-error" role="alert">
            {holdErrorText(error, l, (x) => describeError(x, l))}
          </p>
        ) : null}
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {busy ? t('secrecy.hold_submitting') : t('secrecy.hold_submit')}
          </button>
        </div>
      </form>
    </section>
  );
}

type Target = { id: number; name: string };

function ChannelPick(p: { request: Request; id: string; chosen?: Target; invalid: boolean; describedBy?: string; onPick: (c: Target) => void }) {
  const [all, setAll] = useState<ChannelSecrecy[] | undefined>();
  const [q, setQ] = useState('');
  useEffect(() => {
    listChannelSecrecy(p.request).then(setAll, () => setAll([]));
  }, [p.request]);
  const found = q.trim() && all ? filterChannels(all.map(ceilingRow), q).slice(0, 8) : [];
  return (
    <div class="field">
      <label for={p.id}>{t('secrecy.hold_channel')}</label>
      <input id={p.id} class="input" type="search" placeholder={t('secrecy.hold_channel_search')} value={q} aria-invalid={p.invalid ? true : undefined} aria-describedby={p.describedBy} onInput={(e) => setQ(e.currentTarget.value)} />
      {found.length ? (
        <ul class="sec-pick" aria-label={t('secrecy.hold_channel')}>
          {found.map((r) => (
            <li key={r.saved.channel_id}>
              <label class="sec-rule">
                <input type="radio" name={`${p.id}-pick`} checked={p.chosen?.id === r.saved.channel_id} onChange={() => p.onPick({ id: r.saved.channel_id, name: r.saved.name })} />
                <span>
                  {r.saved.name} <span class="muted">· {t(`secrecy.kind_${r.saved.kind}` as MessageKey)}</span>
                </span>
              </label>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function PersonPick(p: { request: Request; id: string; chosen?: Target; invalid: boolean; describedBy?: string; onPick: (c: Target) => void }) {
  const find = useCallback((q: string) => searchPeople(p.request, q, 8), [p.request]);
  const { text, setText, results } = usePeopleSearch<Person>(find);
  return (
    <div class="field">
      <label for={p.id}>{t('secrecy.hold_person')}</label>
      <PeopleSearchBox id={p.id} value={text} onInput={setText} describedBy={p.describedBy ?? ''} invalid={p.invalid} />
      {results && results.length ? (
        <ul class="sec-pick" aria-label={t('secrecy.hold_person')}>
          {results.map((x) => (
            <li key={x.id}>
              <label class="sec-rule">
                <input type="radio" name={`${p.id}-pick`} checked={p.chosen?.id === x.id} onChange={() => p.onPick({ id: x.id, name: x.display_name || x.username })} />
                <span>
                  {x.display_name || x.username} {x.title ? <span class="muted">· {x.title}</span> : null}
                </span>
              </label>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function rangeText(h: LegalHold, l: ReturnType<typeof useLocale>): string {
  const d = (iso: string) => formatDate(iso, l);
  if (h.from && h.to) return t('secrecy.range_between', { from: d(h.from), to: d(h.to) });
  if (h.from) return t('secrecy.range_from', { from: d(h.from) });
  if (h.to) return t('secrecy.range_to', { to: d(h.to) });
  return t('secrecy.range_all');
}

function HoldList(p: { holds: LegalHold[]; meId: number; canManage: boolean; request: Request; onChanged: (h: LegalHold, msg: string) => void }) {
  const l = useLocale();
  const [q, setQ] = useState('');
  const [status, setStatus] = useState<StatusFilter>('all');
  const [acting, setActing] = useState<{ hold: LegalHold; kind: 'release' | 'countersign' } | undefined>();
  const shown = filterHolds(p.holds, q, status);
  return (
    <>
      <div class="sec-list-tools">
        <div class="field sec-grow">
          <label for="sec-holds-q">{t('secrecy.holds_search')}</label>
          <input id="sec-holds-q" class="input" type="search" value={q} onInput={(e) => setQ(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="sec-holds-status">{t('secrecy.holds_filter')}</label>
          <select id="sec-holds-status" class="input" value={status} onChange={(e) => setStatus(e.currentTarget.value as StatusFilter)}>
            {STATUS_FILTERS.map((s) => (
              <option key={s} value={s}>
                {s === 'all' ? t('secrecy.filter_all') : t(`secrecy.status_${s}` as MessageKey)}
              </option>
            ))}
          </select>
        </div>
      </div>
      {shown.length === 0 ? (
        <p class="muted" role="status">
          {p.holds.length ? t('secrecy.holds_none_match') : t('secrecy.holds_none')}
        </p>
      ) : (
        <ul class="sec-holds">
          {shown.map((h) => (
            <li key={h.id} class={`sec-hold sec-hold-${h.status}`} data-hold={h.id}>
              <div class="sec-hold-head">
                <span class={`sec-status sec-status-${h.status}`}>{t(`secrecy.status_${h.status}` as MessageKey)}</span>
                <span class="sec-hold-target">
                  {t(`secrecy.scope_${h.scope}` as MessageKey)}：{h.target_name}
                </span>
                <span class="esc-mono sec-hold-case">{h.case_no}</span>
              </div>
              <dl class="sec-hold-facts">
                <div>
                  <dt>{t('secrecy.hold_range')}</dt>
                  <dd>{rangeText(h, l)}</dd>
                </div>
                <div>
                  <dt>{t('secrecy.hold_reason')}</dt>
                  <dd class="sec-pre">{h.reason}</dd>
                </div>
                <div>
                  <dt>{t('secrecy.hold_created_by')}</dt>
                  <dd>{t('secrecy.who_when', { name: h.created_by_name, time: formatDateTime(h.created_at, l) })}</dd>
                </div>
                {h.release_requested_at ? (
                  <div>
                    <dt>{t('secrecy.hold_requested_by')}</dt>
                    <dd>
                      {t('secrecy.who_when', { name: h.release_requested_name ?? '', time: formatDateTime(h.release_requested_at, l) })}
                      {h.release_note ? <span class="sec-pre sec-note">{t('secrecy.hold_note', { note: h.release_note })}</span> : null}
                    </dd>
                  </div>
                ) : null}
                {h.released_at ? (
                  <div>
                    <dt>{t('secrecy.hold_released_by')}</dt>
                    <dd>{t('secrecy.who_when', { name: h.released_by_name ?? '', time: formatDateTime(h.released_at, l) })}</dd>
                  </div>
                ) : null}
              </dl>
              <div class="form-actions">
                {p.canManage && h.status === 'active' ? (
                  <button type="button" class="btn btn-secondary btn-small" onClick={() => setActing({ hold: h, kind: 'release' })}>
                    {t('secrecy.request_release')}
                  </button>
                ) : null}
                {h.status === 'release_requested' ? (
                  mayCountersign(h, p.meId) ? (
                    <button type="button" class="btn btn-primary btn-small" onClick={() => setActing({ hold: h, kind: 'countersign' })}>
                      {t('secrecy.countersign')}
                    </button>
                  ) : (
                    <span class="muted">{t('secrecy.countersign_self')}</span>
                  )
                ) : null}
              </div>
            </li>
          ))}
        </ul>
      )}
      {acting ? (
        <NoteDialog
          request={p.request}
          hold={acting.hold}
          kind={acting.kind}
          onClose={() => setActing(undefined)}
          onDone={(h) => {
            setActing(undefined);
            p.onChanged(h, acting.kind === 'release' ? t('secrecy.requested_done') : t('secrecy.released_done'));
          }}
        />
      ) : null}
    </>
  );
}

function NoteDialog(p: { request: Request; hold: LegalHold; kind: 'release' | 'countersign'; onClose: () => void; onDone: (h: LegalHold) => void }) {
  const l = useLocale();
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const [error, setError] = useState<UiError | undefined>();
  const [busy, setBusy] = useState(false);
  const h = p.hold;
  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    const bad = checkNote(note);
    setProblem(bad ? t(bad === 'note' ? 'secrecy.p_note' : 'secrecy.p_text_control') : undefined);
    if (bad) return;
    setBusy(true);
    setError(undefined);
    try {
      const done = p.kind === 'release' ? await requestRelease(p.request, h.id, note.trim()) : await countersign(p.request, h.id, note.trim());
      p.onDone(done);
    } catch (err) {
      setError(toUiError(err, Date.now()));
      setBusy(false);
    }
  };
  const intro =
    p.kind === 'release'
      ? t('secrecy.release_intro', { name: h.target_name, case: h.case_no })
      : t('secrecy.countersign_intro', { name: h.target_name, case: h.case_no, who: h.release_requested_name ?? '' });
  return (
    <Modal id="sec-hold-note" title={t(p.kind === 'release' ? 'secrecy.release_title' : 'secrecy.countersign_title')} onClose={p.onClose} size="narrow">
      <form class="form" onSubmit={submit} noValidate>
        <p>{intro}</p>
        <div class="field">
          <label for="sec-hold-note-text">{t('secrecy.note')}</label>
          <textarea id="sec-hold-note-text" class="input" rows={3} data-autofocus value={note} aria-invalid={problem ? true : undefined} aria-describedby={problem ? 'sec-hold-note-problem' : undefined} onInput={(e) => setNote(e.currentTarget.value)} />
          {problem ? (
            <span class="sec-problem" id="sec-hold-note-problem">
              {problem}
            </span>
          ) : null}
        </div>
        {error ? (
          <p class="form-error" role="alert">
            {holdErrorText(error, l, (x) => describeError(x, l))}
          </p>
        ) : null}
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {t(p.kind === 'release' ? 'secrecy.submit_release' : 'secrecy.submit_countersign')}
          </button>
          <button type="button" class="btn btn-secondary" onClick={p.onClose}>
            {t('secrecy.cancel')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
