import { useEffect } from 'preact/hooks';
import type { Request } from '../api';
import { describeError } from '../errors';
import { t } from '../i18n';
import type { AppStore } from '../state';
import { ChangePasswordPage } from './ChangePasswordPage';
import { AuthLayout } from './common';
import { useLocale, useStore } from './hooks';
import { LoginPage } from './LoginPage';
import { Shell } from './Shell';
import { TotpSetupPage } from './TotpSetupPage';

export function App({ store, request }: { store: AppStore; request: Request }) {
  const state = useStore(store);
  const l = useLocale();
  const org = state.info?.org_name || t('app.name');

  useEffect(() => {
    document.documentElement.lang = l;
  }, [l]);
  useEffect(() => {
    // In the shell, the title also counts unread messages (Shell sets it).
    if (state.screen.name === 'shell') return;
    document.title = state.info?.org_name ? `${state.info.org_name} · ${t('app.name')}` : t('app.name');
  }, [state.info?.org_name, l, state.screen.name]);

  const s = state.screen;
  const logout = () => void store.logout();
  switch (s.name) {
    case 'loading':
      return (
        <div class="splash" role="status" aria-live="polite">
          {t('app.loading')}
        </div>
      );
    case 'load_failed':
      return (
        <AuthLayout org={org}>
          <div class="form">
            <p class="form-error" role="alert">
              {t('app.load_failed')} {describeError(s.error, l)}
            </p>
            <button type="button" class="btn btn-primary" onClick={() => void store.start()}>
              {t('app.retry')}
            </button>
          </div>
        </AuthLayout>
      );
    case 'login':
      return (
        <AuthLayout org={org}>
          <LoginPage key={s.step} store={store} screen={s} />
        </AuthLayout>
      );
    case 'change_password':
      return (
        <AuthLayout org={org} onLogout={logout}>
          <ChangePasswordPage store={store} screen={s} />
        </AuthLayout>
      );
    case 'totp_setup':
      return (
        <AuthLayout org={org} onLogout={logout}>
          <TotpSetupPage store={store} screen={s} />
        </AuthLayout>
      );
    case 'shell':
      return <Shell store={store} request={request} me={s.me} org={org} info={state.info} route={s.route} session={s.session} />;
  }
}
