import { useRef, useState } from 'preact/hooks';
import { t } from '../../i18n';
import { checkReason, checkRevise, reviseBody, reviseFormOf, type FormField, type Problem, type Problems, type ReviseForm } from '../../notices/form';
import type { NoticeState, NoticeStore } from '../../notices/store';
import { MAX_NOTICE_BODY, MAX_NOTICE_CHANGE_NOTE, MAX_NOTICE_REASON, MAX_NOTICE_TITLE, type Notice } from '../../notices/types';
import { Modal } from '../groups/Modal';
import { DeadlineFields, FormEnd, TextArea, TextField } from './fields';
import { ReadOnlyAttachments } from '../files/NoticeDraftFiles';
import './notices.css';

export function problemText(p: Problem | undefined): string | undefined {
  return p ? t(p.key, p.params) : undefined;
}

/** Focuses the first field with a problem. */
export function focusFirst(problems: Problems, ids: Partial<Record<FormField, string>>): boolean {
  const first = (Object.keys(ids) as FormField[]).find((f) => problems[f]);
  if (first) document.getElementById(ids[first]!)?.focus();
  return !!first;
}

const RID = 'ntc-revise';
const REVISE_IDS: Partial<Record<FormField, string>> = {
  title: `${RID}-subject`,
  body: `${RID}-body`,
  deadline: `${RID}-date`,
  change_note: `${RID}-note`,
};

/** 修改: a new revision with a required change note; everybody confirms again. */
export function ReviseDialog({ s, store, notice, onClose }: { s: NoticeState; store: NoticeStore; notice: Notice; onClose: () => void }) {
  const [form, setForm] = useState<ReviseForm>(() => reviseFormOf(notice));
  const [problems, setProblems] = useState<Problems>({});
  const noteRef = useRef<HTMLTextAreaElement>(null);
  const set = (v: Partial<ReviseForm>) => setForm((f) => ({ ...f, ...v }));
  const busy = !!s.busy.revise;

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    const found = checkRevise(form, notice, Date.now());
    setProblems(found);
    if (focusFirst(found, REVISE_IDS)) return;
    if (await store.revise(reviseBody(form, notice))) onClose();
  };

  return (
    <Modal id={RID} title={t('notices.revise_title')} onClose={onClose} initialFocus={noteRef}>
      <form class="form ntc-form" onSubmit={submit} noValidate>
        <TextArea
          id={REVISE_IDS.change_note!}
          label={t('notices.change_note_label')}
          value={form.changeNote}
          onInput={(changeNote) => set({ changeNote })}
          max={MAX_NOTICE_CHANGE_NOTE}
          rows={2}
          hint={t('notices.change_note_hint')}
          problem={problemText(problems.change_note)}
          inputRef={noteRef}
        />
        <TextField id={REVISE_IDS.title!} label={t('notices.f_title')} value={form.title} onInput={(title) => set({ title })} max={MAX_NOTICE_TITLE} problem={problemText(problems.title)} />
        <TextArea
          id={REVISE_IDS.body!}
          label={t('notices.f_body')}
          value={form.body}
          onInput={(body) => set({ body })}
          max={MAX_NOTICE_BODY}
          rows={8}
          problem={problemText(problems.body)}
        />
        <label class="ntc-check">
          <input type="checkbox" checked={form.urgent} onChange={(e) => set({ urgent: (e.currentTarget as HTMLInputElement).checked })} />
          <span>{t('notices.f_urgent')}</span>
        </label>
        <DeadlineFields
          idPrefix={RID}
          date={form.deadlineDate}
          time={form.deadlineTime}
          onChange={(deadlineDate, deadlineTime) => set({ deadlineDate, deadlineTime })}
          problem={problemText(problems.deadline)}
        />
        <ReadOnlyAttachments attachments={notice.attachments} />
        <FormEnd error={s.errors.revise} busy={busy} busyLabel={t('notices.revising')} submitLabel={t('notices.revise_submit')} onCancel={onClose} />
      </form>
    </Modal>
  );
}

/** 撤回: a required reason, and a second look before it happens. */
export function WithdrawDialog({ s, store, onClose }: { s: NoticeState; store: NoticeStore; onClose: () => void }) {
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string>();
  const ref = useRef<HTMLTextAreaElement>(null);
  const busy = !!s.busy.withdraw;
  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    const p = problemText(checkReason(reason));
    setProblem(p);
    if (p) {
      ref.current?.focus();
      return;
    }
    if (await store.withdraw(reason)) onClose();
  };
  return (
    <Modal id="ntc-withdraw" title={t('notices.withdraw_title')} onClose={onClose} size="narrow" initialFocus={ref}>
      <form class="form ntc-form" onSubmit={submit} noValidate>
        <p>{t('notices.withdraw_text')}</p>
        <TextArea id="ntc-withdraw-reason" label={t('notices.withdraw_reason')} value={reason} onInput={setReason} max={MAX_NOTICE_REASON} rows={3} problem={problem} inputRef={ref} />
        <FormEnd error={s.errors.withdraw} busy={busy} busyLabel={t('notices.withdrawing')} submitLabel={t('notices.withdraw_submit')} danger onCancel={onClose} />
      </form>
    </Modal>
  );
}
