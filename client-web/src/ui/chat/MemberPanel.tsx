import type { ChannelMember } from '../../chat/types';
import { t } from '../../i18n';
import { Avatar } from './Avatar';

interface Props {
  members?: readonly ChannelMember[];
  presence: Record<number, boolean>;
  meId: number;
  onClose: () => void;
  onMessage: (userId: number) => void;
}

/** Who is in the channel, administrators first, online before offline. */
export function MemberPanel({ members, presence, meId, onClose, onMessage }: Props) {
  const sorted = [...(members ?? [])].sort((a, b) => {
    if (a.role !== b.role) return a.role === 'admin' ? -1 : 1;
    const oa = presence[a.user_id] ? 1 : 0;
    const ob = presence[b.user_id] ? 1 : 0;
    if (oa !== ob) return ob - oa;
    return a.display_name.localeCompare(b.display_name, 'zh-CN-u-co-pinyin');
  });
  return (
    <aside class="members" aria-labelledby="members-title">
      <div class="members-head">
        <h2 id="members-title" class="members-title">
          {t('chat.members_title')} <span class="muted">({sorted.length})</span>
        </h2>
        <button type="button" class="btn btn-quiet btn-small" onClick={onClose}>
          {t('chat.close_members')}
        </button>
      </div>
      {members === undefined ? <p class="muted members-note">{t('chat.loading')}</p> : null}
      <ul class="members-list">
        {sorted.map((m) => (
          <li key={m.user_id} class="member">
            <Avatar id={m.user_id} name={m.display_name} size="sm" />
            <span class={`presence ${presence[m.user_id] ? 'presence-on' : 'presence-off'}`}>
              <span class="visually-hidden">{presence[m.user_id] ? t('chat.presence_online') : t('chat.presence_offline')}</span>
            </span>
            <span class="member-body">
              <span class="member-name">
                {m.display_name}
                {m.user_id === meId ? t('chat.you') : ''}
              </span>
              {m.title ? <span class="member-title muted">{m.title}</span> : null}
            </span>
            {m.role === 'admin' ? <span class="tag">{t('chat.admin')}</span> : null}
            {m.user_id !== meId ? (
              <button type="button" class="btn btn-quiet btn-small" onClick={() => onMessage(m.user_id)}>
                {t('chat.direct_message')}
              </button>
            ) : null}
          </li>
        ))}
      </ul>
    </aside>
  );
}
