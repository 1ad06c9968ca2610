import './grouplines.css';
import { useState } from 'preact/hooks';
import type { Request } from '../../api';
import type { ChatStore } from '../../chat/store';
import type { Channel } from '../../chat/types';
import { describeError, toUiError } from '../../errors';
import { isMuted, toggledLevel } from '../../groups/lines';
import { locale, t } from '../../i18n';

/** 免打扰 in a channel's header: one tap between 全部 and 仅@我 (the per-channel level of
 * PUT /channels/{id}/notify, the same as 设置 › 频道通知). Shown as pressed at 仅@我 and
 * at 关闭; pressed off, either goes back to 全部. */
export function MuteToggle({ request, chat, channel }: { request: Request; chat: ChatStore; channel: Channel }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [status, setStatus] = useState('');
  const muted = isMuted(channel);

  const toggle = async () => {
    if (busy) return;
    const before = channel.notify ?? 'all';
    const level = toggledLevel(channel.notify);
    setBusy(true);
    setError(undefined);
    chat.setNotify(channel.id, level); // shown at once; put back if the server refuses
    try {
      await request('PUT', `/channels/${channel.id}/notify`, { level });
      setStatus(t(level === 'all' ? 'mute.status_off' : 'mute.status_on'));
    } catch (err) {
      chat.setNotify(channel.id, before);
      setError(t('mute.failed', { reason: describeError(toUiError(err, Date.now()), locale.get()) }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <button
        type="button"
        class={`btn btn-quiet btn-small mute-toggle${muted ? ' mute-toggle-on' : ''}`}
        aria-pressed={muted}
        title={t(muted ? 'mute.turn_off' : 'mute.turn_on')}
        disabled={busy}
        onClick={() => void toggle()}
      >
        <BellIcon off={muted} />
        <span class="mute-toggle-text">{t('mute.button')}</span>
      </button>
      <span class="visually-hidden" role="status">
        {status}
      </span>
      {error ? (
        <p class="form-error mute-error" role="alert">
          {error}
        </p>
      ) : null}
    </>
  );
}

/** A bell, struck through when muted. Drawn, not a font glyph: the same on every phone. */
export function BellIcon({ off, class: cls }: { off: boolean; class?: string }) {
  return (
    <svg class={`bell-icon${cls ? ' ' + cls : ''}`} viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false">
      <path d="M12 3a6 6 0 0 0-6 6v4l-2 3h16l-2-3V9a6 6 0 0 0-6-6zm-2 15a2 2 0 0 0 4 0z" fill="currentColor" />
      {off ? <path d="M4 3l17 17" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" /> : null}
    </svg>
  );
}
