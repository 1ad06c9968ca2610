// One person: profile, memberships and account security, each saved on its own.

import { useEffect, useState } from 'preact/hooks';
import type { AdminApi } from '../../admin/api';
import { isWatcherRole, type OrgTree, type User } from '../../admin/types';
import { toUiError, type UiError } from '../../errors';
import { formatDateTime } from '../../format';
import { locale, roleKey, t } from '../../i18n';
import { ErrorText } from '../common';
import { MembershipsForm } from './MembershipsForm';
import { ProfileForm } from './ProfileForm';
import { SecurityPanel } from './SecurityPanel';
import { OneTimePasswordBox, ViewHeading } from './shared';

export function UserDetail(p: { api: AdminApi; org: OrgTree; id: number; otp?: string; onBack: () => void }) {
  const [user, setUser] = useState<User>();
  const [error, setError] = useState<UiError>();
  const [otp, setOtp] = useState(p.otp);

  useEffect(() => {
    let live = true;
    p.api.getUser(p.id).then(
      (r) => live && setUser(r.user),
      (e: unknown) => live && setError(toUiError(e, Date.now())),
    );
    return () => {
      live = false;
    };
  }, [p.api, p.id]);

  const back = (
    <div>
      <button type="button" class="btn btn-quiet adm-back" onClick={p.onBack}>
        ← {t('admin.user.back')}
      </button>
    </div>
  );
  if (!user) {
    return (
      <div class="adm-stack">
        {back}
        {error ? <ErrorText id="adm-user-error" error={error} /> : <p class="muted">{t('admin.loading')}</p>}
      </div>
    );
  }
  const watcher = isWatcherRole(user.role);
  const l = locale.get();
  const locked = user.locked_until && Date.parse(user.locked_until) > Date.now();
  return (
    <div class="adm-stack">
      {back}
      <div class="adm-user-head">
        <ViewHeading id="adm-user-title">
          {user.display_name} <span class="adm-mono adm-sub">{user.username}</span>
        </ViewHeading>
        <p class="muted">
          {t(roleKey(user.role))} · {t('admin.user.created_at', { time: formatDateTime(user.created_at, l) })}
        </p>
        {locked ? <p class="adm-warn">{t('admin.user.locked_until', { time: formatDateTime(user.locked_until!, l) })}</p> : null}
        {watcher ? <p class="adm-note">{t('admin.user.watcher')}</p> : null}
      </div>
      {otp ? <OneTimePasswordBox name={user.display_name} username={user.username} password={otp} onDismiss={() => setOtp(undefined)} /> : null}
      <ProfileForm api={p.api} user={user} readOnly={watcher} onSaved={setUser} />
      <MembershipsForm api={p.api} org={p.org} user={user} readOnly={watcher} onSaved={setUser} />
      {watcher ? null : (
        <SecurityPanel
          api={p.api}
          user={user}
          onReset={(u, password) => {
            setUser(u);
            setOtp(password);
          }}
        />
      )}
    </div>
  );
}
