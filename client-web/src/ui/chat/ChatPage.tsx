import { useEffect, useState } from 'preact/hooks';
import type { Info, Request } from '../../api';
import type { ChatStore } from '../../chat/store';
import { t } from '../../i18n';
import type { NoticeStore } from '../../notices/store';
import type { CollectStore } from '../../collect/store';
import { PinnedCollections } from '../collect/PinnedCollections';
import type { Route } from '../../router';
import { ChannelSettings } from '../groups/ChannelSettings';
import { PinnedNotices } from '../notices/PinnedNotices';
import { NewGroupDialog } from '../groups/NewGroupDialog';
import { ChannelList } from './ChannelList';
import { ChannelView } from './ChannelView';
import { ConnBanner } from './ConnBanner';
import { useStore } from '../hooks';
import './chat.css';
import type { MessageActions } from './MessageItem';

interface Props {
  /** Channels with an urgent notice just arrived: listed first (urgent/arrivals). */
  bumps?: Readonly<Record<number, number>>;
  chat: ChatStore;
  notices: NoticeStore;
  /** Collections asked of a channel are pinned there too, until answered. */
  collect?: CollectStore;
  onNavigate: (r: Route) => void;
  request: Request;
  meId: number;
  meName: string;
  info?: Info;
  channelId?: number;
  onOpen: (id: number | undefined) => void;
  onMessage: (userId: number) => void;
  /** The person is in no department (the channel list says whom to ask). */
  noDepartment?: boolean;
  /** More items for the message menu (the security officer's 复制文件编号). */
  menuExtra?: MessageActions['menuExtra'];
}

/** The channel list beside the open channel; at phone width, one or the other. */
export function ChatPage({ chat, notices, collect, onNavigate, request, meId, meName, info, channelId, onOpen, onMessage, noDepartment, bumps, menuExtra }: Props) {
  const s = useStore(chat);
  const [dialog, setDialog] = useState<'new_group' | 'settings' | undefined>();
  useEffect(() => chat.open(channelId), [chat, channelId]);
  const open = channelId === undefined ? undefined : s.channels.find((c) => c.id === channelId);
  return (
    <div class={`chat${channelId ? ' chat-open' : ''}`} data-conn={s.conn}>
      <ConnBanner s={s} chat={chat} />
      <div class="chat-panes">
        <ChannelList s={s} chat={chat} meId={meId} activeId={channelId} onOpen={onOpen} onNewGroup={() => setDialog('new_group')} noDepartment={noDepartment} request={request} bumps={bumps} />
        <div class="chat-main">
          {channelId ? (
            <ChannelView key={channelId} s={s} chat={chat} id={channelId} meId={meId} info={info}
              menuExtra={menuExtra}
              onBack={() => onOpen(undefined)}
              onMessage={onMessage}
              onSettings={() => setDialog('settings')}
              request={request}
              pinned={
                open?.kind === 'direct' ? undefined : (
                  <>
                    <PinnedNotices
                      notices={notices}
                      channelId={channelId}
                      onOpen={(id) => onNavigate({ section: 'notices', view: 'pending', noticeId: id })}
                      onBoard={() => onNavigate({ section: 'notices', view: 'channel', channelId })}
                    />
                    {collect ? <PinnedCollections store={collect} channelId={channelId} onOpen={(id) => onNavigate({ section: 'collect', collectionId: id })} /> : null}
                  </>
                )
              }
            />
          ) : (
            <div class="chat-empty">
              <h1 class="page-title">{t('chat.welcome', { name: meName })}</h1>
              <p class="muted">{t('chat.pick')}</p>
            </div>
          )}
        </div>
      </div>
      {dialog === 'new_group' ? (
        <NewGroupDialog
          request={request}
          meId={meId}
          onClose={() => setDialog(undefined)}
          onCreated={(c) => {
            setDialog(undefined);
            void chat.reloadChannels().then(() => onOpen(c.id));
          }}
        />
      ) : null}
      {dialog === 'settings' && open ? (
        <ChannelSettings
          request={request}
          channel={open}
          meId={meId}
          onClose={() => setDialog(undefined)}
          onChanged={() => {
            void chat.reloadChannels();
            void chat.loadMembers(open.id);
          }}
          onLeft={() => {
            setDialog(undefined);
            void chat.reloadChannels();
            onOpen(undefined);
          }}
        />
      ) : null}
    </div>
  );
}
