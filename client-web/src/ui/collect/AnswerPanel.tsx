import { useEffect, useMemo, useState } from 'preact/hooks';
import { checkAnswer, draftOf, filesOf, valuesOf, type AnswerDraft, type AnswerProblems } from '../../collect/answer';
import { createAnswerFiles, type AnswerFiles } from '../../collect/files';
import { readerState } from '../../collect/status';
import type { CollectState, CollectStore } from '../../collect/store';
import { collectionContext, type Collection } from '../../collect/types';
import { locale, t } from '../../i18n';
import { formatDateTime } from '../../format';
import { useStore } from '../hooks';
import { useFilesSend } from '../files/send/context';
import { AnswerFields } from './AnswerFields';
import { AnswerView } from './AnswerView';
import { collectError } from './parts';

const ID = 'cl-answer';
/** useStore's stand-in when the form has no file field. */
const NO_FILES = { getState: () => null, subscribe: () => () => undefined };

/** The answer of the person asked: the form to fill in (or the answer sent, with 修改 until
 * the deadline or the close), and a returned answer's note from the author. */
export function AnswerPanel({ c, s, store, meId, now }: { c: Collection; s: CollectState; store: CollectStore; meId: number; now: number }) {
  const fields = c.fields ?? [];
  const mine = c.my?.submission;
  const { state, canEdit } = readerState(c, now);
  const [editing, setEditing] = useState(state !== 'submitted');
  useEffect(() => setEditing(state !== 'submitted'), [state, mine?.revision]);
  const context = collectionContext(c.id);
  const returned = state === 'returned';

  return (
    <section class="cl-panel cl-answer-panel" aria-labelledby={`${ID}-title`}>
      <h2 id={`${ID}-title`} class="ntc-h2">
        {t('collect.answer_title')}
      </h2>
      {c.per === 'department' && mine?.department_name ? <p class="muted">{t('collect.answer_for_department', { name: mine.department_name })}</p> : null}
      {returned ? (
        <div class="cl-returned" role="note">
          <p class="cl-returned-title">{t('collect.returned_title')}</p>
          <p>{t('collect.returned_note', { name: c.author_name, note: mine?.return_note || '—' })}</p>
          {canEdit ? <p class="muted">{t('collect.returned_hint')}</p> : null}
        </div>
      ) : null}
      {!canEdit ? <p class="muted">{c.status === 'closed' ? t('collect.answer_closed') : t('collect.answer_deadline')}</p> : null}
      {state === 'submitted' && !editing ? (
        <>
          <p class="cl-done" role="status">
            {mine ? t('collect.answer_done_at', { time: formatDateTime(mine.updated_at || mine.submitted_at, locale.get()) }) : t('collect.answer_done')}
          </p>
          <AnswerView fields={fields} values={mine?.values} context={context} />
          {canEdit ? (
            <button type="button" class="btn btn-secondary cl-wide-btn" onClick={() => setEditing(true)}>
              {t('collect.answer_edit')}
            </button>
          ) : null}
        </>
      ) : canEdit ? (
        <AnswerForm key={`${c.id}-${mine?.revision ?? 0}`} c={c} s={s} store={store} meId={meId} resubmit={!!mine} onDone={() => setEditing(false)} />
      ) : mine ? (
        <AnswerView fields={fields} values={mine.values} context={context} />
      ) : null}
    </section>
  );
}

function useAnswerFiles(c: Collection, meId: number): AnswerFiles | undefined {
  const v = useFilesSend();
  const hasFiles = (c.fields ?? []).some((f) => f.type === 'file');
  const [files] = useState(() =>
    v && hasFiles
      ? createAnswerFiles({
          queue: v.fs.uploads,
          share: (o) => v.fs.sharer.shareCounting(o),
          collectionId: c.id,
          authorId: c.author_id,
          me: { id: meId },
          limit: v.limit,
          kept: filesOf(c.fields ?? [], c.my?.submission?.values),
          limits: Object.fromEntries((c.fields ?? []).filter((f) => f.type === 'file' && f.max_size).map((f) => [f.id, f.max_size!])),
        })
      : undefined,
  );
  useEffect(() => () => files?.close(), [files]);
  return files;
}

function AnswerForm({ c, s, store, meId, resubmit, onDone }: { c: Collection; s: CollectState; store: CollectStore; meId: number; resubmit: boolean; onDone: () => void }) {
  const fields = useMemo(() => c.fields ?? [], [c.fields]);
  const [draft, setDraft] = useState<AnswerDraft>(() => draftOf(fields, c.my?.submission?.values));
  const [problems, setProblems] = useState<AnswerProblems>({});
  const files = useAnswerFiles(c, meId);
  // Re-render as uploads progress (the counts decide whether it may be sent).
  useStore(files ?? NO_FILES);
  const busy = !!s.busy.submit;
  const fileIds = fields.filter((f) => f.type === 'file').map((f) => f.id);
  const nProblems = Object.keys(problems).length;

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    const found = checkAnswer(fields, draft, files?.counts(fileIds));
    setProblems(found);
    const first = Object.keys(found)[0];
    if (first) {
      const [fid, row, col] = first.split('.');
      const el = document.getElementById(row !== undefined ? `${ID}-${fid}-${row}-${col}` : `${ID}-${fid}`) ?? document.getElementById(`${ID}-${fid}-problem`);
      el?.focus();
      return;
    }
    const sub = await store.submit(async () => valuesOf(fields, draft, files ? await files.attachments(fileIds) : {}));
    if (sub) {
      files?.sent();
      onDone();
    }
  };

  return (
    <form class="form cl-answer-form" onSubmit={submit} noValidate>
      <AnswerFields
        idPrefix={ID}
        fields={fields}
        draft={draft}
        onChange={(d) => {
          setDraft(d);
          // Once the form has been refused, what is corrected stops being marked as typed.
          if (nProblems) setProblems(checkAnswer(fields, d, files?.counts(fileIds)));
        }}
        problems={problems}
        files={files}
        context={collectionContext(c.id)}
        disabled={busy}
      />
      <p class="form-error" role="alert" hidden={!nProblems && !s.errors.submit}>
        {nProblems ? t('collect.err_form', { n: nProblems }) : s.errors.submit ? collectError(s.errors.submit) : ''}
      </p>
      <div class="form-actions cl-answer-actions">
        <button type="submit" class="btn btn-primary cl-wide-btn" disabled={busy}>
          {busy ? t('collect.answer_submitting') : resubmit ? t('collect.answer_resubmit') : t('collect.answer_submit')}
        </button>
      </div>
    </form>
  );
}
