import { Fragment } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { exportHref } from '../../collect/api';
import { bundleName, downloadBundle } from '../../collect/bundle';
import { cellText, fileAnswers, groupStatus, statusShares, submissionsTable, todoOf, type StatusFilter } from '../../collect/status';
import type { CollectState, CollectStore } from '../../collect/store';
import { collectionContext, MAX_NOTE, type Collection, type Submission } from '../../collect/types';
import { ZipTooLargeError } from '../../collect/zip';
import { browserDownloadEnv } from '../../files/download';
import { openErrorText } from '../../files/open';
import { formatDateTime } from '../../format';
import { locale, t, type MessageKey } from '../../i18n';
import { charCount } from '../../notices/form';
import { shortDateTime } from '../../notices/time';
import { ConfirmDialog, Modal } from '../groups/Modal';
import { useFilesView } from '../files/scope';
import { AnswerView } from './AnswerView';
import { collectError } from './parts';

const FILTERS: { v: StatusFilter; key: MessageKey }[] = [
  { v: 'all', key: 'collect.filter_all' },
  { v: 'todo', key: 'collect.filter_todo' },
  { v: 'returned', key: 'collect.filter_returned' },
  { v: 'submitted', key: 'collect.filter_submitted' },
];

const STATE_KEY: Record<string, MessageKey> = { todo: 'collect.state_todo', submitted: 'collect.state_submitted', returned: 'collect.state_returned' };

/** The author's view: who has and has not submitted, by department, live; 提醒, 关闭,
 * 导出Excel, 打包下载附件; every submission as a table with 退回 and its whole answer. */
export function AuthorPanel({ c, s, store, now }: { c: Collection; s: CollectState; store: CollectStore; now: number }) {
  const [filter, setFilter] = useState<StatusFilter>('all');
  const [closing, setClosing] = useState(false);
  const status = s.open?.status;
  const groups = groupStatus(status, filter);
  const open = c.status === 'open';
  const remind = s.open?.remind;
  // The counts of the status when it is here (live), else the collection's.
  const counts = status?.counts ?? c.counts;
  const todo = todoOf(counts);
  const shares = statusShares(counts);
  const pc = (n: number) => `${n}%`;

  return (
    <>
      <section class="cl-panel cl-status" aria-labelledby="cl-status-title" data-submitted={counts.submitted} data-returned={counts.returned}>
        <h2 id="cl-status-title" class="ntc-h2">
          {t('collect.author_title')}
        </h2>
        <p class="cl-counts" aria-live="polite">
          {t(c.per === 'department' ? 'collect.counts_units' : 'collect.counts', { submitted: counts.submitted, returned: counts.returned, todo, total: counts.units })}
        </p>
        <svg class="ntc-bar cl-bar" width="100%" height="14" aria-hidden="true" focusable="false">
          <rect class="ntc-bar-unseen" x="0" y="0" width="100%" height="14" />
          <rect class="cl-bar-returned" x={pc(shares.submitted)} y="0" width={pc(shares.returned)} height="14" />
          <rect class="ntc-bar-confirmed" x="0" y="0" width={pc(shares.submitted)} height="14" />
        </svg>
        {!status ? <p class="muted">{t('app.loading')}</p> : null}
        <div class="cl-actions">
          {open && c.can_manage ? (
            <button type="button" class="btn btn-primary" disabled={!!s.busy.remind || todo === 0} onClick={() => void store.remind()}>
              {s.busy.remind ? t('collect.reminding') : t('collect.remind')}
            </button>
          ) : null}
          {/* A 接龙's lines export too (one column, 接龙内容). */}
          <a class="btn btn-secondary" href={exportHref(c.id)} download>
            {t('collect.export')}
          </a>
          {c.can_manage ? <Bundle c={c} subs={s.open?.submissions ?? []} /> : null}
          {open && c.can_manage ? (
            <button type="button" class="btn btn-secondary ntc-danger" onClick={() => setClosing(true)}>
              {t('collect.close')}
            </button>
          ) : null}
        </div>
        <p class="cl-action-result" role="status">
          {remind
            ? remind.next_remind_at
              ? t('collect.reminded_next', { n: remind.reminded, time: shortDateTime(remind.next_remind_at, now, locale.get()) })
              : t('collect.reminded', { n: remind.reminded })
            : ''}
        </p>
        {s.errors.remind || s.errors.close ? (
          <p class="form-error" role="alert">
            {collectError((s.errors.remind ?? s.errors.close)!)}
          </p>
        ) : null}
        <fieldset class="ntc-fieldset ntc-inline cl-filter">
          <legend class="ntc-legend-sub">{t('collect.filter')}</legend>
          {FILTERS.map((f) => (
            <label key={f.v} class="ntc-check cl-filter-item">
              <input type="radio" name="cl-filter" checked={filter === f.v} onChange={() => setFilter(f.v)} />
              <span>{t(f.key)}</span>
            </label>
          ))}
        </fieldset>
        {status && !groups.length ? <p class="muted">{t('collect.nobody')}</p> : null}
        <ul class="cl-depts">
          {groups.map((g) => (
            <li key={g.id} class="cl-dept">
              <h3 class="cl-dept-name">
                {g.name || t('collect.no_department')} <span class="muted cl-dept-count">{t('collect.dept_counts', { done: g.submitted, n: g.total })}</span>
              </h3>
              <ul class="cl-people">
                {g.people.map((p) => (
                  <li key={p.user_id} class={`cl-person cl-person-${p.state}`}>
                    <span class="cl-person-name">{p.display_name}</span>
                    <span class={`ntc-state cl-state-${p.state}`}>{t(STATE_KEY[p.state] ?? 'collect.state_todo')}</span>
                    {p.updated_at && p.state !== 'todo' ? (
                      <time class="muted ntc-small" dateTime={p.updated_at}>
                        {shortDateTime(p.updated_at, now, locale.get())}
                      </time>
                    ) : null}
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      </section>
      {c.kind === 'form' ? <SubmissionsTable c={c} s={s} store={store} /> : null}
      {closing ? (
        <ConfirmDialog
          id="cl-close"
          title={t('collect.close_confirm_title')}
          text={t('collect.close_confirm', { title: c.title })}
          confirmLabel={t('collect.close')}
          action="update"
          onCancel={() => setClosing(false)}
          onConfirm={async () => {
            // A refusal shows in the panel (s.errors.close), where the dialog returns to.
            await store.closeCollection();
            setClosing(false);
          }}
        />
      ) : null}
    </>
  );
}

function Bundle({ c, subs }: { c: Collection; subs: Submission[] }) {
  const view = useFilesView();
  const [run, setRun] = useState<{ done: number; n: number; state: 'running' | 'done' | 'failed'; error?: string }>();
  const abort = useRef<AbortController>();
  const n = fileAnswers(c.fields ?? [], subs).length;
  if (!(c.fields ?? []).some((f) => f.type === 'file')) return null;
  const start = async () => {
    if (!view || run?.state === 'running') return;
    const ac = new AbortController();
    abort.current = ac;
    setRun({ done: 0, n, state: 'running' });
    try {
      const saved = await downloadBundle({
        collection: c,
        submissions: subs,
        opener: view.opener,
        env: browserDownloadEnv(),
        noDepartment: t('collect.no_department'),
        name: bundleName(c, t('collect.bundle_suffix')),
        signal: ac.signal,
        onProgress: (p) => setRun({ done: p.files, n: p.total, state: 'running' }),
      });
      setRun(saved ? { done: n, n, state: 'done' } : undefined);
    } catch (e) {
      if ((e as { name?: string })?.name === 'AbortError') return setRun(undefined);
      setRun({ done: 0, n, state: 'failed', error: e instanceof ZipTooLargeError ? t('collect.bundle_too_large') : openErrorText(e, locale.get()) });
    }
  };
  return (
    <>
      <button type="button" class="btn btn-secondary" disabled={!n || run?.state === 'running' || !view} title={!n ? t('collect.bundle_none') : undefined} onClick={() => void start()}>
        {t('collect.bundle')}
      </button>
      {run ? (
        <p class={run.state === 'failed' ? 'form-error cl-bundle' : 'cl-bundle'} role={run.state === 'failed' ? 'alert' : 'status'}>
          {run.state === 'running'
            ? t('collect.bundle_running', { done: run.done, n: run.n })
            : run.state === 'done'
              ? t('collect.bundle_done', { n: run.n })
              : t('collect.bundle_failed', { reason: run.error ?? '' })}
          {run.state === 'running' ? (
            <button type="button" class="btn btn-quiet btn-small" onClick={() => abort.current?.abort()}>
              {t('collect.bundle_cancel')}
            </button>
          ) : null}
        </p>
      ) : null}
    </>
  );
}

function SubmissionsTable({ c, s, store }: { c: Collection; s: CollectState; store: CollectStore }) {
  const fields = c.fields ?? [];
  const view = submissionsTable(fields, s.open?.submissions ?? []);
  const [shown, setShown] = useState<number>();
  const [returning, setReturning] = useState<Submission>();
  const open = c.status === 'open' && c.can_manage;
  return (
    <section class="cl-panel cl-table-panel" aria-labelledby="cl-table-title">
      <h2 id="cl-table-title" class="ntc-h2">
        {t('collect.table_title', { n: view.rows.length })}
      </h2>
      {!view.rows.length ? (
        <p class="muted">{t('collect.table_empty')}</p>
      ) : (
        <div class="cl-scroll" tabIndex={0} role="region" aria-labelledby="cl-table-title">
          <table class="cl-subs">
            <thead>
              <tr>
                <th scope="col">{t('collect.col_person')}</th>
                <th scope="col">{t('collect.col_department')}</th>
                <th scope="col">{t('collect.col_time')}</th>
                <th scope="col">{t('collect.col_state')}</th>
                {view.columns.map((f) => (
                  <th key={f.id} scope="col">
                    {f.label}
                  </th>
                ))}
                <th scope="col">{t('collect.col_actions')}</th>
              </tr>
            </thead>
            <tbody>
              {view.rows.map(({ submission: sub, cells }) => (
                <Fragment key={sub.user_id}>
                  <tr class={`cl-sub cl-sub-${sub.state}`} data-user={sub.user_id}>
                    <th scope="row">{sub.user_name}</th>
                    <td data-label={t('collect.col_department')}>{sub.department_name || t('collect.no_department')}</td>
                    <td data-label={t('collect.col_time')}>
                      <time dateTime={sub.updated_at || sub.submitted_at}>{formatDateTime(sub.updated_at || sub.submitted_at, locale.get())}</time>
                    </td>
                    <td data-label={t('collect.col_state')}>
                      <span class={`ntc-state cl-state-${sub.state}`}>{t(STATE_KEY[sub.state] ?? 'collect.state_submitted')}</span>
                    </td>
                    {view.columns.map((f, i) => (
                      <td key={f.id} class={f.type === 'number' ? 'cl-num' : undefined} data-label={f.label}>
                        {f.type === 'file' ? (cellText(f, cells[i]) ? t('collect.file_given') : '') : f.type === 'table' && cells[i] ? t('collect.table_rows', { n: cellText(f, cells[i]) }) : cellText(f, cells[i])}
                      </td>
                    ))}
                    <td class="cl-row-actions">
                      <button type="button" class="btn btn-quiet btn-small" aria-expanded={shown === sub.user_id} onClick={() => setShown(shown === sub.user_id ? undefined : sub.user_id)}>
                        {shown === sub.user_id ? t('collect.hide_answer') : t('collect.show_answer')}
                      </button>
                      {open && sub.state === 'submitted' ? (
                        <button type="button" class="btn btn-quiet btn-small ntc-danger" aria-label={t('collect.return_label', { name: sub.user_name })} onClick={() => setReturning(sub)}>
                          {t('collect.return')}
                        </button>
                      ) : null}
                    </td>
                  </tr>
                  {shown === sub.user_id ? (
                    <tr class="cl-sub-answer">
                      <td colSpan={view.columns.length + 5}>
                        {sub.return_note ? <p class="cl-returned">{t('collect.returned_note', { name: c.author_name, note: sub.return_note })}</p> : null}
                        <AnswerView fields={fields} values={sub.values} context={collectionContext(c.id)} />
                      </td>
                    </tr>
                  ) : null}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {returning ? <ReturnDialog sub={returning} s={s} store={store} onClose={() => setReturning(undefined)} /> : null}
    </section>
  );
}

function ReturnDialog({ sub, s, store, onClose }: { sub: Submission; s: CollectState; store: CollectStore; onClose: () => void }) {
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<string>();
  const ref = useRef<HTMLTextAreaElement>(null);
  const busy = !!s.busy.return;
  const submit = async (e: Event) => {
    e.preventDefault();
    const p = !note.trim() ? t('collect.err_required') : charCount(note.trim()) > MAX_NOTE ? t('collect.err_too_long', { max: MAX_NOTE }) : undefined;
    setProblem(p);
    if (p) return void ref.current?.focus();
    if (await store.returnTo(sub.user_id, note)) onClose();
  };
  return (
    <Modal id="cl-return" title={t('collect.return_title', { name: sub.user_name })} onClose={onClose} size="narrow" initialFocus={ref}>
      <form class="form" onSubmit={submit} noValidate>
        <div class="field">
          <label htmlFor="cl-return-note">{t('collect.return_note')}</label>
          <textarea
            id="cl-return-note"
            ref={ref}
            class="input"
            rows={3}
            value={note}
            aria-invalid={problem ? 'true' : undefined}
            aria-describedby={`cl-return-hint${problem ? ' cl-return-problem' : ''}`}
            onInput={(e) => setNote((e.currentTarget as HTMLTextAreaElement).value)}
          />
          <p id="cl-return-hint" class="field-hint">
            {t('collect.return_note_hint', { max: MAX_NOTE })}
          </p>
          <p id="cl-return-problem" class="form-error" hidden={!problem}>
            {problem ?? ''}
          </p>
        </div>
        <p class="form-error" role="alert" hidden={!s.errors.return}>
          {s.errors.return ? collectError(s.errors.return) : ''}
        </p>
        <div class="form-actions">
          <button type="button" class="btn btn-secondary" onClick={onClose}>
            {t('collect.cancel')}
          </button>
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {busy ? t('collect.returning') : t('collect.return_submit')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
