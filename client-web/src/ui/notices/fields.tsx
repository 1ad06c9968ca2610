// Form fields of the notice dialogs: labelled, with a hint, a counter and a problem line.

import type { UiError } from '../../errors';
import { t } from '../../i18n';
import { charCount } from '../../notices/form';
import { noticeError } from './NoticeList';

interface TextProps {
  id: string;
  label: string;
  value: string;
  onInput: (v: string) => void;
  max: number;
  hint?: string;
  problem?: string;
}

function describedBy(id: string, hint?: string, problem?: string): string | undefined {
  return [hint ? `${id}-hint` : '', problem ? `${id}-problem` : ''].filter(Boolean).join(' ') || undefined;
}

function Below({ id, hint, problem, count, max }: { id: string; hint?: string; problem?: string; count: number; max: number }) {
  return (
    <>
      {hint ? (
        <p id={`${id}-hint`} class="field-hint">
          {hint}
        </p>
      ) : null}
      {count > max * 0.8 ? (
        <p class={count > max ? 'field-hint ntc-over' : 'field-hint'} aria-live="polite">
          {count} / {max}
        </p>
      ) : null}
      <p id={`${id}-problem`} class="form-error" hidden={!problem}>
        {problem ?? ''}
      </p>
    </>
  );
}

export function TextField(p: TextProps & { inputRef?: { current: HTMLInputElement | null } }) {
  return (
    <div class="field">
      <label htmlFor={p.id}>{p.label}</label>
      <input
        id={p.id}
        ref={p.inputRef}
        class="input"
        type="text"
        value={p.value}
        autocomplete="off"
        aria-invalid={p.problem ? 'true' : undefined}
        aria-describedby={describedBy(p.id, p.hint, p.problem)}
        onInput={(e) => p.onInput((e.currentTarget as HTMLInputElement).value)}
      />
      <Below id={p.id} hint={p.hint} problem={p.problem} count={charCount(p.value)} max={p.max} />
    </div>
  );
}

export function TextArea(p: TextProps & { rows: number; inputRef?: { current: HTMLTextAreaElement | null } }) {
  return (
    <div class="field">
      <label htmlFor={p.id}>{p.label}</label>
      <textarea
        id={p.id}
        ref={p.inputRef}
        class="input ntc-textarea"
        rows={p.rows}
        value={p.value}
        aria-invalid={p.problem ? 'true' : undefined}
        aria-describedby={describedBy(p.id, p.hint, p.problem)}
        onInput={(e) => p.onInput((e.currentTarget as HTMLTextAreaElement).value)}
      />
      <Below id={p.id} hint={p.hint} problem={p.problem} count={charCount(p.value)} max={p.max} />
    </div>
  );
}

/** Date and time of a deadline, read as Beijing time whatever the device's zone. */
export function DeadlineFields(p: { idPrefix: string; date: string; time: string; onChange: (date: string, time: string) => void; problem?: string }) {
  const hintId = `${p.idPrefix}-deadline-hint`;
  const probId = `${p.idPrefix}-deadline-problem`;
  const desc = [hintId, p.problem ? probId : ''].filter(Boolean).join(' ');
  return (
    <fieldset class="ntc-fieldset">
      <legend class="ntc-legend-title">{t('notices.f_deadline')}</legend>
      <div class="ntc-deadline-fields">
        <div class="field">
          <label htmlFor={`${p.idPrefix}-date`}>{t('notices.f_deadline_date')}</label>
          <input
            id={`${p.idPrefix}-date`}
            class="input"
            type="date"
            value={p.date}
            aria-describedby={desc}
            aria-invalid={p.problem ? 'true' : undefined}
            onInput={(e) => p.onChange((e.currentTarget as HTMLInputElement).value, p.time)}
          />
        </div>
        <div class="field">
          <label htmlFor={`${p.idPrefix}-time`}>{t('notices.f_deadline_time')}</label>
          <input
            id={`${p.idPrefix}-time`}
            class="input"
            type="time"
            step={60}
            value={p.time}
            aria-describedby={desc}
            aria-invalid={p.problem ? 'true' : undefined}
            onInput={(e) => p.onChange(p.date, (e.currentTarget as HTMLInputElement).value)}
          />
        </div>
      </div>
      <p id={hintId} class="field-hint">
        {t('notices.f_deadline_hint')}
      </p>
      <p id={probId} class="form-error" hidden={!p.problem}>
        {p.problem ?? ''}
      </p>
    </fieldset>
  );
}

/** The end of a notice dialog's form: the server's refusal, if any, then 取消 and the
 * submit button, which says what it is doing while busy. */
export function FormEnd(p: { error?: UiError; errorText?: string; busy: boolean; busyLabel: string; submitLabel: string; danger?: boolean; onCancel: () => void }) {
  return (
    <>
      <p class="form-error" role="alert" hidden={!p.error}>
        {p.error ? (p.errorText ?? noticeError(p.error)) : ''}
      </p>
      <div class="form-actions">
        <button type="button" class="btn btn-secondary" onClick={p.onCancel}>
          {t('notices.cancel')}
        </button>
        <button type="submit" class={p.danger ? 'btn btn-primary ntc-danger-solid' : 'btn btn-primary'} disabled={p.busy}>
          {p.busy ? p.busyLabel : p.submitLabel}
        </button>
      </div>
    </>
  );
}
