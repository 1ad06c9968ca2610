import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Me, Request } from '../../api';
import type { Channel } from '../../chat/types';
import { emptyAnswer, type AnswerDraft } from '../../collect/answer';
import { checkCreate, createBody, emptyCreateForm, fieldOf, type CreateForm, type CreateProblems } from '../../collect/builder';
import type { CollectState, CollectStore } from '../../collect/store';
import { MAX_DESCRIPTION, MAX_TITLE, type Collection } from '../../collect/types';
import { locale, t } from '../../i18n';
import { useLadder } from '../../secrecy/context';
import { levelName } from '../../secrecy/ladder';
import { Modal } from '../groups/Modal';
import { AudiencePicker } from '../notices/AudiencePicker';
import { DeadlineFields, TextArea, TextField } from '../notices/fields';
import { AnswerFields } from './AnswerFields';
import { createProblemText, FieldsBuilder } from './FieldsBuilder';
import { collectError } from './parts';
import './collect.css';

const ID = 'cl-create';

interface Props {
  s: CollectState;
  store: CollectStore;
  request: Request;
  me: Me;
  channels: readonly Channel[];
  onClose: () => void;
  onPublished: (c: Collection) => void;
}

/** Focus goes to the first problem, in the order of the form. */
function focusFirstProblem(p: CreateProblems) {
  const order: [string, string][] = [
    ['title', `${ID}-subject`],
    ['description', `${ID}-description`],
    ['deadline', `${ID}-date`],
    ['audience', `${ID}-audience`],
  ];
  for (const [k, id] of order) if (p[k]) return void document.getElementById(id)?.focus();
  const field = Object.keys(p).find((k) => k.startsWith('field:'));
  if (field) {
    const [, fid, rest] = field.split(':');
    const target = rest && !['options', 'columns', 'rows'].includes(rest) ? `${ID}-${fid}-${rest}-label` : rest ? `${ID}-${fid}-${rest}` : `${ID}-${fid}-label`;
    (document.getElementById(target) ?? document.getElementById(`${ID}-${fid}-label`))?.focus();
    return;
  }
  if (p.fields) document.getElementById(`${ID}-fields`)?.focus();
}

/** 发起收集: 表单 or 接龙, title, description, deadline (Beijing time), per person or per
 * department, secrecy, the audience (the notice's picker), the fields, and a preview of
 * what the people asked will fill in. */
export function CreateDialog({ s, store, request, me, channels, onClose, onPublished }: Props) {
  const [form, setForm] = useState<CreateForm>(emptyCreateForm);
  const [problems, setProblems] = useState<CreateProblems>({});
  const [preview, setPreview] = useState(false);
  const titleRef = useRef<HTMLInputElement>(null);
  const set = (v: Partial<CreateForm>) => setForm((f) => ({ ...f, ...v }));
  const busy = !!s.busy.publish;
  // The organisation's names of levels 0 and 1 (a collection is 0 or 1, as a notice was).
  const ladder = useLadder();
  useEffect(() => () => store.clearError('publish'), [store]);
  const previewFields = useMemo(() => form.fields.map((f) => fieldOf(f)), [form.fields]);
  const [previewDraft, setPreviewDraft] = useState<AnswerDraft>({});
  useEffect(() => setPreviewDraft(emptyAnswer(previewFields)), [previewFields]);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    const found = checkCreate(form, Date.now());
    setProblems(found);
    if (Object.keys(found).length) {
      focusFirstProblem(found);
      return;
    }
    const c = await store.publish(createBody(form));
    if (c) onPublished(c);
  };

  return (
    <Modal id={ID} title={t('collect.create_title')} onClose={onClose} initialFocus={titleRef}>
      <form class="form ntc-form cl-form" onSubmit={submit} noValidate>
        <fieldset class="ntc-fieldset">
          <legend class="ntc-legend-title">{t('collect.kind')}</legend>
          <div class="cl-kinds">
            {(['form', 'signup'] as const).map((k) => (
              <label key={k} class={`cl-kind${form.kind === k ? ' cl-kind-on' : ''}`}>
                <input type="radio" name={`${ID}-kind`} checked={form.kind === k} aria-describedby={`${ID}-kind-${k}`} onChange={() => set({ kind: k })} />
                <span class="cl-kind-name">{t(k === 'form' ? 'collect.kind_form' : 'collect.kind_signup')}</span>
                <span id={`${ID}-kind-${k}`} class="muted ntc-small">
                  {t(k === 'form' ? 'collect.kind_form_hint' : 'collect.kind_signup_hint')}
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        <TextField id={`${ID}-subject`} label={t('collect.f_title')} value={form.title} onInput={(title) => set({ title })} max={MAX_TITLE} problem={createProblemText(problems.title)} inputRef={titleRef} />
        <TextArea
          id={`${ID}-description`}
          label={t('collect.f_description')}
          value={form.description}
          onInput={(description) => set({ description })}
          max={MAX_DESCRIPTION}
          rows={3}
          hint={t('collect.f_description_hint', { max: MAX_DESCRIPTION })}
          problem={createProblemText(problems.description)}
        />
        <DeadlineFields
          idPrefix={ID}
          date={form.deadlineDate}
          time={form.deadlineTime}
          onChange={(deadlineDate, deadlineTime) => set({ deadlineDate, deadlineTime })}
          problem={createProblemText(problems.deadline)}
        />
        <div class="ntc-row-fields">
          {form.kind === 'form' ? (
            <fieldset class="ntc-fieldset" aria-describedby={`${ID}-per-hint`}>
              <legend class="ntc-legend-title">{t('collect.per')}</legend>
              <div class="cl-per-options">
                {(['person', 'department'] as const).map((v) => (
                  <label key={v} class="ntc-check">
                    <input type="radio" name={`${ID}-per`} checked={form.per === v} onChange={() => set({ per: v })} />
                    <span>{t(v === 'person' ? 'collect.per_person' : 'collect.per_department')}</span>
                  </label>
                ))}
              </div>
              <p id={`${ID}-per-hint`} class="field-hint">
                {t('collect.per_department_hint')}
              </p>
            </fieldset>
          ) : null}
          <fieldset class="ntc-fieldset ntc-inline">
            <legend class="ntc-legend-title">{t('collect.f_secrecy')}</legend>
            {([0, 1] as const).map((v) => (
              <label key={v} class="ntc-check">
                <input type="radio" name={`${ID}-secrecy`} checked={form.secrecy === v} onChange={() => set({ secrecy: v })} />
                <span>{levelName(ladder, v, locale.get())}</span>
              </label>
            ))}
          </fieldset>
        </div>
        <AudiencePicker idPrefix={ID} request={request} me={me} channels={channels} value={form} onChange={set} problem={createProblemText(problems.audience)} />
        {form.kind === 'form' ? (
          <>
            <FieldsBuilder idPrefix={ID} fields={form.fields} onChange={(fields) => set({ fields })} problems={problems} />
            <section class="cl-preview" aria-labelledby={`${ID}-preview-title`}>
              <button type="button" class="btn btn-secondary" aria-expanded={preview} aria-controls={`${ID}-preview-body`} onClick={() => setPreview(!preview)}>
                {preview ? t('collect.preview_hide') : t('collect.preview')}
              </button>
              <div id={`${ID}-preview-body`} hidden={!preview}>
                <h3 id={`${ID}-preview-title`} class="ntc-h2">
                  {t('collect.preview_title')}
                </h3>
                {preview ? (
                  previewFields.length ? (
                    <div class="cl-preview-body">
                      <p class="cl-preview-name">{form.title || t('collect.field_untitled')}</p>
                      {form.description ? <p class="cl-desc">{form.description}</p> : null}
                      <AnswerFields idPrefix={`${ID}-pv`} fields={previewFields} draft={previewDraft} onChange={setPreviewDraft} problems={{}} />
                    </div>
                  ) : (
                    <p class="muted">{t('collect.preview_empty')}</p>
                  )
                ) : null}
              </div>
            </section>
          </>
        ) : null}
        <p class="form-error" role="alert" hidden={!s.errors.publish}>
          {s.errors.publish ? collectError(s.errors.publish) : ''}
        </p>
        <div class="form-actions">
          <button type="button" class="btn btn-secondary" onClick={onClose}>
            {t('collect.cancel')}
          </button>
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {busy ? t('collect.publishing') : t('collect.publish')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
