// Small pieces the admin pages share: error and status lines, selects, an inline
// confirmation, and the once-only password box.

import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { adminErrorText, type Action } from '../../admin/errorText';
import type { FieldProblem } from '../../admin/userForm';
import type { TreeProblem } from '../../admin/treeForm';
import type { UiError } from '../../errors';
import { locale, t } from '../../i18n';

/** A refused request, in the words of the admin action it refused. Text only. */
export function AdminError({ id, error, action }: { id: string; error?: UiError; action: Action }) {
  return (
    <p id={id} class="form-error" role="alert" hidden={!error}>
      {error ? adminErrorText(error, action, locale.get()) : ''}
    </p>
  );
}

/** A polite announcement of what just happened ("已保存。"). */
export function StatusLine({ text }: { text?: string }) {
  return (
    <p class="adm-status" role="status">
      {text ?? ''}
    </p>
  );
}

/** The text of a problem found before asking the server. */
export function problemText(p: FieldProblem | TreeProblem, field: string): string {
  switch (p.kind) {
    case 'required':
      return t('admin.problem.required', { field });
    case 'too_long':
      return t('admin.problem.too_long', { field, max: p.max });
    case 'invalid_username':
      return t('admin.problem.invalid_username');
    case 'invalid_email':
      return t('admin.problem.invalid_email');
    case 'control_characters':
      return t('admin.problem.control_characters', { field });
    case 'slash':
      return t('admin.problem.slash');
    case 'sort':
      return t('admin.problem.sort');
  }
}

/** The line under a field that says what is wrong with it. */
export function FieldProblemText({ id, text }: { id: string; text?: string }) {
  return text ? (
    <p id={id} class="adm-field-problem">
      {text}
    </p>
  ) : null;
}

export interface Option {
  value: string;
  label: string;
}

export function SelectField(p: {
  id: string;
  label: string;
  value: string;
  options: readonly Option[];
  onChange: (v: string) => void;
  hint?: string;
  disabled?: boolean;
}) {
  const hintId = p.hint ? `${p.id}-hint` : undefined;
  return (
    <div class="field">
      <label htmlFor={p.id}>{p.label}</label>
      <select
        id={p.id}
        name={p.id}
        class="input adm-select"
        value={p.value}
        disabled={p.disabled}
        aria-describedby={hintId}
        onChange={(e) => p.onChange((e.currentTarget as HTMLSelectElement).value)}
      >
        {p.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {p.hint ? (
        <p id={hintId} class="field-hint">
          {p.hint}
        </p>
      ) : null}
    </div>
  );
}

/** An inline "are you sure?" with the safe choice focused. */
export function ConfirmBar(p: { text: string; confirmLabel: string; busy?: boolean; onConfirm: () => void; onCancel: () => void }) {
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => cancelRef.current?.focus(), []);
  return (
    <div class="adm-confirm" role="group" aria-label={p.text}>
      <p>{p.text}</p>
      <div class="adm-actions">
        <button type="button" class="btn btn-primary" onClick={p.onConfirm} disabled={p.busy} aria-busy={p.busy}>
          {p.confirmLabel}
        </button>
        <button type="button" class="btn btn-secondary" ref={cancelRef} onClick={p.onCancel} disabled={p.busy}>
          {t('admin.cancel')}
        </button>
      </div>
    </div>
  );
}

/** Copies text to the clipboard and says whether that worked. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
  };
  return (
    <span class="adm-copy">
      <button type="button" class="btn btn-secondary" onClick={() => void copy()}>
        {label}
      </button>
      <span role="status" class="adm-copy-state">
        {state === 'copied' ? t('admin.otp.copied') : state === 'failed' ? t('admin.otp.copy_failed') : ''}
      </span>
    </span>
  );
}

/** A one-time password, shown once, prominently, until the administrator closes it. */
export function OneTimePasswordBox(p: { name: string; username: string; password: string; onDismiss: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.focus(), [p.password]);
  return (
    <div class="adm-otp" role="region" aria-labelledby="adm-otp-title" tabIndex={-1} ref={ref}>
      <h3 id="adm-otp-title" class="adm-otp-title">
        {t('admin.otp.title')}
      </h3>
      <p>{t('admin.otp.for', { name: p.name, username: p.username })}</p>
      <p class="adm-otp-value" translate={false}>
        {p.password}
      </p>
      <p class="adm-otp-warn">{t('admin.otp.once')}</p>
      <div class="adm-actions">
        <CopyButton text={p.password} label={t('admin.otp.copy')} />
        <button type="button" class="btn btn-primary" onClick={p.onDismiss}>
          {t('admin.otp.dismiss')}
        </button>
      </div>
    </div>
  );
}

/** A heading that takes focus when its view appears, so keyboard users land there. */
export function ViewHeading({ children, id }: { children: ComponentChildren; id: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <h2 id={id} class="adm-h2" tabIndex={-1} ref={ref}>
      {children}
    </h2>
  );
}

