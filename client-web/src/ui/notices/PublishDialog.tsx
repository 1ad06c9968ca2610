import { useEffect, useRef, useState } from 'preact/hooks';
import type { Me, Request } from '../../api';
import type { Channel } from '../../chat/types';
import { locale, t } from '../../i18n';
import { pickerLevels } from '../../secrecy/compose';
import { useLadder } from '../../secrecy/context';
import { levelName, TOP_LEVEL } from '../../secrecy/ladder';
import { noticeLevelError } from '../../secrecy/errors';
import {
  checkPublish,
  emptyPublishForm,
  publishBody,
  type FormField,
  type Problems,
  type PublishForm,
} from '../../notices/form';
import type { NoticeState, NoticeStore } from '../../notices/store';
import { MAX_NOTICE_BODY, MAX_NOTICE_TITLE, type Notice } from '../../notices/types';
import { Modal } from '../groups/Modal';
import { useStore } from '../hooks';
import { AudiencePicker } from './AudiencePicker';
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
  const busy = !!s.busy.publish;
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

        <AudiencePicker
          idPrefix={ID}
          request={request}
          me={me}
          channels={channels}
          value={form}
          onChange={set}
          urgent={form.urgent}
          problem={problemText(problems.audience)}
        />

        {draft ? <PublishProgress draft={draft} /> : null}
        <FormEnd error={s.errors.publish} errorText={levelError} busy={busy} busyLabel={publishPhaseLabel(draftState) ?? t('notices.publishing')} submitLabel={t('notices.publish_submit')} onCancel={onClose} />
      </form>
    </Modal>
  );
}

/** useStore's stand-in when the form has no attachments. */
const NO_DRAFT = { getState: (): Pick<NoticeDraftState, 'phase' | 'people'> => ({ phase: 'idle', people: 0 }), subscribe: () => () => undefined };
