// 填写项: the fields of a form as they are built — name, type, required, a choice's options
// (one a line) and whether several may be chosen, a table's columns and most rows — each
// movable up and down and removable, and 添加填写项 of a chosen type.

import { useState } from 'preact/hooks';
import { move, newField, type CreateProblem, type CreateProblems, type DraftField } from '../../collect/builder';
import { COLUMN_TYPES, FIELD_TYPES, MAX_COLUMNS, MAX_FIELDS, MAX_TABLE_ROWS, type FieldType } from '../../collect/types';
import { t, type MessageKey } from '../../i18n';

export function createProblemText(p: CreateProblem | undefined): string | undefined {
  return p ? t(p.key as MessageKey, p.params) : undefined;
}

const typeKey = (type: FieldType) => `collect.type_${type}` as MessageKey;

interface Props {
  idPrefix: string;
  fields: DraftField[];
  onChange: (f: DraftField[]) => void;
  problems: CreateProblems;
}

export function FieldsBuilder({ idPrefix, fields, onChange, problems }: Props) {
  const [adding, setAdding] = useState<FieldType>('text');
  const problem = createProblemText(problems.fields);
  return (
    <fieldset class="ntc-fieldset cl-builder" aria-describedby={`${idPrefix}-fields-hint${problem ? ` ${idPrefix}-fields-problem` : ''}`}>
      <legend class="ntc-legend-title">{t('collect.fields')}</legend>
      <p id={`${idPrefix}-fields-hint`} class="field-hint">
        {t('collect.fields_hint', { max: MAX_FIELDS })}
      </p>
      <span id={`${idPrefix}-fields`} tabIndex={-1} />
      <ol class="cl-build-list">
        {fields.map((f, i) => (
          <li key={f.id} class="cl-build-item">
            <FieldEditor
              id={`${idPrefix}-${f.id}`}
              n={i + 1}
              f={f}
              types={FIELD_TYPES}
              problems={problems}
              pkey={`field:${f.id}`}
              onField={(nf) => onChange(fields.map((x) => (x.id === f.id ? nf : x)))}
              onUp={i > 0 ? () => onChange(move(fields, i, -1)) : undefined}
              onDown={i < fields.length - 1 ? () => onChange(move(fields, i, 1)) : undefined}
              onRemove={() => onChange(fields.filter((x) => x.id !== f.id))}
            />
          </li>
        ))}
      </ol>
      <div class="cl-build-add">
        <label class="visually-hidden" htmlFor={`${idPrefix}-add-type`}>
          {t('collect.field_type')}
        </label>
        <select id={`${idPrefix}-add-type`} class="input cl-select" value={adding} onChange={(e) => setAdding((e.currentTarget as HTMLSelectElement).value as FieldType)}>
          {FIELD_TYPES.map((ty) => (
            <option key={ty} value={ty}>
              {t(typeKey(ty))}
            </option>
          ))}
        </select>
        <button type="button" class="btn btn-secondary" disabled={fields.length >= MAX_FIELDS} onClick={() => onChange([...fields, newField(fields, adding)])}>
          {t('collect.field_add')}
        </button>
      </div>
      <p id={`${idPrefix}-fields-problem`} class="form-error" hidden={!problem}>
        {problem ?? ''}
      </p>
    </fieldset>
  );
}

interface EditorProps {
  id: string;
  n: number;
  f: DraftField;
  types: readonly FieldType[];
  problems: CreateProblems;
  pkey: string;
  column?: boolean;
  onField: (f: DraftField) => void;
  onUp?: () => void;
  onDown?: () => void;
  onRemove: () => void;
}

function FieldEditor({ id, n, f, types, problems, pkey, column = false, onField, onUp, onDown, onRemove }: EditorProps) {
  const set = (p: Partial<DraftField>) => onField({ ...f, ...p });
  const name = f.label.trim() || t('collect.field_untitled');
  const labelProblem = createProblemText(problems[pkey]);
  const optProblem = createProblemText(problems[`${pkey}:options`]);
  const colProblem = createProblemText(problems[`${pkey}:columns`]);
  const rowsProblem = createProblemText(problems[`${pkey}:rows`]);
  return (
    <fieldset class={`ntc-fieldset cl-editor${column ? ' cl-editor-column' : ''}`}>
      <legend class="cl-editor-title">{t(column ? 'collect.column_n' : 'collect.field_n', { n })}</legend>
      <div class="cl-editor-main">
        <div class="field cl-editor-label">
          <label htmlFor={`${id}-label`}>{t('collect.field_label')}</label>
          <input
            id={`${id}-label`}
            class="input"
            type="text"
            autocomplete="off"
            value={f.label}
            aria-invalid={labelProblem ? 'true' : undefined}
            aria-describedby={labelProblem ? `${id}-label-problem` : undefined}
            onInput={(e) => set({ label: (e.currentTarget as HTMLInputElement).value })}
          />
          <p id={`${id}-label-problem`} class="form-error" hidden={!labelProblem}>
            {labelProblem ?? ''}
          </p>
        </div>
        <div class="field cl-editor-type">
          <label htmlFor={`${id}-type`}>{t('collect.field_type')}</label>
          <select
            id={`${id}-type`}
            class="input cl-select"
            value={f.type}
            onChange={(e) => {
              const type = (e.currentTarget as HTMLSelectElement).value as FieldType;
              const fresh = newField([], type, column ? 'c' : 'f');
              set({ type, columns: type === 'table' && !f.columns.length ? fresh.columns : f.columns, maxRows: type === 'table' && !f.maxRows ? fresh.maxRows : f.maxRows });
            }}
          >
            {types.map((ty) => (
              <option key={ty} value={ty}>
                {t(typeKey(ty))}
              </option>
            ))}
          </select>
        </div>
        <label class="ntc-check cl-editor-required">
          <input type="checkbox" checked={f.required} onChange={(e) => set({ required: (e.currentTarget as HTMLInputElement).checked })} />
          <span>{t('collect.field_required')}</span>
        </label>
      </div>
      {f.type === 'choice' ? (
        <div class="cl-editor-more">
          <div class="field">
            <label htmlFor={`${id}-options`}>{t('collect.field_options')}</label>
            <textarea
              id={`${id}-options`}
              class="input"
              rows={3}
              value={f.options}
              aria-invalid={optProblem ? 'true' : undefined}
              aria-describedby={optProblem ? `${id}-options-problem` : undefined}
              onInput={(e) => set({ options: (e.currentTarget as HTMLTextAreaElement).value })}
            />
            <p id={`${id}-options-problem`} class="form-error" hidden={!optProblem}>
              {optProblem ?? ''}
            </p>
          </div>
          <label class="ntc-check">
            <input type="checkbox" checked={f.multiple} onChange={(e) => set({ multiple: (e.currentTarget as HTMLInputElement).checked })} />
            <span>{t('collect.field_multiple')}</span>
          </label>
        </div>
      ) : null}
      {f.type === 'table' && !column ? (
        <div class="cl-editor-more">
          <div class="field cl-editor-rows">
            <label htmlFor={`${id}-rows`}>{t('collect.field_max_rows')}</label>
            <input
              id={`${id}-rows`}
              class="input"
              type="text"
              inputMode="numeric"
              value={f.maxRows}
              aria-invalid={rowsProblem ? 'true' : undefined}
              aria-describedby={`${id}-rows-hint${rowsProblem ? ` ${id}-rows-problem` : ''}`}
              onInput={(e) => set({ maxRows: (e.currentTarget as HTMLInputElement).value })}
            />
            <p id={`${id}-rows-hint`} class="field-hint">
              {t('collect.field_max_rows_hint', { max: MAX_TABLE_ROWS })}
            </p>
            <p id={`${id}-rows-problem`} class="form-error" hidden={!rowsProblem}>
              {rowsProblem ?? ''}
            </p>
          </div>
          <fieldset class="ntc-fieldset cl-columns">
            <legend class="ntc-legend-sub">{t('collect.field_columns')}</legend>
            <ol class="cl-build-list">
              {f.columns.map((c, i) => (
                <li key={c.id} class="cl-build-item">
                  <FieldEditor
                    id={`${id}-${c.id}`}
                    n={i + 1}
                    f={c}
                    column
                    types={COLUMN_TYPES}
                    problems={problems}
                    pkey={`${pkey}:${c.id}`}
                    onField={(nc) => set({ columns: f.columns.map((x) => (x.id === c.id ? nc : x)) })}
                    onUp={i > 0 ? () => set({ columns: move(f.columns, i, -1) }) : undefined}
                    onDown={i < f.columns.length - 1 ? () => set({ columns: move(f.columns, i, 1) }) : undefined}
                    onRemove={() => set({ columns: f.columns.filter((x) => x.id !== c.id) })}
                  />
                </li>
              ))}
            </ol>
            <button type="button" class="btn btn-secondary btn-small cl-column-add" disabled={f.columns.length >= MAX_COLUMNS} onClick={() => set({ columns: [...f.columns, newField(f.columns, 'text', 'c')] })}>
              {t('collect.column_add')}
            </button>
            <p class="form-error" hidden={!colProblem}>
              {colProblem ?? ''}
            </p>
          </fieldset>
        </div>
      ) : null}
      <div class="cl-editor-actions">
        <button type="button" class="btn btn-quiet btn-small" disabled={!onUp} aria-label={t('collect.field_up_label', { name })} onClick={onUp}>
          {t('collect.field_up')}
        </button>
        <button type="button" class="btn btn-quiet btn-small" disabled={!onDown} aria-label={t('collect.field_down_label', { name })} onClick={onDown}>
          {t('collect.field_down')}
        </button>
        <button type="button" class="btn btn-quiet btn-small ntc-danger" aria-label={t('collect.field_remove_label', { name })} onClick={onRemove}>
          {t('collect.field_remove')}
        </button>
      </div>
    </fieldset>
  );
}
