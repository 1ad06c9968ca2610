import { useRef, useState } from 'preact/hooks';
import { fingerprint, type KeyringStore } from '../../../files/keyring-impl';
import { t } from '../../../i18n';
import { useStore } from '../../hooks';
import { useFilesSend } from './context';
import { KeyPrompt } from './KeyPrompt';
import './send.css';


/** 我 → 加密密钥: the key's state on this device, the unlock form while locked, and
 * 创建新的加密密钥 (with its warning) when the old key cannot be unlocked. */
export function KeySection() {
  const v = useFilesSend();
  return v ? <KeySectionOf keyring={v.fs.keyring} /> : null;
}

function KeySectionOf({ keyring }: { keyring: KeyringStore }) {
  const s = useStore(keyring);
  const [creating, setCreating] = useState(false);
  const [password, setPassword] = useState('');
  const [done, setDone] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const state =
    s.status === 'ready' ? t('keys.state_ready') : s.status === 'locked' ? t('keys.state_locked') : s.status === 'none' ? t('keys.state_none') : s.status === 'error' ? t('keys.state_error') : t('keys.state_loading');
  return (
    <section class="me-section" aria-labelledby="keys-title" id="encryption-key">
      <h2 id="keys-title" class="me-heading">
        {t('keys.section')}
      </h2>
      <div class="me-item">
        <p class="muted me-small">{t('keys.intro')}</p>
        <p class="me-small" role="status">
          {state}
          {s.keyId && s.status === 'ready' ? (
            <>
              {' '}
              <span class="key-fingerprint" translate={false}>
                {t('keys.fingerprint', { id: fingerprint(s.keyId) })}
              </span>
            </>
          ) : null}
          {done && s.status === 'ready' ? ` ${t('keys.create_done')}` : ''}
        </p>
        {s.status !== 'ready' ? <KeyPrompt keyring={keyring} id="me-key" inline /> : null}
        {s.status === 'locked' && !creating ? (
          <button
            type="button"
            class="btn btn-secondary"
            onClick={() => {
              setCreating(true);
              setTimeout(() => input.current?.focus(), 0);
            }}
          >
            {t('keys.create')}
          </button>
        ) : null}
        {s.status === 'locked' && creating ? (
          <form
            class="form me-form"
            aria-label={t('keys.create')}
            onSubmit={(e) => {
              e.preventDefault();
              if (!password || s.busy) return;
              void keyring.createNew(password).then(() => {
                setPassword('');
                setCreating(false);
                setDone(true);
              });
            }}
          >
            <p class="form-error" id="key-create-warning">
              {t('keys.create_warning')}
            </p>
            <label class="visually-hidden" for="key-create-password">
              {t('keys.password')}
            </label>
            <input
              id="key-create-password"
              ref={input}
              class="key-prompt-input"
              type="password"
              autocomplete="current-password"
              placeholder={t('keys.password')}
              aria-describedby="key-create-warning"
              value={password}
              maxLength={512}
              onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
            />
            <div class="form-actions">
              <button type="button" class="btn btn-secondary" disabled={s.busy} onClick={() => setCreating(false)}>
                {t('keys.cancel')}
              </button>
              <button type="submit" class="btn btn-primary" disabled={s.busy || !password} aria-busy={s.busy}>
                {s.busy ? t('keys.working') : t('keys.create_submit')}
              </button>
            </div>
          </form>
        ) : null}
      </div>
    </section>
  );
}
