import { useState } from 'preact/hooks';
import type { ChatState, ChatStore } from '../../chat/store';
import { previewText } from '../../chat/text';
import type { Channel, ChannelKind } from '../../chat/types';
import { channelTitle, groupChannels, latestPreview, listTime, mentionsMe } from '../../chat/view';
import { describeError } from '../../errors';
import { locale, t, type MessageKey } from '../../i18n';
import { isMuted } from '../../groups/lines';
import type { Request } from '../../api';
import { NoDepartment } from '../phone/NoDepartment';
import { ChannelAvatar } from './Avatar';
import { BellIcon } from './MuteToggle';
import { PeopleMatches, SearchPanel } from '../search/SearchPanel';

const KIND_KEYS: Record<ChannelKind, MessageKey> = {
  department: 'chat.kind.department',
  party: 'chat.kind.party',
  group: 'chat.kind.group',
  direct: 'chat.kind.direct',
};

interface Props {
  s: ChatState;
  chat: ChatStore;
  meId: number;
  activeId?: number;
  onOpen: (id: number) => void;
  onNewGroup: () => void;
  /** The person is in no department: say whom to ask (needs `request` for the directory). */
  noDepartment?: boolean;
  request?: Request;
  /** Channels with an urgent notice just arrived: listed first (urgent/arrivals). */
  bumps?: Readonly<Record<number, number>>;
}

export function ChannelList({ s, chat, meId, activeId, onOpen, onNewGroup, noDepartment, request, bumps }: Props) {
  const [query, setQuery] = useState('');
  const l = locale.get();
  const groups = groupChannels(s.channels, s.people, query, bumps);
  const now = Date.now();

  const onSearch = (e: Event) => {
    e.preventDefault();
    void chat.search(query, s.search?.filters);
  };
  const clear = () => {
    setQuery('');
    chat.clearSearch();
  };

  return (
    <nav class="chanlist" aria-label={t('chat.title')}>
      <div class="chanlist-top">
        <form class="chanlist-search" role="search" onSubmit={onSearch}>
          <input
            type="search"
            class="input"
            value={query}
            maxLength={64}
            placeholder={t('chat.search')}
            aria-label={t('chat.search')}
            onInput={(e) => {
              setQuery((e.target as HTMLInputElement).value);
              if (!(e.target as HTMLInputElement).value) chat.clearSearch();
            }}
            onKeyDown={(e) => e.key === 'Escape' && clear()}
          />
          {query.trim() ? (
            <button type="submit" class="btn btn-quiet btn-small chanlist-search-go">
              {t('chat.search_messages', { q: previewText(query, 12) })}
            </button>
          ) : null}
        </form>
        <button type="button" class="btn btn-quiet btn-small chanlist-new chanlist-new-labelled" onClick={onNewGroup}>
          <span class="chanlist-new-plus" aria-hidden="true">
            +
          </span>
          {t('chat.new_group_short')}
        </button>
      </div>

      {s.search ? <SearchPanel s={s} chat={chat} onOpen={onOpen} onClear={clear} /> : null}
      <PeopleMatches s={s} chat={chat} meId={meId} query={query} onOpen={onOpen} />

      {!s.channelsLoaded && !s.listError ? <p class="muted chanlist-note">{t('chat.loading_channels')}</p> : null}
      {s.listError ? (
        <p class="form-error chanlist-note" role="alert">
          {describeError(s.listError, l)}{' '}
          <button type="button" class="btn btn-quiet btn-small" onClick={() => void chat.reloadChannels()}>
            {t('app.retry')}
          </button>
        </p>
      ) : null}
      {s.channelsLoaded && s.channels.length === 0 ? <p class="muted chanlist-note">{t('chat.no_channels')}</p> : null}
      {s.channelsLoaded && noDepartment && request ? <NoDepartment request={request} /> : null}
      {s.channelsLoaded && s.channels.length > 0 && groups.length === 0 ? <p class="muted chanlist-note">{t('chat.no_match')}</p> : null}

      {groups.map((g) => (
        <section key={g.kind} class="chanlist-group" aria-labelledby={`chgroup-${g.kind}`}>
          <h2 id={`chgroup-${g.kind}`} class="chanlist-heading">
            {t(KIND_KEYS[g.kind])}
          </h2>
          <ul class="chanlist-items">
            {g.channels.map((c) => (
              <ChannelItem key={c.id} c={c} s={s} meId={meId} active={c.id === activeId} now={now} onOpen={onOpen} />
            ))}
          </ul>
        </section>
      ))}
    </nav>
  );
}

function ChannelItem(p: { c: Channel; s: ChatState; meId: number; active: boolean; now: number; onOpen: (id: number) => void }) {
  const { c, s, meId } = p;
  const l = locale.get();
  const title = channelTitle(c, s.people);
  const names = { people: s.people, members: s.members[c.id] };
  const mentioned = c.unread > 0 && mentionsMe(c.latest, meId);
  const unread = c.unread > 99 ? '99+' : String(c.unread);
  const muted = isMuted(c);
  return (
    <li>
      <a
        href={`/c/${c.id}`}
        class={`chanitem${c.unread > 0 ? ' chanitem-unread' : ''}${muted ? ' chanitem-muted' : ''}`}
        aria-current={p.active ? 'page' : undefined}
        data-channel={c.id}
        onClick={(e) => {
          if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
          e.preventDefault();
          p.onOpen(c.id);
        }}
      >
        <ChannelAvatar c={c} title={title} />
        <span class="chanitem-body">
          <span class="chanitem-top">
            <span class="chanitem-name">{title}</span>
            {muted ? (
              <span class="chanitem-mute" title={t('mute.icon')} role="img" aria-label={t('mute.icon')}>
                <BellIcon off />
              </span>
            ) : null}
            {c.latest ? <span class="chanitem-time">{listTime(c.latest.created_at, p.now, l)}</span> : null}
          </span>
          <span class="chanitem-bottom">
            <span class="chanitem-preview">
              {mentioned ? <span class="chanitem-mention">{t('chat.mentioned')}</span> : null}
              {latestPreview(c, names, meId, l)}
            </span>
            {c.unread > 0 ? (
              <span class={muted ? 'badge badge-muted' : 'badge'} aria-label={t(muted ? 'mute.unread' : 'chat.unread', { n: c.unread })}>
                {unread}
              </span>
            ) : null}
          </span>
        </span>
      </a>
    </li>
  );
}
