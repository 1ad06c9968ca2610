import type { Me, Request } from '../../api';
import type { ChatStore } from '../../chat/store';
import { t } from '../../i18n';
import { LanguageSwitch } from '../common';

/** The person's own settings: language, and (being built) notifications and quiet hours. */
export function SettingsPage(_p: { request: Request; me: Me; chat: ChatStore }) {
  return (
    <section class="panel" aria-labelledby="settings-title">
      <h1 id="settings-title" class="page-title">
        {t('settings.title')}
      </h1>
      <LanguageSwitch />
    </section>
  );
}
