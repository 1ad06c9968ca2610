import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Me, Request } from '../../api';
import { toUiError, type UiError } from '../../errors';
import { t, type MessageKey } from '../../i18n';
import { browserPushDeps, disablePush, enablePush, PushError, pushState, sendTestPush, type PushDeps, type PushState } from '../../push/client';
import { pushPrompt } from '../../push/prompt';
import { ErrorText } from '../common';

type Note = { key: MessageKey; params?: Record<string, number> } | undefined;

/** Why enabling failed, in words; undefined for a server error (shown as one). */
export function pushErrorKey(e: unknown): MessageKey | undefined {
  if (!(e instanceof PushError)) return undefined;
  switch (e.code) {
    case 'unsupported':
      return 'settings.push.unsupported';
    case 'denied':
      return 'settings.push.denied';
    case 'dismissed':
      return 'settings.push.dismissed';
    case 'no_worker':
      return 'settings.push.no_worker';
    case 'push_service':
      return 'settings.push.push_service';
    default:
      return 'settings.push.bad_key';
  }
}

/** 消息推送 on this device: its state, the switch, and a test push. */
export function PushSection({ request, me, deps: given }: { request: Request; me: Me; deps?: PushDeps }) {
  const deps = useMemo(() => given ?? browserPushDeps(request), [request, given]);
  const [state, setState] = useState<PushState | undefined>();
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<Note>();
  const [error, setError] = useState<UiError>();

  useEffect(() => {
    let live = true;
    void pushState(deps, me.id).then((s) => live && setState(s));
    return () => {
      live = false;
    };
  }, [deps, me.id]);

  const on = state?.kind === 'on';
  const toggle = async () => {
    if (busy || !state || state.kind === 'unsupported') return;
    setBusy(true);
    setNote(undefined);
    setError(undefined);
    try {
      // enablePush asks for permission before anything else awaits: this is the click.
      const next = on ? await disablePush(deps, me.id) : await enablePush(deps, me.id);
      if (next.kind === 'on') pushPrompt.done();
      setState(next);
    } catch (e) {
      const key = pushErrorKey(e);
      if (key === 'settings.push.denied') setState({ kind: 'denied' });
      else if (key) setNote({ key });
      else setError(toUiError(e, Date.now()));
    } finally {
      setBusy(false);
    }
  };
  const test = async () => {
    setBusy(true);
    setNote(undefined);
    setError(undefined);
    try {
      const r = await sendTestPush(request);
      const n = r && typeof r.queued === 'number' ? r.queued : undefined;
      setNote(n === undefined ? { key: 'settings.push.test_queued' } : n > 0 ? { key: 'settings.push.test_sent', params: { n } } : { key: 'settings.push.test_none' });
    } catch (e) {
      setError(toUiError(e, Date.now()));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="settings-section" aria-labelledby="settings-push-title">
      <h2 id="settings-push-title" class="settings-heading">
        {t('settings.push.title')}
      </h2>
      <p class="muted">{t('settings.push.intro')}</p>
      {!state ? (
        <p class="muted" role="status">
          {t('settings.push.checking')}
        </p>
      ) : state.kind === 'unsupported' ? (
        <p class="settings-warning" id="push-status">
          {t('settings.push.unsupported')}
        </p>
      ) : state.kind === 'denied' ? (
        <div class="settings-warning" id="push-status" role="status">
          <p>{t('settings.push.denied')}</p>
          <p>{t('settings.push.denied_how')}</p>
        </div>
      ) : (
        <div class="settings-row">
          <button
            type="button"
            id="push-switch"
            class="switch"
            role="switch"
            aria-checked={on ? 'true' : 'false'}
            aria-describedby="push-status"
            disabled={busy}
            onClick={() => void toggle()}
          >
            <span class="switch-track" aria-hidden="true">
              <span class="switch-thumb" />
            </span>
            <span class="switch-label">{t('settings.push.switch')}</span>
          </button>
          <span id="push-status" class="muted" role="status">
            {busy ? t('settings.push.working') : on ? t('settings.push.on') : t('settings.push.off')}
          </span>
        </div>
      )}
      {state?.kind === 'on' ? (
        <div class="settings-actions">
          <button type="button" class="btn btn-secondary" id="push-test" disabled={busy} onClick={() => void test()}>
            {t('settings.push.test')}
          </button>
        </div>
      ) : null}
      {note ? (
        <p class="settings-note" role="status">
          {t(note.key, note.params)}
        </p>
      ) : null}
      <ErrorText id="push-error" error={error} />
    </section>
  );
}
