import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n';
import type { AppStore, Screen } from '../state';
import { ErrorText, Field } from './common';

type PwScreen = Extract<Screen, { name: 'change_password' }>;

export function ChangePasswordPage({ store, screen }: { store: AppStore; screen: PwScreen }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const currentRef = useRef<HTMLInputElement>(null);
  const nextRef = useRef<HTMLInputElement>(null);
  const error = screen.error;

  useEffect(() => {
    (currentRef.current ?? nextRef.current)?.focus();
  }, []);
  // Cleared in the render that shows the error, not after the next paint (useEffect): in
  // between, what the person typed again would be wiped.
  useLayoutEffect(() => {
    if (!error) return;
    if (error.code === 'invalid_credentials') {
      setCurrent('');
      currentRef.current?.focus();
    } else if (error.code === 'password_policy' || error.code === 'password_mismatch') {
      setNext('');
      setConfirm('');
      nextRef.current?.focus();
    }
  }, [error]);

  const onSubmit = (e: Event) => {
    e.preventDefault();
    void store.changePassword(current, next, confirm);
  };
  const nextInvalid = error?.code === 'password_policy' || error?.code === 'password_mismatch';
  return (
    <form class="form" onSubmit={onSubmit} aria-labelledby="pw-title">
      <h2 id="pw-title" class="form-title">
        {t('pw.title')}
      </h2>
      <p class="form-intro">{screen.knowsCurrent ? t('pw.one_time_intro') : t('pw.intro')}</p>
      <input type="text" class="visually-hidden" autocomplete="username" value={screen.me.username} readOnly tabIndex={-1} aria-hidden="true" />
      {/* After a login with a one-time password, that password is still known: not asked again. */}
      {screen.knowsCurrent ? null : (
        <Field
          id="current_password"
          type="password"
          label={t('pw.current')}
          value={current}
          onInput={setCurrent}
          autocomplete="current-password"
          required
          inputRef={currentRef}
          invalid={error?.code === 'invalid_credentials'}
          describedBy={error ? 'pw-error' : undefined}
        />
      )}
      <Field
        id="new_password"
        type="password"
        label={t('pw.new')}
        value={next}
        onInput={setNext}
        autocomplete="new-password"
        required
        maxLength={128}
        inputRef={nextRef}
        hint={t('pw.hint')}
        invalid={nextInvalid}
        describedBy={error ? 'pw-error' : undefined}
      />
      <Field
        id="confirm_password"
        type="password"
        label={t('pw.confirm')}
        value={confirm}
        onInput={setConfirm}
        autocomplete="new-password"
        required
        maxLength={128}
        invalid={nextInvalid}
        describedBy={error ? 'pw-error' : undefined}
      />
      <ErrorText id="pw-error" error={error} />
      <button type="submit" class="btn btn-primary btn-block" disabled={screen.busy} aria-busy={screen.busy}>
        {t('pw.submit')}
      </button>
    </form>
  );
}
