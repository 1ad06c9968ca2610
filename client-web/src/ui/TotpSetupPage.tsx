import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n';
import type { AppStore, Screen } from '../state';
import { CodeField, ErrorText } from './common';

type SetupScreen = Extract<Screen, { name: 'totp_setup' }>;

/** ABCD EFGH IJKL … for reading aloud and typing by hand. */
export function groupSecret(secret: string): string {
  return secret.replace(/\s+/g, '').replace(/(.{4})(?=.)/g, '$1 ');
}

/** Only data: URLs of images are shown; anything else the server might send is ignored. */
export function safeImage(src: string): string | undefined {
  return /^data:image\/(png|gif|jpeg|webp);base64,[A-Za-z0-9+/=]+$/.test(src) ? src : undefined;
}

export function TotpSetupPage({ store, screen }: { store: AppStore; screen: SetupScreen }) {
  const [code, setCode] = useState('');
  const codeRef = useRef<HTMLInputElement>(null);
  const { setup, error, busy } = screen;

  useEffect(() => {
    if (!setup && !busy && !error) void store.loadTotpSetup();
  }, [setup, busy, error]);
  useEffect(() => {
    if (setup) codeRef.current?.focus();
  }, [setup]);
  useEffect(() => {
    if (error && setup) {
      setCode('');
      codeRef.current?.focus();
    }
  }, [error]);

  const onSubmit = (e: Event) => {
    e.preventDefault();
    void store.enableTotp(code);
  };
  const qr = setup ? safeImage(setup.qr_png) : undefined;
  return (
    <form class="form" onSubmit={onSubmit} aria-labelledby="totp-setup-title">
      <h2 id="totp-setup-title" class="form-title">
        {t('totp.title')}
      </h2>
      <p class="form-intro">{t('totp.intro')}</p>
      {setup ? (
        <div class="totp-enrol">
          {qr ? <img class="totp-qr" src={qr} alt={t('totp.qr_alt')} width={200} height={200} /> : null}
          <p class="totp-secret-label">{t('totp.secret')}</p>
          <p class="totp-secret" translate={false}>
            {groupSecret(setup.secret)}
          </p>
        </div>
      ) : (
        <p class="muted" aria-live="polite">
          {busy ? t('totp.loading') : ''}
        </p>
      )}
      {setup ? (
        <CodeField
          id="totp_enable_code"
          label={t('totp.code')}
          value={code}
          onInput={setCode}
          inputRef={codeRef}
          invalid={!!error}
          describedBy={error ? 'totp-setup-error' : undefined}
        />
      ) : null}
      <ErrorText id="totp-setup-error" error={error} />
      <div class="form-actions">
        {!setup && error ? (
          <button type="button" class="btn btn-secondary" onClick={() => void store.loadTotpSetup()} disabled={busy}>
            {t('app.retry')}
          </button>
        ) : null}
        {setup ? (
          <button type="submit" class="btn btn-primary" disabled={busy} aria-busy={busy}>
            {t('totp.submit')}
          </button>
        ) : null}
      </div>
    </form>
  );
}
