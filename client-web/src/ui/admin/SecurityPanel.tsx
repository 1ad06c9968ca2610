// 账号安全: password reset (a new one-time password) and second-factor reset.

import { useState } from 'preact/hooks';
import type { AdminApi } from '../../admin/api';
import type { User } from '../../admin/types';
import { toUiError, type UiError } from '../../errors';
import { t } from '../../i18n';
import { AdminError, ConfirmBar, StatusLine } from './shared';

type Asking = 'password' | 'totp' | undefined;

export function SecurityPanel(p: { api: AdminApi; user: User; onReset: (u: User, password?: string) => void }) {
  const [asking, setAsking] = useState<Asking>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UiError>();
  const [status, setStatus] = useState<string>();
  const name = p.user.display_name;

  const run = async (what: 'password' | 'totp') => {
    setBusy(true);
    setError(undefined);
    setStatus(undefined);
    try {
      if (what === 'password') {
        const r = await p.api.resetPassword(p.user.id);
        p.onReset(r.user, r.one_time_password);
      } else {
        await p.api.resetTotp(p.user.id);
        p.onReset({ ...p.user, totp_enabled: false });
        setStatus(t('admin.security.totp_done'));
      }
      setAsking(undefined);
    } catch (err) {
      setError(toUiError(err, Date.now()));
      setAsking(undefined);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="panel adm-form" aria-labelledby="adm-sec-title">
      <h3 id="adm-sec-title" class="adm-h3">
        {t('admin.security.title')}
      </h3>
      <p class="muted">{p.user.totp_enabled ? t('admin.security.totp_on') : t('admin.security.totp_off')}</p>
      <div class="adm-sec-item">
        <p id="adm-sec-pw-hint" class="field-hint">
          {t('admin.security.reset_password_hint')}
        </p>
        {asking === 'password' ? (
          <ConfirmBar
            text={t('admin.security.confirm_password', { name })}
            confirmLabel={t('admin.security.reset_password')}
            busy={busy}
            onConfirm={() => void run('password')}
            onCancel={() => setAsking(undefined)}
          />
        ) : (
          <div>
            <button type="button" class="btn btn-secondary" aria-describedby="adm-sec-pw-hint" onClick={() => setAsking('password')} disabled={busy}>
              {t('admin.security.reset_password')}
            </button>
          </div>
        )}
      </div>
      <div class="adm-sec-item">
        <p id="adm-sec-totp-hint" class="field-hint">
          {t('admin.security.reset_totp_hint')}
        </p>
        {asking === 'totp' ? (
          <ConfirmBar
            text={t('admin.security.confirm_totp', { name })}
            confirmLabel={t('admin.security.reset_totp')}
            busy={busy}
            onConfirm={() => void run('totp')}
            onCancel={() => setAsking(undefined)}
          />
        ) : (
          <div>
            <button type="button" class="btn btn-secondary" aria-describedby="adm-sec-totp-hint" onClick={() => setAsking('totp')} disabled={busy}>
              {t('admin.security.reset_totp')}
            </button>
          </div>
        )}
      </div>
      <AdminError id="adm-sec-error" error={error} action="user_change" />
      <StatusLine text={status} />
    </section>
  );
}
