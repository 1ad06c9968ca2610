import { useEffect, useRef, useState } from 'preact/hooks';
import { describeError } from '../../../errors';
import type { KeyringStore } from '../../../files/keyring-impl';
import { locale, t } from '../../../i18n';
import { useStore } from '../../hooks';

/** The small prompt shown where files are needed while the key is locked (a reload on a
 * device with no copy) or not made yet: one password field, never in the way of chat —
 * 稍后 hides it for the rest of the page's life. */
export function KeyPrompt({ keyring, id, inline = false }: { keyring: KeyringStore; id: string; /** In 我: always shown, no 稍后. */ inline?: boolean }) {
  const s = useStore(keyring);
  const [password, setPassword] = useState('');
  const [hidden, setHidden] = useState(() => keyring.promptHidden());
  const input = useRef<HTMLInputElement>(null);
  const wrong = !!s.wrongPassword;
  useEffect(() => {
    if (wrong) {
      setPassword('');
      input.current?.focus();
    }
  }, [wrong, s.busy]);
  if ((hidden && !inline) || s.status === 'ready' || s.status === 'loading') return null;
  if (s.status === 'error') {
    return (
      <p class="key-prompt key-prompt-error" role="status">
        {t('keys.load_failed', { reason: s.error ? describeError(s.error, locale.get()) : '' })}{' '}
        <button type="button" class="btn btn-quiet btn-small" disabled={s.busy} onClick={() => void keyring.retry()}>
          {t('keys.retry')}
        </button>
      </p>
    );
  }
  const setup = s.status === 'none';
  const errId = `${id}-error`;
  return (
    <form
      class="key-prompt"
      aria-labelledby={`${id}-title`}
      onSubmit={(e) => {
        e.preventDefault();
        if (password && !s.busy) void keyring.unlock(password).then(() => setPassword(''));
      }}
    >
      <p class="key-prompt-text">
        <strong id={`${id}-title`}>{setup ? t('keys.setup_title') : t('keys.unlock_title')}</strong>{' '}
        <span class="muted">{setup ? t('keys.setup_intro') : t('keys.unlock_intro')}</span>
      </p>
      <div class="key-prompt-row">
        <label class="visually-hidden" for={`${id}-password`}>
          {t('keys.password')}
        </label>
        <input
          id={`${id}-password`}
          ref={input}
          class="key-prompt-input"
          type="password"
          autocomplete="current-password"
          placeholder={t('keys.password')}
          value={password}
          maxLength={512}
          aria-invalid={wrong || undefined}
          aria-describedby={wrong ? errId : undefined}
          onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
        />
        <button type="submit" class="btn btn-primary btn-small" disabled={s.busy || !password} aria-busy={s.busy}>
          {s.busy ? t('keys.working') : setup ? t('keys.setup') : t('keys.unlock')}
        </button>
        {inline ? null : (
          <button
            type="button"
            class="btn btn-quiet btn-small"
            onClick={() => {
              keyring.hidePrompt();
              setHidden(true);
            }}
          >
            {t('keys.later')}
          </button>
        )}
      </div>
      {wrong ? (
        <p id={errId} class="form-error key-prompt-note" role="alert">
          {t('keys.wrong_password')}
        </p>
      ) : null}
    </form>
  );
}
