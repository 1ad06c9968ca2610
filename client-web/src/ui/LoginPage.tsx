import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n';
import type { AppStore, Screen } from '../state';
import { CodeField, ErrorText, Field } from './common';
import './phone/phone.css';

type LoginScreen = Extract<Screen, { name: 'login' }>;

export function LoginPage({ store, screen }: { store: AppStore; screen: LoginScreen }) {
  return screen.step === 'totp' ? <TotpStep store={store} screen={screen} /> : <CredentialsStep store={store} screen={screen} />;
}

function CredentialsStep({ store, screen }: { store: AppStore; screen: LoginScreen }) {
  const [username, setUsername] = useState(screen.username);
  const [password, setPassword] = useState('');
  const userRef = useRef<HTMLInputElement>(null);
  const passRef = useRef<HTMLInputElement>(null);
  const error = screen.error;

  // First visit: focus the username (or the password when the name is known).
  useEffect(() => {
    (screen.username ? passRef : userRef).current?.focus();
  }, []);
  // A failed attempt: clear the password and put the cursor back into it.
  useEffect(() => {
    if (!error) return;
    setPassword('');
    if (error.code === 'invalid_credentials') passRef.current?.focus();
  }, [error]);

  const onSubmit = (e: Event) => {
    e.preventDefault();
    void store.login(username, password);
  };
  const invalid = error?.code === 'invalid_credentials';
  return (
    <form class="form" onSubmit={onSubmit} noValidate={false} aria-labelledby="login-title">
      <h2 id="login-title" class="form-title">
        {t('login.title')}
      </h2>
      <Field
        id="username"
        label={t('login.username')}
        value={username}
        onInput={setUsername}
        autocomplete="username"
        required
        maxLength={64}
        inputRef={userRef}
        invalid={invalid}
        describedBy={error ? 'login-error' : undefined}
      />
      <Field
        id="password"
        type="password"
        label={t('login.password')}
        value={password}
        onInput={setPassword}
        autocomplete="current-password"
        required
        maxLength={256}
        inputRef={passRef}
        invalid={invalid}
        describedBy={error ? 'login-error' : undefined}
      />
      <ErrorText id="login-error" error={error} />
      <button type="submit" class="btn btn-primary btn-block" disabled={screen.busy} aria-busy={screen.busy}>
        {screen.busy ? t('login.submitting') : t('login.submit')}
      </button>
      <details class="login-forgot">
        <summary>{t('login.forgot')}</summary>
        <p>{t('login.forgot_text')}</p>
      </details>
    </form>
  );
}

function TotpStep({ store, screen }: { store: AppStore; screen: LoginScreen }) {
  const [code, setCode] = useState('');
  const codeRef = useRef<HTMLInputElement>(null);
  const error = screen.error;
  useEffect(() => {
    codeRef.current?.focus();
  }, []);
  useEffect(() => {
    if (!error) return;
    setCode('');
    codeRef.current?.focus();
  }, [error]);

  const onSubmit = (e: Event) => {
    e.preventDefault();
    void store.submitTotp(code);
  };
  return (
    <form class="form" onSubmit={onSubmit} aria-labelledby="totp-title">
      <h2 id="totp-title" class="form-title">
        {t('login.totp_title')}
      </h2>
      <p class="form-intro">{t('login.totp_hint')}</p>
      <CodeField
        id="totp_code"
        label={t('login.totp_code')}
        value={code}
        onInput={setCode}
        inputRef={codeRef}
        invalid={!!error}
        describedBy={error ? 'totp-error' : undefined}
      />
      <ErrorText id="totp-error" error={error} />
      <div class="form-actions">
        <button type="button" class="btn btn-secondary" onClick={() => store.cancelTotp()} disabled={screen.busy}>
          {t('login.back')}
        </button>
        <button type="submit" class="btn btn-primary" disabled={screen.busy} aria-busy={screen.busy}>
          {t('login.totp_submit')}
        </button>
      </div>
    </form>
  );
}
