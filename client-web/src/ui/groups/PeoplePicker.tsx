import { useEffect, useRef, useState } from 'preact/hooks';
import type { Person } from '../../chat/types';
import { toUiError } from '../../errors';
import type { GroupsApi } from '../../groups/api';
import { groupErrorText } from '../../groups/errors';
import { addPeople, departmentOptions, focusAfterRemove, removePerson, togglePerson, type DeptOption } from '../../groups/picker';
import { locale, t } from '../../i18n';
import { Avatar } from '../chat/Avatar';
import { PeopleSearchBox } from '../common';
import { usePeopleSearch } from '../hooks';
import { Alert, Status } from './Modal';

interface Props {
  id: string;
  api: GroupsApi;
  chosen: Person[];
  onChange: (chosen: Person[]) => void;
  /** People who cannot be chosen (yourself, or those already in the group)… */
  exclude: ReadonlySet<number>;
  /** …and the note shown beside them. */
  excludeNote: string;
  /** An error about the choice as a whole (too many, a disabled account). */
  problem?: string;
}

/** Choose people: search the organisation by name or username, or add a whole
 * department; the chosen show as chips that can be removed. */
export function PeoplePicker({ id, api, chosen, onChange, exclude, excludeNote, problem }: Props) {
  const search = usePeopleSearch(api.search);
  const { results, searching } = search;
  const [error, setError] = useState<string>();
  const [status, setStatus] = useState<string>();
  const [depts, setDepts] = useState<DeptOption[]>([]);
  const [dept, setDept] = useState('');
  const [sub, setSub] = useState(true);
  const [deptBusy, setDeptBusy] = useState(false);
  const [focusChip, setFocusChip] = useState<number | undefined>();
  const searchRef = useRef<HTMLInputElement>(null);
  const chipsRef = useRef<HTMLUListElement>(null);

  useEffect(() => {
    api.departments().then(
      (d) => setDepts(departmentOptions(d)),
      () => setError(t('groups.org_failed')),
    );
  }, [api]);

  // Each answer is announced; a failed search shows as the picker's error.
  useEffect(() => {
    if (results) setStatus(results.length ? t('groups.results', { n: results.length }) : t('groups.no_results'));
  }, [results]);
  useEffect(() => {
    if (search.error) setError(groupErrorText(toUiError(search.error, Date.now()), 'load', locale.get()));
  }, [search.error]);

  useEffect(() => {
    if (focusChip === undefined) return;
    const buttons = chipsRef.current?.querySelectorAll<HTMLButtonElement>('button');
    if (focusChip >= 0 && buttons?.[focusChip]) buttons[focusChip].focus();
    else searchRef.current?.focus();
    setFocusChip(undefined);
  }, [focusChip]);

  const chosenSet = new Set(chosen.map((p) => p.id));

  const addDept = async () => {
    const deptId = Number(dept);
    if (!deptId) return;
    setDeptBusy(true);
    setError(undefined);
    try {
      const people = await api.departmentPeople(deptId, sub);
      const r = addPeople(chosen, people, exclude);
      onChange(r.chosen);
      setStatus(r.added ? t('groups.dept_added', { n: r.added }) : t('groups.dept_none'));
    } catch (e) {
      setError(groupErrorText(toUiError(e, Date.now()), 'load', locale.get()));
    } finally {
      setDeptBusy(false);
    }
  };

  const unchoose = (index: number, person: Person) => {
    onChange(removePerson(chosen, person.id));
    setFocusChip(focusAfterRemove(index, chosen.length));
  };

  const deptHasChildren = depts.find((d) => String(d.id) === dept)?.hasChildren ?? false;

  return (
    <fieldset class="grp-fieldset grp-picker" aria-describedby={problem ? `${id}-problem` : undefined}>
      <legend class="grp-legend">{t('groups.members')}</legend>
      <div class="field">
        <label htmlFor={`${id}-q`}>{t('groups.search')}</label>
        <PeopleSearchBox
          id={`${id}-q`}
          inputRef={searchRef}
          value={search.text}
          describedBy={`${id}-q-hint`}
          onInput={(text) => {
            search.setText(text);
            setError(undefined);
          }}
        />
        <p id={`${id}-q-hint`} class="field-hint">
          {t('groups.search_hint')}
        </p>
      </div>
      {searching ? <p class="muted grp-small">{t('groups.searching')}</p> : null}
      {results && !searching && results.length === 0 ? <p class="muted grp-small">{t('groups.no_results')}</p> : null}
      {results && results.length > 0 ? (
        <ul class="grp-results" aria-label={t('groups.results_label')}>
          {results.map((p) => {
            const excluded = exclude.has(p.id);
            return (
              <li key={p.id}>
                <label class={`grp-result${excluded ? ' grp-result-off' : ''}`}>
                  <input
                    type="checkbox"
                    checked={excluded || chosenSet.has(p.id)}
                    disabled={excluded}
                    onChange={() => onChange(togglePerson(chosen, p, exclude))}
                  />
                  <Avatar id={p.id} name={p.display_name || p.username} size="sm" />
                  <span class="grp-person">
                    <span class="grp-person-name">
                      {p.display_name || p.username}
                      {excluded ? <span class="muted grp-small"> {excludeNote}</span> : null}
                    </span>
                    <span class="muted grp-small">{[p.username, p.title].filter(Boolean).join(' · ')}</span>
                  </span>
                </label>
              </li>
            );
          })}
        </ul>
      ) : null}

      <div class="grp-dept">
        <div class="field grp-dept-select">
          <label htmlFor={`${id}-dept`}>{t('groups.dept')}</label>
          <select id={`${id}-dept`} class="input" value={dept} onChange={(e) => setDept((e.currentTarget as HTMLSelectElement).value)}>
            <option value="">{t('groups.dept_choose')}</option>
            {depts.map((d) => (
              <option key={d.id} value={String(d.id)}>
                {d.label}
              </option>
            ))}
          </select>
        </div>
        {deptHasChildren ? (
          <label class="grp-check">
            <input type="checkbox" checked={sub} onChange={(e) => setSub((e.currentTarget as HTMLInputElement).checked)} />
            <span>{t('groups.dept_sub')}</span>
          </label>
        ) : null}
        <button type="button" class="btn btn-secondary" disabled={!dept || deptBusy} onClick={addDept}>
          {deptBusy ? t('groups.dept_adding') : t('groups.dept_add')}
        </button>
      </div>

      <Alert text={error} />
      <Status text={status} />

      <p class={chosen.length ? 'grp-chosen-count' : 'grp-chosen-count grp-chosen-none'} id={`${id}-count`}>
        {chosen.length ? t('groups.chosen', { n: chosen.length }) : t('groups.chosen_none')}
      </p>
      <Alert id={`${id}-problem`} text={problem} />
      {chosen.length ? (
        <ul class="grp-chips" ref={chipsRef} aria-label={t('groups.chosen_label')}>
          {chosen.map((p, i) => (
            <li key={p.id} class="grp-chip">
              <span>{p.display_name || p.username}</span>
              <button
                type="button"
                class="grp-chip-remove"
                aria-label={t('groups.unchoose', { name: p.display_name || p.username })}
                onClick={() => unchoose(i, p)}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </fieldset>
  );
}
