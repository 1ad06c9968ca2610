import { useMemo } from 'preact/hooks';
import type { Me, Request } from '../../api';
import { t } from '../../i18n';
import type { NoticeStore } from '../../notices/store';
import { browserPushDeps, pushSupported } from '../../push/client';
import { offerPrompt, pushPrompt } from '../../push/prompt';
import { useStore } from '../hooks';
import { NoticeReminders } from '../notices/Reminders';
import { PushPrompt } from '../settings/PushPrompt';
import { PhoneBanner } from './PhoneBanner';

/** The push offer; one line on a phone while it is an offer. */
export function PhonePushPrompt({ request, me }: { request: Request; me: Me }) {
  const stage = useStore(pushPrompt, pushPrompt.stage);
  const deps = useMemo(() => browserPushDeps(request), [request]);
  const offered = offerPrompt(stage, deps.notification?.permission, pushSupported());
  return (
    <PhoneBanner id="push-offer" line={t('phone.push_line')} active={offered}>
      <PushPrompt request={request} me={me} />
    </PhoneBanner>
  );
}

/** "Please confirm" reminders outside the notices section; one line on a phone. */
export function PhoneReminders({ notices, onOpen }: { notices: NoticeStore; onOpen: (id: number) => void }) {
  const s = useStore(notices);
  const first = s.reminders[0];
  const n = s.reminders.length;
  const title = first?.title;
  const line = !title
    ? t('phone.reminders_line_untitled')
    : n > 1
      ? t('phone.reminders_line_more', { n, title })
      : t('phone.reminders_line', { title });
  return (
    <PhoneBanner id="reminders" line={line} active={n > 0} tone={s.reminders.some((r) => r.urgent) ? 'urgent' : 'warn'}>
      <NoticeReminders notices={notices} onOpen={onOpen} />
    </PhoneBanner>
  );
}
