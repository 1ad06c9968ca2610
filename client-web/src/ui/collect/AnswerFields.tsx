// The inputs of a form's fields as the person asked fills them in — also the preview of
// 发起收集 (no files then, nothing sent). Each field is labelled, says its problem beside
// it, and at phone width takes the whole width with 44 px targets (collect.css).

import { useRef } from 'preact/hooks';
import { addRow, cellKey, removeRow, type AnswerDraft, type AnswerProblem, type AnswerProblems, type DraftCell, type DraftRow } from '../../collect/answer';
import type { AnswerFiles } from '../../collect/files';
import { MAX_TABLE_ROWS, type Field } from '../../collect/types';
import { formatSize } from '../../files/size';
import { percent, type UploadItem } from '../../files/upload';
import { t, type MessageKey } from '../../i18n';
import { useStore } from '../hooks';
import { AttachmentView } from '../files/AttachmentView';
import { AttachmentScope } from '../files/scope';
import { statusText, UploadRow } from '../files/send/UploadRows';
import '../files/send/send.css';
import './collect.css';

export function problemText(p: AnswerProblem | undefined): string | undefined {
  return p ? t(p.key as MessageKey, p.params) : undefined;
}

interface Props {
  idPrefix: string;
  fields: readonly Field[];
  draft: AnswerDraft;
  onChange: (d: AnswerDraft) => void;
  problems: AnswerProblems;
  /** The answer's files; absent in the preview. */
  files?: AnswerFiles;
  /** The context of the files kept from the answer before (collection:<id>). */
  context?: string;
  disabled?: boolean;
}

export function AnswerFields(p: Props) {
  const set = (id: string, v: DraftCell | DraftRow[]) => p.onChange({ ...p.draft, [id]: v });
  return (
    <div class="cl-fields">
      {p.fields.map((f) => {
        const id = `${p.idPrefix}-${f.id}`;
        const prob = problemText(p.problems[f.id]);
        if (f.type === 'table') return <TableField key={f.id} id={id} f={f} rows={(p.draft[f.id] as DraftRow[]) ?? []} onRows={(r) => set(f.id, r)} problems={p.problems} problem={prob} disabled={p.disabled} />;
        if (f.type === 'file') return <FileField key={f.id} id={id} f={f} files={p.files} context={p.context} problem={prob} disabled={p.disabled} />;
        return <Cell key={f.id} id={id} f={f} value={p.draft[f.id] as DraftCell} onValue={(v) => set(f.id, v)} problem={prob} disabled={p.disabled} />;
      })}
    </div>
  );
}

function Label({ f, htmlFor }: { f: Field; htmlFor?: string }) {
  const inner = (
    <>
      {f.label}
      {f.required ? (
        <span class="cl-required" aria-label={t('collect.field_required')}>
          {' *'}
        </span>
      ) : null}
    </>
  );
  return htmlFor ? <label htmlFor={htmlFor}>{inner}</label> : <legend class="cl-legend">{inner}</legend>;
}

function Problem({ id, text }: { id: string; text?: string }) {
  return (
    <p id={`${id}-problem`} class="form-error" hidden={!text}>
      {text ?? ''}
    </p>
  );
}

/** A simple field, or one cell of a table's row. */
function Cell({ id, f, value, onValue, problem, disabled, compact }: { id: string; f: Field; value: DraftCell | undefined; onValue: (v: DraftCell) => void; problem?: string; disabled?: boolean; compact?: boolean }) {
  const invalid = problem ? 'true' : undefined;
  const desc = problem ? `${id}-problem` : undefined;
  if (f.type === 'choice') {
    const chosen = Array.isArray(value) ? value : value ? [value] : [];
    return (
      <fieldset class={`ntc-fieldset cl-field cl-choice${compact ? ' cl-cell' : ''}`} aria-describedby={desc} aria-invalid={invalid}>
        <Label f={f} />
        <div class="cl-options">
          {(f.options ?? []).map((o) => (
            <label key={o} class="ntc-check cl-option">
              <input
                type={f.multiple ? 'checkbox' : 'radio'}
                name={id}
                checked={chosen.includes(o)}
                disabled={disabled}
                onChange={(e) => {
                  const on = (e.currentTarget as HTMLInputElement).checked;
                  if (f.multiple) onValue(on ? [...chosen, o] : chosen.filter((c) => c !== o));
                  else onValue(on ? o : '');
                }}
              />
              <span>{o}</span>
            </label>
          ))}
          {!f.multiple && !f.required && chosen.length ? (
            <button type="button" class="btn btn-quiet btn-small cl-clear" disabled={disabled} onClick={() => onValue('')}>
              {t('collect.choice_none')}
            </button>
          ) : null}
        </div>
        <Problem id={id} text={problem} />
      </fieldset>
    );
  }
  const v = typeof value === 'string' ? value : '';
  const input = (e: Event) => onValue((e.currentTarget as HTMLInputElement).value);
  return (
    <div class={`field cl-field${compact ? ' cl-cell' : ''}`}>
      <Label f={f} htmlFor={id} />
      {f.type === 'text' && !compact ? (
        <textarea id={id} class="input cl-text" rows={2} value={v} disabled={disabled} aria-invalid={invalid} aria-describedby={desc} onInput={input} />
      ) : (
        <input
          id={id}
          class="input"
          type={f.type === 'date' ? 'date' : 'text'}
          inputMode={f.type === 'number' ? 'decimal' : undefined}
          autocomplete="off"
          placeholder={f.type === 'number' ? t('collect.number_hint') : undefined}
          value={v}
          disabled={disabled}
          aria-invalid={invalid}
          aria-describedby={desc}
          onInput={input}
        />
      )}
      <Problem id={id} text={problem} />
    </div>
  );
}

function TableField({ id, f, rows, onRows, problems, problem, disabled }: { id: string; f: Field; rows: DraftRow[]; onRows: (r: DraftRow[]) => void; problems: AnswerProblems; problem?: string; disabled?: boolean }) {
  const max = Math.min(f.max_rows || MAX_TABLE_ROWS, MAX_TABLE_ROWS);
  const cols = f.columns ?? [];
  return (
    <fieldset class="ntc-fieldset cl-field cl-table" aria-describedby={problem ? `${id}-problem` : undefined}>
      <Label f={f} />
      <p class="field-hint" aria-live="polite">
        {t('collect.rows_count', { n: rows.length, max })}
      </p>
      <ol class="cl-rows">
        {rows.map((r, i) => (
          <li key={i} class="cl-row">
            <fieldset class="ntc-fieldset">
              <legend class="cl-row-title">{t('collect.row_n', { n: i + 1 })}</legend>
              <div class="cl-row-cells">
                {cols.map((c) => (
                  <Cell
                    key={c.id}
                    compact
                    id={`${id}-${i}-${c.id}`}
                    f={c}
                    value={r[c.id]}
                    disabled={disabled}
                    problem={problemText(problems[cellKey(f.id, i, c.id)])}
                    onValue={(v) => onRows(rows.map((x, j) => (j === i ? { ...x, [c.id]: v } : x)))}
                  />
                ))}
              </div>
              <button type="button" class="btn btn-quiet btn-small cl-row-remove" disabled={disabled} aria-label={t('collect.row_remove_label', { n: i + 1 })} onClick={() => onRows(removeRow(f, rows, i))}>
                {t('collect.row_remove')}
              </button>
            </fieldset>
          </li>
        ))}
      </ol>
      <button type="button" class="btn btn-secondary cl-row-add" disabled={disabled || rows.length >= max} onClick={() => onRows(addRow(f, rows))}>
        {t('collect.row_add')}
      </button>
      <Problem id={id} text={problem} />
    </fieldset>
  );
}

function FileField({ id, f, files, context, problem, disabled }: { id: string; f: Field; files?: AnswerFiles; context?: string; problem?: string; disabled?: boolean }) {
  return (
    <fieldset class="ntc-fieldset cl-field cl-files" aria-describedby={`${id}-hint${problem ? ` ${id}-problem` : ''}`}>
      <Label f={f} />
      {files ? (
        <FilePicker id={id} f={f} files={files} context={context} disabled={disabled} />
      ) : (
        <button type="button" class="btn btn-secondary cl-files-add" disabled>
          {t('collect.files_add')}
        </button>
      )}
      <Problem id={id} text={problem} />
    </fieldset>
  );
}

function FilePicker({ id, f, files, context, disabled }: { id: string; f: Field; files: AnswerFiles; context?: string; disabled?: boolean }) {
  const s = useStore(files);
  const input = useRef<HTMLInputElement>(null);
  const items: UploadItem[] = s.items[f.id] ?? [];
  const kept = s.kept[f.id];
  const limit = files.limitOf(f.id);
  const refused = s.refused.filter((r) => r.fieldId === f.id);
  const has = !!kept || items.length > 0;
  return (
    <>
      <button type="button" class="btn btn-secondary cl-files-add" disabled={disabled} aria-describedby={`${id}-hint`} onClick={() => input.current?.click()}>
        <span aria-hidden="true">📎</span> {has ? t('collect.files_replace') : t('collect.files_add')}
      </button>
      <p id={`${id}-hint`} class="field-hint">
        {t('collect.files_hint', { limit: formatSize(limit) })}
      </p>
      <input
        ref={input}
        id={`${id}-input`}
        type="file"
        hidden
        onChange={(e) => {
          const el = e.currentTarget as HTMLInputElement;
          const picked = el.files ? Array.from(el.files) : [];
          el.value = '';
          if (picked.length) files.add(f.id, picked);
        }}
      />
      {refused.length ? (
        <div class="upload-refused" role="alert">
          <ul>
            {refused.map((r, i) => (
              <li key={i}>{t('collect.files_too_large', { name: r.name, limit: formatSize(limit) })}</li>
            ))}
          </ul>
          <button type="button" class="btn btn-quiet btn-small" onClick={() => files.clearRefused()}>
            {t('collect.files_dismiss')}
          </button>
        </div>
      ) : null}
      {kept && context ? (
        <AttachmentScope context={context} gallery={() => []}>
          <div class="cl-kept-item" aria-label={t('collect.files_kept')}>
            <AttachmentView att={kept} />
            <button type="button" class="btn btn-quiet btn-small" disabled={disabled} onClick={() => files.removeKept(f.id)}>
              {t('collect.files_remove')}
            </button>
          </div>
        </AttachmentScope>
      ) : null}
      {items.length ? (
        <ul class="upload-list cl-uploads">
          {items.map((it) => (
            <UploadRow
              key={it.id}
              it={it}
              status={it.stage === 'uploaded' ? t('collect.files_uploaded') : statusText(it, percent(it), false)}
              locked={disabled}
              onRetry={() => files.retry(it.id)}
              onCancel={() => files.cancel(it.id)}
            />
          ))}
        </ul>
      ) : null}
    </>
  );
}
