import type { Me, Request } from '../../api';
import type { ChatStore } from '../../chat/store';
import { t } from '../../i18n';
import { LanguageSwitch } from '../common';
import { AccountLink } from '../me/AccountLink';
import { ChannelsSection } from './ChannelsSection';
import { PushSection } from './PushSection';
import { QuietSection } from './QuietSection';
import './settings.css';

/** The person's own settings: push on this device, working time and leave, each channel's
 * notification level, and the language. */
export function SettingsPage({ request, me, chat, onAccount }: { request: Request; me: Me; chat: ChatStore; onAccount?: () => void }) {
  return (
    <section class="panel settings-page" aria-labelledby="settings-title">
      <h1 id="settings-title" class="page-title">
        {t('settings.title')}
      </h1>
      <AccountLink onOpen={onAccount} />
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
