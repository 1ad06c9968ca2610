import { useEffect, useState } from 'preact/hooks';
import { checkLine, lineValues } from '../../collect/answer';
import { readerState, signupLines } from '../../collect/status';
import type { CollectState, CollectStore } from '../../collect/store';
import { MAX_LINE, type Collection } from '../../collect/types';
import { t, type MessageKey } from '../../i18n';
import { collectError } from './parts';

const ID = 'cl-signup';

/** A 接龙 as in WeChat: the numbered lines everyone asked can see, in the order they were
 * first sent, and my own line to add or change until the deadline or the close. */
export function SignupPanel({ c, s, store, meId, now }: { c: Collection; s: CollectState; store: CollectStore; meId: number; now: number }) {
  const lines = signupLines(s.open?.submissions ?? []);
  const { state, canEdit } = readerState(c, now);
  const mineLine = typeof c.my?.submission?.values?.line === 'string' ? c.my.submission.values.line : '';
  const [line, setLine] = useState(mineLine);
  const [editing, setEditing] = useState(!mineLine);
  const [problem, setProblem] = useState<string>();
  useEffect(() => {
    setLine(mineLine);
    setEditing(!mineLine);
  }, [mineLine]);
  const busy = !!s.busy.submit;
  const asked = !!c.my;

  const submit = async (e: Event) => {
    e.preventDefault();
    const p = checkLine(line);
    setProblem(p ? t(p.key as MessageKey, p.params) : undefined);
    if (p) return void document.getElementById(`${ID}-line`)?.focus();
    const sub = await store.submit(lineValues(line));
    if (sub) setEditing(false);
  };

  return (
    <section class="cl-panel cl-signup" aria-labelledby={`${ID}-title`}>
      <h2 id={`${ID}-title`} class="ntc-h2">
        {t('collect.signup_lines', { n: lines.length })}
      </h2>
      {lines.length ? (
        <ol class="cl-lines">
          {lines.map((l) => (
            <li key={l.submission.user_id} class={`cl-line${l.submission.user_id === meId ? ' cl-line-mine' : ''}`}>
              <span class="cl-line-n" aria-hidden="true">
                {l.n}.
              </span>
              <span class="cl-line-name">{l.submission.user_name}</span>
              <span class="cl-line-text">{l.line}</span>
              {l.submission.user_id === meId ? <span class="ntc-tag cl-tag-mine">{t('collect.signup_mine')}</span> : null}
            </li>
          ))}
        </ol>
      ) : (
        <p class="muted">{t('collect.signup_empty')}</p>
      )}
      {asked && canEdit ? (
        editing ? (
          <form class="form cl-line-form" onSubmit={submit} noValidate>
            <div class="field">
              <label htmlFor={`${ID}-line`}>{t('collect.signup_line')}</label>
              <input
                id={`${ID}-line`}
                class="input"
                type="text"
                autocomplete="off"
                value={line}
                aria-invalid={problem ? 'true' : undefined}
                aria-describedby={`${ID}-hint${problem ? ` ${ID}-problem` : ''}`}
                onInput={(e) => setLine((e.currentTarget as HTMLInputElement).value)}
              />
              <p id={`${ID}-hint`} class="field-hint">
                {t('collect.signup_line_hint', { max: MAX_LINE })}
              </p>
              <p id={`${ID}-problem`} class="form-error" hidden={!problem}>
                {problem ?? ''}
              </p>
            </div>
            <p class="form-error" role="alert" hidden={!s.errors.submit}>
              {s.errors.submit ? collectError(s.errors.submit) : ''}
            </p>
            <button type="submit" class="btn btn-primary cl-wide-btn" disabled={busy}>
              {busy ? t('collect.answer_submitting') : state === 'todo' ? t('collect.signup_add') : t('collect.signup_save')}
            </button>
          </form>
        ) : (
          <button type="button" class="btn btn-secondary cl-wide-btn" onClick={() => setEditing(true)}>
            {t('collect.signup_edit')}
          </button>
        )
      ) : asked ? (
        <p class="muted">{c.status === 'closed' ? t('collect.answer_closed') : t('collect.answer_deadline')}</p>
      ) : null}
    </section>
  );
}
