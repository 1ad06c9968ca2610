import type { Me, Request } from '../../api';
import type { ChatStore } from '../../chat/store';
import { t } from '../../i18n';
import { LanguageSwitch } from '../common';
import { ChannelsSection } from './ChannelsSection';
import { PushSection } from './PushSection';
import { QuietSection } from './QuietSection';
import './settings.css';

/** The person's own settings: push on this device, working time and leave, each channel's
 * notification level, and the language. */
export function SettingsPage({ request, me, chat }: { request: Request; me: Me; chat: ChatStore }) {
  return (
    <section class="panel settings-page" aria-labelledby="settings-title">
      <h1 id="settings-title" class="page-title">
        {t('settings.title')}
      </h1>
      <PushSection request={request} me={me} />
      <QuietSection request={request} />
      <ChannelsSection request={request} chat={chat} />
      <section class="settings-section" aria-labelledby="settings-language-title">
        <h2 id="settings-language-title" class="settings-heading">
          {t('settings.language')}
        </h2>
        <LanguageSwitch />
      </section>
    </section>
  );
}
