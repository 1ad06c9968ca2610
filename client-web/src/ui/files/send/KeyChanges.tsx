import { useEffect } from 'preact/hooks';
import type { ChannelMember } from '../../../chat/types';
import { personName, type Names } from '../../../chat/view';
import type { KeyringStore } from '../../../files/keyring-impl';
import { t } from '../../../i18n';
import { useStore } from '../../hooks';

/** "<姓名> 的加密密钥已更换" for the members of this channel whose key is not the one this
 * browser pinned, each with 知道了 (which pins the new key) — once in each chat shared with
 * them: dismissed here, it still shows once in the others (issue 12, as Signal does). */
export function KeyChanges({ keyring, channelId, members, names }: { keyring: KeyringStore; channelId: number; members: readonly ChannelMember[]; names: Names }) {
  const s = useStore(keyring);
  // Opening a channel looks at its members' keys (cached for a minute), so a change shows
  // before anyone sends a file.
  useEffect(() => {
    keyring.keyring.channelKeys(channelId).catch(() => undefined);
  }, [channelId]);
  // Changed since pinned, or a change noted and not yet dismissed in this chat: once per chat.
  const noted = Object.entries(s.notes ?? {})
    .filter(([, n]) => !n.seen.includes(channelId))
    .map(([id]) => Number(id));
  const ids = [...new Set([...s.changed, ...noted])].filter((id) => members.some((m) => m.user_id === id));
  if (!ids.length) return null;
  return (
    <ul class="key-changes" aria-live="polite">
      {ids.map((id) => {
        const name = personName(id, names);
        return (
          <li key={id} class="key-change">
            <span class="key-change-text" title={t('keys.changed_hint')}>
              <span aria-hidden="true">🔑 </span>
              {t('keys.changed', { name })}
              <span class="visually-hidden">{t('keys.changed_hint')}</span>
            </span>
            <button type="button" class="btn btn-quiet btn-small" aria-label={t('keys.accept_label', { name })} onClick={() => keyring.acceptChange(id, channelId)}>
              {t('keys.accept')}
            </button>
          </li>
        );
      })}
    </ul>
  );
}
