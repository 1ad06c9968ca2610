import type { ComponentChildren, Ref } from 'preact';
import { describeError, type UiError } from '../errors';
import { locale, t } from '../i18n';

export function LanguageSwitch() {
  const next = locale.get() === 'zh-CN' ? 'en' : 'zh-CN';
  return (
    <button
      type="button"
      class="btn btn-quiet lang-switch"
      lang={next}
      aria-label={`${t('lang.switch_label')}: ${t('lang.other')}`}
      onClick={() => locale.set(next)}
    >
      {t('lang.other')}
    </button>
  );
}

/** The search box of a people picker: typing goes to `onInput`; Enter searches rather than
 * submitting the form the picker sits in. */
export function PeopleSearchBox(p: { id: string; value: string; onInput: (text: string) => void; describedBy: string; inputRef?: Ref<HTMLInputElement>; invalid?: boolean }) {
  return (
    <input
      id={p.id}
      ref={p.inputRef}
      class="input"
      type="search"
      value={p.value}
      maxLength={64}
      autocomplete="off"
      spellcheck={false}
      aria-invalid={p.invalid ? 'true' : undefined}
      aria-describedby={p.describedBy}
      onInput={(e) => p.onInput((e.currentTarget as HTMLInputElement).value)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') e.preventDefault();
      }}
    />
  );
}

/** An error line that screen readers announce. Text only, never HTML. */
export function ErrorText({ id, error }: { id: string; error?: UiError }) {
  return (
    <p id={id} class="form-error" role="alert" hidden={!error}>
      {error ? describeError(error, locale.get()) : ''}
    </p>
  );
}

interface FieldProps {
  id: string;
  label: string;
  value: string;
  onInput: (v: string) => void;
  type?: 'text' | 'password';
  autocomplete?: string;
  inputMode?: 'numeric' | 'text';
  maxLength?: number;
  pattern?: string;
  required?: boolean;
  invalid?: boolean;
  describedBy?: string;
  hint?: ComponentChildren;
  inputRef?: { current: HTMLInputElement | null };
  disabled?: boolean;
  class?: string;
}

export function Field(p: FieldProps) {
  const hintId = p.hint ? `${p.id}-hint` : undefined;
  const describedBy = [hintId, p.describedBy].filter(Boolean).join(' ') || undefined;
  return (
    <div class="field">
      <label htmlFor={p.id}>{p.label}</label>
      <input
        id={p.id}
        name={p.id}
        ref={p.inputRef}
        class={p.class ? `input ${p.class}` : 'input'}
        type={p.type ?? 'text'}
        value={p.value}
        onInput={(e) => p.onInput((e.currentTarget as HTMLInputElement).value)}
        autocomplete={p.autocomplete}
        inputMode={p.inputMode}
        maxLength={p.maxLength}
        pattern={p.pattern}
        required={p.required}
        disabled={p.disabled}
        aria-invalid={p.invalid ? 'true' : undefined}
        aria-describedby={describedBy}
        spellcheck={false}
        autocapitalize="off"
      />
      {p.hint ? (
        <p id={hintId} class="field-hint">
          {p.hint}
        </p>
      ) : null}
    </div>
  );
}

/** The code of an authenticator app: digits and spaces only (people copy "123 456"),
 * offered by one-time-code autofill, numeric keypad on phones. */
export function CodeField(p: Pick<FieldProps, 'id' | 'label' | 'value' | 'onInput' | 'inputRef' | 'invalid' | 'describedBy'>) {
  return (
    <Field
      {...p}
      onInput={(v) => p.onInput(v.replace(/[^\d\s]/g, ''))}
      autocomplete="one-time-code"
      inputMode="numeric"
      pattern="[0-9 ]*"
      maxLength={7}
      required
      class="input-code"
    />
  );
}

/** The centred card layout of the login, password and enrolment screens. */
export function AuthLayout({ org, children, onLogout }: { org: string; children: ComponentChildren; onLogout?: () => void }) {
  return (
    <div class="auth-page">
      <header class="auth-top">
        <span class="brand">{t('app.name')}</span>
        <div class="auth-top-actions">
          <LanguageSwitch />
          {onLogout ? (
            <button type="button" class="btn btn-quiet" onClick={onLogout}>
              {t('shell.logout')}
            </button>
          ) : null}
        </div>
      </header>
      <main class="auth-main" id="main">
        <div class="auth-card">
          <h1 class="auth-org">{org}</h1>
          <p class="auth-tagline">{t('app.tagline')}</p>
          {children}
        </div>
        <p class="auth-footer">{t('login.footer')}</p>
      </main>
    </div>
  );
}
