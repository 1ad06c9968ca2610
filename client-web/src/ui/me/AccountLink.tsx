import { t } from '../../i18n';
import './me.css';

/** In 设置: where the password and the second factor are (我 → 账号与安全). */
export function AccountLink({ onOpen }: { onOpen?: () => void }) {
  return (
    <section class="settings-section" aria-labelledby="settings-account-title">
      <h2 id="settings-account-title" class="settings-heading">
        {t('account.title')}
      </h2>
      <ul class="me-links">
        <li>
          <a
            class="me-link"
            href="/me"
            onClick={(e) => {
              if (!onOpen || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
              e.preventDefault();
              onOpen();
            }}
          >
            <span class="me-link-title">{t('account.password_change')} · {t('account.totp')}</span>
            <span class="me-link-hint">{t('me.account_link')}</span>
          </a>
        </li>
      </ul>
    </section>
  );
}
