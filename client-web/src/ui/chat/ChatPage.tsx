import { useEffect } from 'preact/hooks';
import type { Info } from '../../api';
import type { ChatStore } from '../../chat/store';
import { t } from '../../i18n';
import { ChannelList } from './ChannelList';
import { ChannelView } from './ChannelView';
import { ConnBanner } from './ConnBanner';
import { useChatState } from './hooks';
import './chat.css';

interface Props {
  chat: ChatStore;
  meId: number;
  meName: string;
  info?: Info;
  channelId?: number;
  onOpen: (id: number | undefined) => void;
  onMessage: (userId: number) => void;
}

/** The channel list beside the open channel; at phone width, one or the other. */
export function ChatPage({ chat, meId, meName, info, channelId, onOpen, onMessage }: Props) {
  const s = useChatState(chat);
  useEffect(() => chat.open(channelId), [chat, channelId]);
  return (
    <div class={`chat${channelId ? ' chat-open' : ''}`} data-conn={s.conn}>
      <ConnBanner s={s} chat={chat} />
      <div class="chat-panes">
        <ChannelList s={s} chat={chat} meId={meId} activeId={channelId} onOpen={onOpen} />
        <div class="chat-main">
          {channelId ? (
            <ChannelView key={channelId} s={s} chat={chat} id={channelId} meId={meId} info={info} onBack={() => onOpen(undefined)} onMessage={onMessage} />
          ) : (
            <div class="chat-empty">
              <h1 class="page-title">{t('chat.welcome', { name: meName })}</h1>
              <p class="muted">{t('chat.pick')}</p>
            </div>
          )}
        </div>
      </div>
    </div>
  );
}
