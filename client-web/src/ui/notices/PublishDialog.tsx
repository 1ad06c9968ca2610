import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Me, Request } from '../../api';
import type { Channel } from '../../chat/types';
import { loadOrg, searchPeople } from '../../directory/load';
import { buildTree, preorder } from '../../directory/tree';
import type { OrgTree, Person } from '../../directory/types';
import { locale, t } from '../../i18n';
import { pickerLevels } from '../../secrecy/compose';
import { useLadder } from '../../secrecy/context';
import { levelName, TOP_LEVEL } from '../../secrecy/ladder';
import { noticeLevelError } from '../../secrecy/errors';
import {
  checkPublish,
  emptyPublishForm,
  publishBody,
  setDepartmentSub,
  toggleDepartment,
  toggleId,
  type ChosenPerson,
  type FormField,
  type Problems,
  type PublishForm,
} from '../../notices/form';
import type { NoticeState, NoticeStore } from '../../notices/store';
import { MAX_NOTICE_BODY, MAX_NOTICE_TITLE, type Notice } from '../../notices/types';
import { canTargetOrg, publishableChannels } from '../../notices/view';
import { PeopleSearchBox } from '../common';
import { Modal } from '../groups/Modal';
import { usePeopleSearch, useStore } from '../hooks';
import { AudienceCount } from '../urgent/AudienceCount';
import type { NoticeDraftState } from '../../files/noticeDraft';
import { NoticeDraftFiles, PublishProgress, publishPhaseLabel, useNoticeDraft, useNoticeDrop } from '../files/NoticeDraftFiles';
import { focusFirst, problemText } from './ManageDialogs';
import { DeadlineFields, FormEnd, TextArea, TextField } from './fields';
import './notices.css';

const ID = 'ntc-publish';
const IDS: Partial<Record<FormField, string>> = {
  title: `${ID}-subject`,
  body: `${ID}-body`,
  deadline: `${ID}-date`,
  audience: `${ID}-audience`,
};
const SEARCH_LIMIT = 30;

interface Props {
  s: NoticeState;
  store: NoticeStore;
  request: Request;
  me: Me;
  channels: readonly Channel[];
  onClose: () => void;
  onPublished: (n: Notice) => void;
}

/** 发布通知: title, text, urgency, secrecy, a deadline in Beijing time, whether it needs
 * confirmation, the audience, and attachments (encrypted, their keys wrapped for the
 * audience at 发布: src/files/noticeDraft.ts). */
export function PublishDialog({ s, store, request, me, channels, onClose, onPublished }: Props) {
  const [form, setForm] = useState<PublishForm>(emptyPublishForm);
  const [problems, setProblems] = useState<Problems>({});
  const titleRef = useRef<HTMLInputElement>(null);
  const set = (v: Partial<PublishForm>) => setForm((f) => ({ ...f, ...v }));
  const allowed = useMemo(() => publishableChannels(me, channels), [me, channels]);
  const orgWide = canTargetOrg(me);
  const busy = !!s.busy.publish;
  const audience = useMemo(() => publishBody(form).audience, [form]);
  const { draft, limit } = useNoticeDraft(request, me.id);
  const drop = useNoticeDrop(draft);
  const draftState = useStore<Pick<NoticeDraftState, 'phase' | 'people'>>(draft ?? NO_DRAFT);

  useEffect(() => () => store.clearError('publish'), [store]);
  const ladder = useLadder();
  // Above the ceiling of a channel it would be pinned in: say which, and what it allows.
  const levelError = s.errors.publish
    ? noticeLevelError(
        s.errors.publish,
        form.secrecy,
        form.channels.map((id) => {
          const c = channels.find((x) => x.id === id);
          return c ? { name: c.name, max: c.max_secrecy } : undefined;
        }),
        ladder,
        locale.get(),
      )
    : undefined;

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    const found = checkPublish(form, Date.now());
    setProblems(found);
    if (focusFirst(found, IDS)) return;
    const n = await store.publish(publishBody(form), draft ? (body, post) => draft.publish(body, post) : undefined);
    if (n) onPublished(n);
  };

  return (
    <Modal id={ID} title={t('notices.publish_title')} onClose={onClose} initialFocus={titleRef}>
      <form class={`form ntc-form${drop.over ? ' nf-form-over' : ''}`} onSubmit={submit} noValidate {...drop.handlers}>
        <TextField id={IDS.title!} label={t('notices.f_title')} value={form.title} onInput={(title) => set({ title })} max={MAX_NOTICE_TITLE} problem={problemText(problems.title)} inputRef={titleRef} />
        <TextArea
          id={IDS.body!}
          label={t('notices.f_body')}
          value={form.body}
          onInput={(body) => set({ body })}
          max={MAX_NOTICE_BODY}
          rows={7}
          hint={t('notices.f_body_hint', { max: MAX_NOTICE_BODY })}
          problem={problemText(problems.body)}
        />
        {draft ? <NoticeDraftFiles draft={draft} limit={limit} over={drop.over} idPrefix={ID} /> : null}
        <div class="ntc-row-fields">
          <label class="ntc-check">
            <input type="checkbox" checked={form.urgent} aria-describedby={`${ID}-urgent-hint`} onChange={(e) => set({ urgent: (e.currentTarget as HTMLInputElement).checked })} />
            <span>{t('notices.f_urgent')}</span>
          </label>
          <fieldset class="ntc-fieldset ntc-inline">
            <legend class="ntc-legend-title">{t('notices.f_secrecy')}</legend>
            {pickerLevels({ max_secrecy: TOP_LEVEL }).map((v) => (
              <label key={v} class="ntc-check">
                <input type="radio" name={`${ID}-secrecy`} value={v} checked={form.secrecy === v} onChange={() => set({ secrecy: v })} />
                <span>{levelName(ladder, v, locale.get())}</span>
              </label>
            ))}
          </fieldset>
        </div>
        <p id={`${ID}-urgent-hint`} class="field-hint">
          {t('notices.f_urgent_hint')}
        </p>
        <DeadlineFields
          idPrefix={ID}
          date={form.deadlineDate}
          time={form.deadlineTime}
          onChange={(deadlineDate, deadlineTime) => set({ deadlineDate, deadlineTime })}
          problem={problemText(problems.deadline)}
        />
        <label class="ntc-check">
          <input type="checkbox" checked={form.needsConfirm} onChange={(e) => set({ needsConfirm: (e.currentTarget as HTMLInputElement).checked })} />
          <span>{t('notices.f_needs_confirm')}</span>
        </label>

        <fieldset class="ntc-fieldset ntc-audience" aria-describedby={`${ID}-count${problems.audience ? ` ${ID}-audience-problem` : ''}`}>
          <legend class="ntc-legend-title">{t('notices.audience')}</legend>
          {!orgWide ? <p class="field-hint">{t('notices.aud_admin_only')}</p> : null}
          <AudienceCount id={`${ID}-count`} request={request} audience={audience} urgent={form.urgent} />
          <p id={`${ID}-audience-problem`} class="form-error" hidden={!problems.audience}>
            {problemText(problems.audience) ?? ''}
          </p>
          {/* The first control of the audience takes focus when it is empty. */}
          <span id={IDS.audience} tabIndex={-1} />
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
          {orgWide ? <OrgPickers request={request} form={form} set={set} /> : null}
        </fieldset>

        {draft ? <PublishProgress draft={draft} /> : null}
        <FormEnd error={s.errors.publish} errorText={levelError} busy={busy} busyLabel={publishPhaseLabel(draftState) ?? t('notices.publishing')} submitLabel={t('notices.publish_submit')} onCancel={onClose} />
      </form>
    </Modal>
  );
}

/** useStore's stand-in when the form has no attachments. */
const NO_DRAFT = { getState: (): Pick<NoticeDraftState, 'phase' | 'people'> => ({ phase: 'idle', people: 0 }), subscribe: () => () => undefined };

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
function OrgPickers({ request, form, set }: { request: Request; form: PublishForm; set: (v: Partial<PublishForm>) => void }) {
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
      <PeopleSearch request={request} chosen={form.people} onChange={(people) => set({ people })} />
    </>
  );
}

function PeopleSearch({ request, chosen, onChange }: { request: Request; chosen: ChosenPerson[]; onChange: (p: ChosenPerson[]) => void }) {
  const find = useCallback((q: string) => searchPeople(request, q, SEARCH_LIMIT), [request]);
  const { text, setText, results, searching, error } = usePeopleSearch(find);
  const inputRef = useRef<HTMLInputElement>(null);
  const id = `${ID}-people`;

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
