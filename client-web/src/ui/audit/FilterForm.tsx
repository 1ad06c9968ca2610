// The trail's filters: a person from the directory (actor or target), action or prefix,
// resource type and id, department, level, outcome and a time range in Beijing time. On a
// desk it sits above the table; on a phone it is the content of a sheet (TrailTab).

import { useCallback, useState } from 'preact/hooks';
import type { Request } from '../../api';
import { checkFilter, EMPTY_FILTER, OUTCOMES, type FilterField, type FilterProblem, type TrailFilter } from '../../audit/query';
import { searchPeople } from '../../directory/load';
import type { Department, Person } from '../../directory/types';
import { t, type MessageKey } from '../../i18n';
import { useLadder } from '../../secrecy/context';
import { levelName } from '../../secrecy/ladder';
import { PeopleSearchBox } from '../common';
import { useLocale, usePeopleSearch } from '../hooks';
import { outcomeText } from './EventList';

/** Prefixes offered in the action box (any action or prefix may be typed). */
export const ACTION_PREFIXES = ['auth.', 'admin.', 'audit.', 'chat.', 'file.', 'notice.', 'collection.', 'todo.', 'secrecy.', 'hold.', 'escrow.', 'key.', 'quiet.', 'dlp.', 'alert.', 'retention.'];
export const TARGET_TYPES = ['user', 'session', 'channel', 'blob', 'notice', 'collection', 'todo', 'department', 'party_org', 'hold', 'escrow_key', 'endpoint', 'audit', 'import', 'retention'];

const PROBLEM_KEYS: Record<FilterProblem, MessageKey> = {
  action_format: 'audit.err_action_format',
  target_type_format: 'audit.err_target_type_format',
  target_id_needs_type: 'audit.err_target_id_needs_type',
  time_format: 'audit.err_time_format',
  until_before_since: 'audit.err_until_before_since',
  too_long: 'audit.err_too_long',
};

export function FilterForm(p: { request: Request; filter: TrailFilter; departments: readonly Department[]; onApply: (f: TrailFilter) => void; idPrefix?: string }) {
  const l = useLocale();
  const ladder = useLadder();
  const id = p.idPrefix ?? 'aud-f';
  const [f, setF] = useState<TrailFilter>(p.filter);
  const [problem, setProblem] = useState<{ field: FilterField; text: string } | undefined>();
  const set = (x: Partial<TrailFilter>) => setF((o) => ({ ...o, ...x }));
  const submit = (e: Event) => {
    e.preventDefault();
    const bad = checkFilter(f);
    if (bad) {
      setProblem({ field: bad.field, text: t(PROBLEM_KEYS[bad.problem]) });
      document.getElementById(`${id}-${bad.field}`)?.focus();
      return;
    }
    setProblem(undefined);
    p.onApply(f);
  };
  const err = (field: FilterField) =>
    problem?.field === field ? (
      <p id={`${id}-${field}-err`} class="form-error" role="alert">
        {problem.text}
      </p>
    ) : null;
  const inval = (field: FilterField) => (problem?.field === field ? true : undefined);
  return (
    <form class="aud-filters" onSubmit={submit} noValidate aria-label={t('audit.filters')}>
      <PersonPick request={p.request} id={`${id}-person`} label={t('audit.f_person')} chosen={f.person} onPick={(person) => set({ person })} />
      <div class="field">
        <label for={`${id}-action`}>{t('audit.f_action')}</label>
        <input
          id={`${id}-action`}
          class="input aud-mono"
          list={`${id}-actions`}
          value={f.action}
          maxLength={64}
          autocomplete="off"
          spellcheck={false}
          autocapitalize="off"
          aria-invalid={inval('action')}
          aria-describedby={`${id}-action-hint`}
          onInput={(e) => set({ action: e.currentTarget.value })}
        />
        <datalist id={`${id}-actions`}>
          {ACTION_PREFIXES.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
        <span id={`${id}-action-hint`} class="field-hint">
          {t('audit.f_action_hint')}
        </span>
        {err('action')}
      </div>
      <div class="aud-pair">
        <div class="field">
          <label for={`${id}-target_type`}>{t('audit.f_target_type')}</label>
          <select id={`${id}-target_type`} class="input" value={f.targetType} aria-invalid={inval('target_type')} onChange={(e) => set({ targetType: e.currentTarget.value })}>
            <option value="">{t('audit.f_any')}</option>
            {TARGET_TYPES.map((x) => (
              <option key={x} value={x}>
                {x}
              </option>
            ))}
          </select>
          {err('target_type')}
        </div>
        <div class="field">
          <label for={`${id}-target_id`}>{t('audit.f_target_id')}</label>
          <input
            id={`${id}-target_id`}
            class="input aud-mono"
            value={f.targetId}
            maxLength={128}
            autocomplete="off"
            spellcheck={false}
            aria-invalid={inval('target_id')}
            onInput={(e) => set({ targetId: e.currentTarget.value })}
          />
          {err('target_id')}
        </div>
      </div>
      <div class="field">
        <label for={`${id}-dept`}>{t('audit.f_department')}</label>
        <select
          id={`${id}-dept`}
          class="input"
          value={f.department ? String(f.department.id) : ''}
          onChange={(e) => {
            const v = Number(e.currentTarget.value);
            const d = p.departments.find((x) => x.id === v);
            set({ department: d ? { id: d.id, name: d.path || d.name } : undefined });
          }}
        >
          <option value="">{t('audit.f_any')}</option>
          {p.departments.map((d) => (
            <option key={d.id} value={d.id}>
              {d.path || d.name}
            </option>
          ))}
        </select>
      </div>
      <div class="aud-pair">
        <div class="field">
          <label for={`${id}-level`}>{t('audit.f_level')}</label>
          <select id={`${id}-level`} class="input" value={f.level === undefined ? '' : String(f.level)} onChange={(e) => set({ level: e.currentTarget.value === '' ? undefined : Number(e.currentTarget.value) })}>
            <option value="">{t('audit.f_any')}</option>
            {ladder.slice(1).map((x) => (
              <option key={x.level} value={x.level}>
                {levelName(ladder, x.level, l)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for={`${id}-outcome`}>{t('audit.f_outcome')}</label>
          <select id={`${id}-outcome`} class="input" value={f.outcome} onChange={(e) => set({ outcome: e.currentTarget.value as TrailFilter['outcome'] })}>
            <option value="">{t('audit.f_any')}</option>
            {OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {outcomeText(o)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div class="aud-pair aud-span2">
        <div class="field">
          <label for={`${id}-since`}>{t('audit.f_since')}</label>
          <input id={`${id}-since`} class="input" type="datetime-local" value={f.since} aria-invalid={inval('since')} onInput={(e) => set({ since: e.currentTarget.value })} />
          {err('since')}
        </div>
        <div class="field">
          <label for={`${id}-until`}>{t('audit.f_until')}</label>
          <input id={`${id}-until`} class="input" type="datetime-local" value={f.until} aria-invalid={inval('until')} onInput={(e) => set({ until: e.currentTarget.value })} />
          {err('until')}
        </div>
      </div>
      <div class="aud-actions">
        <button type="submit" class="btn btn-primary">
          {t('audit.apply')}
        </button>
        <button
          type="button"
          class="btn btn-secondary"
          onClick={() => {
            setF(EMPTY_FILTER);
            setProblem(undefined);
            p.onApply(EMPTY_FILTER);
          }}
        >
          {t('audit.clear')}
        </button>
      </div>
    </form>
  );
}

/** A person from the directory: search, pick one (a radio list), or clear the choice. */
export function PersonPick(p: { request: Request; id: string; label: string; chosen?: { id: number; name: string }; onPick: (x: { id: number; name: string } | undefined) => void }) {
  const find = useCallback((q: string) => searchPeople(p.request, q, 8), [p.request]);
  const { text, setText, results, clear } = usePeopleSearch<Person>(find);
  return (
    <div class="field aud-person-pick">
      <label for={p.id}>{p.label}</label>
      {p.chosen ? (
        <div class="aud-chosen">
          <span data-testid="aud-chosen-person">{p.chosen.name}</span>
          <button type="button" class="btn btn-quiet btn-small" onClick={() => p.onPick(undefined)}>
            {t('audit.f_person_clear')}
          </button>
        </div>
      ) : null}
      <PeopleSearchBox id={p.id} value={text} onInput={setText} describedBy="" />
      {results && results.length ? (
        <ul class="aud-pick" aria-label={p.label}>
          {results.map((x) => (
            <li key={x.id}>
              <button
                type="button"
                class="aud-pick-item"
                onClick={() => {
                  p.onPick({ id: x.id, name: x.display_name || x.username });
                  clear();
                }}
              >
                {x.display_name || x.username}
                {x.title ? <span class="muted"> · {x.title}</span> : null}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
