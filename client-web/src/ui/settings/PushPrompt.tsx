import { useMemo, useState } from 'preact/hooks';
import type { Me, Request } from '../../api';
import { t, type MessageKey } from '../../i18n';
import { browserPushDeps, enablePush, pushSupported, type PushDeps } from '../../push/client';
import { offerPrompt, pushPrompt, type PromptStore } from '../../push/prompt';
import { useStore } from '../hooks';
import { pushErrorKey } from './PushSection';
import './settings.css';

/**
 * The one-time offer to turn pushes on, shown after the person first confirms a notice or
 * sends a message (notePushMoment() in src/push/prompt.ts), only while the browser has not
 * been asked yet. Either button makes it go for good on this device.
 */
export function PushPrompt({ request, me, prompt = pushPrompt, deps: given }: { request: Request; me: Me; prompt?: PromptStore; deps?: PushDeps }) {
  const deps = useMemo(() => given ?? browserPushDeps(request), [request, given]);
  const stage = useStore(prompt, prompt.stage);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<MessageKey>();

  const supported = given ? !!deps.notification : pushSupported();
  if (note) {
    return (
      <div class="push-prompt" role="status">
        <p>{t(note)}</p>
        <button type="button" class="btn btn-quiet" onClick={() => setNote(undefined)}>
          {t('settings.cancel')}
        </button>
      </div>
    );
  }
  if (!offerPrompt(stage, deps.notification?.permission, supported)) return null;

  const enable = async () => {
    setBusy(true);
    try {
      await enablePush(deps, me.id);
      prompt.done();
    } catch (e) {
      prompt.dismiss();
      setNote(pushErrorKey(e) ?? 'settings.push.no_worker');
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="push-prompt" role="region" aria-label={t('settings.prompt.label')}>
      <p>{t('settings.prompt.text')}</p>
      <div class="push-prompt-actions">
        <button type="button" class="btn btn-primary" disabled={busy} onClick={() => void enable()}>
          {t('settings.prompt.enable')}
        </button>
        <button type="button" class="btn btn-quiet" disabled={busy} onClick={() => prompt.dismiss()}>
          {t('settings.prompt.later')}
        </button>
      </div>
    </div>
  );
}
