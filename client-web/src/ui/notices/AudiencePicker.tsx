// The audience of a publication — channels; for a leader also departments (with or without
// the ones below), party organisations, people and 全单位 — with the live count of whom it
// reaches. A notice's (PublishDialog) and a collection's (ui/collect/CreateDialog) alike.

import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Me, Request } from '../../api';
import type { Channel } from '../../chat/types';
import { loadOrg, searchPeople } from '../../directory/load';
import { buildTree, preorder } from '../../directory/tree';
import type { OrgTree, Person } from '../../directory/types';
import { t } from '../../i18n';
import { audienceOf, setDepartmentSub, toggleDepartment, toggleId, type AudienceChoice, type ChosenPerson } from '../../notices/form';
import { canTargetOrg, publishableChannels } from '../../notices/view';
import { PeopleSearchBox } from '../common';
import { usePeopleSearch } from '../hooks';
import { AudienceCount } from '../urgent/AudienceCount';
import './notices.css';

const SEARCH_LIMIT = 30;

interface Props {
  /** Ids of the controls start with it; `${idPrefix}-audience` takes focus when it is empty. */
  idPrefix: string;
  request: Request;
  me: Me;
  channels: readonly Channel[];
  value: AudienceChoice;
  onChange: (v: Partial<AudienceChoice>) => void;
  /** An urgent notice: the count says how many will be alerted through quiet hours. */
  urgent?: boolean;
  problem?: string;
}

export function AudiencePicker({ idPrefix: ID, request, me, channels, value: form, onChange: set, urgent = false, problem }: Props) {
  const allowed = useMemo(() => publishableChannels(me, channels), [me, channels]);
  const orgWide = canTargetOrg(me);
  const audience = useMemo(() => audienceOf(form), [form.channels, form.departments, form.partyOrgs, form.people, form.all]);
  return (
    <fieldset class="ntc-fieldset ntc-audience" aria-describedby={`${ID}-count${problem ? ` ${ID}-audience-problem` : ''}`}>
      <legend class="ntc-legend-title">{t('notices.audience')}</legend>
      {!orgWide ? <p class="field-hint">{t('notices.aud_admin_only')}</p> : null}
      <AudienceCount id={`${ID}-count`} request={request} audience={audience} urgent={urgent} />
      <p id={`${ID}-audience-problem`} class="form-error" hidden={!problem}>
        {problem ?? ''}
      </p>
      {/* The first control of the audience takes focus when it is empty. */}
      <span id={`${ID}-audience`} tabIndex={-1} />
      {orgWide ? (
        <label class="ntc-check urgent-whole-org">
          <input type="checkbox" checked={!!form.all} aria-describedby={`${ID}-all-hint`} onChange={(e) => set({ all: (e.currentTarget as HTMLInputElement).checked })} />
          <span>{t('urgent.whole_org')}</span>
          <span id={`${ID}-all-hint`} class="muted ntc-small">
            {t('urgent.whole_org_hint')}
          </span>
        </label>
      ) : null}
      <ChannelPicker channels={allowed} chosen={form.channels} onToggle={(id) => set({ channels: toggleId(form.channels, id) })} />
      {orgWide ? <OrgPickers idPrefix={ID} request={request} form={form} set={set} /> : null}
    </fieldset>
  );
}

function ChannelPicker({ channels, chosen, onToggle }: { channels: readonly Channel[]; chosen: number[]; onToggle: (id: number) => void }) {
  return (
    <fieldset class="ntc-fieldset ntc-pick">
      <legend class="ntc-legend-sub">{t('notices.aud_channels')}</legend>
      {channels.length === 0 ? (
        <p class="muted ntc-small">{t('notices.aud_channels_none')}</p>
      ) : (
        <ul class="ntc-pick-list">
          {channels.map((c) => (
            <li key={c.id}>
              <label class="ntc-check">
                <input type="checkbox" checked={chosen.includes(c.id)} onChange={() => onToggle(c.id)} />
                <span>{c.name}</span>
              </label>
            </li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}

/** Departments (each with 含下级部门), party organisations and people: leaders only. */
function OrgPickers({ idPrefix, request, form, set }: { idPrefix: string; request: Request; form: AudienceChoice; set: (v: Partial<AudienceChoice>) => void }) {
  const [org, setOrg] = useState<OrgTree>();
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    loadOrg(request).then(setOrg, () => setFailed(true));
  }, [request]);
  const depts = useMemo(() => (org ? preorder(buildTree(org.departments).roots) : []), [org]);
  const parties = useMemo(() => (org ? preorder(buildTree(org.party_orgs).roots) : []), [org]);
  const chosenDept = new Map(form.departments.map((d) => [d.id, d]));

  return (
    <>
      {failed ? <p class="form-error">{t('notices.aud_org_failed')}</p> : !org ? <p class="muted ntc-small">{t('notices.aud_org_loading')}</p> : null}
      {depts.length ? (
        <fieldset class="ntc-fieldset ntc-pick">
          <legend class="ntc-legend-sub">{t('notices.aud_departments')}</legend>
          <ul class="ntc-pick-list ntc-tree">
            {depts.map((n) => {
              const d = chosenDept.get(n.item.id);
              return (
                <li key={n.item.id} class={`ntc-depth-${Math.min(n.depth, 6)}`}>
                  <label class="ntc-check">
                    <input type="checkbox" checked={!!d} onChange={() => set({ departments: toggleDepartment(form.departments, n.item.id, n.children.length > 0) })} />
                    <span>{n.item.name}</span>
                  </label>
                  {d && n.children.length ? (
                    <label class="ntc-check ntc-sub">
                      <input
                        type="checkbox"
                        checked={!!d.sub}
                        aria-label={`${n.item.name}：${t('notices.aud_sub')}`}
                        onChange={(e) => set({ departments: setDepartmentSub(form.departments, n.item.id, (e.currentTarget as HTMLInputElement).checked) })}
                      />
                      <span aria-hidden="true">{t('notices.aud_sub')}</span>
                    </label>
                  ) : null}
                </li>
              );
            })}
          </ul>
        </fieldset>
      ) : null}
      {parties.length ? (
        <fieldset class="ntc-fieldset ntc-pick">
          <legend class="ntc-legend-sub">{t('notices.aud_party')}</legend>
          <ul class="ntc-pick-list ntc-tree">
            {parties.map((n) => (
              <li key={n.item.id} class={`ntc-depth-${Math.min(n.depth, 6)}`}>
                <label class="ntc-check">
                  <input type="checkbox" checked={form.partyOrgs.includes(n.item.id)} onChange={() => set({ partyOrgs: toggleId(form.partyOrgs, n.item.id) })} />
                  <span>{n.item.name}</span>
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
      ) : null}
      <PeopleSearch idPrefix={idPrefix} request={request} chosen={form.people} onChange={(people) => set({ people })} />
    </>
  );
}

function PeopleSearch({ idPrefix, request, chosen, onChange }: { idPrefix: string; request: Request; chosen: ChosenPerson[]; onChange: (p: ChosenPerson[]) => void }) {
  const find = useCallback((q: string) => searchPeople(request, q, SEARCH_LIMIT), [request]);
  const { text, setText, results, searching, error } = usePeopleSearch(find);
  const inputRef = useRef<HTMLInputElement>(null);
  const id = `${idPrefix}-people`;

  const has = new Set(chosen.map((p) => p.id));
  const toggle = (p: Person) =>
    onChange(has.has(p.id) ? chosen.filter((c) => c.id !== p.id) : [...chosen, { id: p.id, name: p.display_name || p.username }]);

  return (
    <fieldset class="ntc-fieldset ntc-pick">
      <legend class="ntc-legend-sub">{t('notices.aud_people')}</legend>
      <div class="field">
        <label htmlFor={`${id}-q`}>{t('notices.aud_search')}</label>
        <PeopleSearchBox id={`${id}-q`} inputRef={inputRef} value={text} describedBy={`${id}-hint`} onInput={setText} />
        <p id={`${id}-hint`} class="field-hint">
          {t('notices.aud_search_hint')}
        </p>
      </div>
      <p class="muted ntc-small" role="status">
        {searching ? t('notices.aud_searching') : results && results.length === 0 ? t('notices.aud_no_results') : ''}
      </p>
      {error ? <p class="form-error">{t('notices.aud_org_failed')}</p> : null}
      {results && results.length ? (
        <ul class="ntc-pick-list ntc-results" aria-label={t('notices.aud_results')}>
          {results.map((p) => (
            <li key={p.id}>
              <label class="ntc-check">
                <input type="checkbox" checked={has.has(p.id)} onChange={() => toggle(p)} />
                <span>
                  {p.display_name || p.username}
                  <span class="muted ntc-small"> {[p.username, p.title].filter(Boolean).join(' · ')}</span>
                </span>
              </label>
            </li>
          ))}
        </ul>
      ) : null}
      {chosen.length ? (
        <ul class="ntc-chips" aria-label={t('notices.aud_chosen_people')}>
          {chosen.map((p) => (
            <li key={p.id} class="ntc-chip">
              <span>{p.name}</span>
              <button
                type="button"
                class="ntc-chip-remove"
                aria-label={t('notices.aud_unchoose', { name: p.name })}
                onClick={() => {
                  onChange(chosen.filter((c) => c.id !== p.id));
                  inputRef.current?.focus();
                }}
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
