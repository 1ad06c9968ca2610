import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Me, Request } from '../../api';
import type { Channel } from '../../chat/types';
import { locale, t, type MessageKey } from '../../i18n';
import type { NoticeState, NoticeStore } from '../../notices/store';
import { pendingCount } from '../../notices/store';
import { shortDateTime } from '../../notices/time';
import type { NoticeBox } from '../../notices/types';
import { canPublish } from '../../notices/view';
import type { NoticeView, Route } from '../../router';
import { useLocale, useNow, useStore } from '../hooks';
import { NoticeDetail } from './NoticeDetail';
import { NoticeList } from './NoticeList';
import { PublishDialog } from './PublishDialog';
import { Reminders } from './Reminders';
import './notices.css';

type NoticesRoute = Extract<Route, { section: 'notices' }>;

interface Props {
  notices: NoticeStore;
  request: Request;
  me: Me;
  route: NoticesRoute;
  navigate: (r: Route) => void;
  channels: readonly Channel[];
  /** 收集 beside the notices: its tab (with how many wait for the reader) and 发起收集,
   * whose dialog the collections part makes (ui/collect). */
  collect?: { count: number; create?: (onClose: () => void) => ComponentChildren };
}

const TABS: { view: Exclude<NoticeView, 'channel'>; key: MessageKey }[] = [
  { view: 'pending', key: 'notices.tab_pending' },
  { view: 'received', key: 'notices.tab_received' },
  { view: 'sent', key: 'notices.tab_sent' },
];

/** The 通知 section: 待确认 / 收到的 / 我发布的, a channel's board, and one notice. */
export function NoticesPage({ notices, request, me, route, navigate, channels, collect }: Props) {
  useLocale();
  const s = useStore(notices);
  const now = useNow(30_000).getTime();
  const [publishing, setPublishing] = useState(false);
  const [collecting, setCollecting] = useState(false);
  const mayPublish = canPublish(me, channels);

  useEffect(() => {
    void notices.ensureNames();
  }, [notices]);

  useEffect(() => {
    if (route.noticeId) {
      void notices.open(route.noticeId);
      return;
    }
    notices.close();
    if (route.view === 'channel' && route.channelId) void notices.showChannel(route.channelId);
    else void notices.loadBox(route.view === 'channel' ? 'pending' : route.view);
  }, [notices, route.noticeId, route.view, route.channelId]);

  const openNotice = (id: number) => navigate({ section: 'notices', view: route.view, channelId: route.channelId, noticeId: id });
  const publishButton = mayPublish ? (
    <div class="ntc-head-actions">
      {collect?.create ? (
        <button type="button" class="btn btn-secondary ntc-publish" onClick={() => setCollecting(true)}>
          {t('collect.create')}
        </button>
      ) : null}
      <button type="button" class="btn btn-primary ntc-publish" onClick={() => setPublishing(true)}>
        {t('notices.publish')}
      </button>
    </div>
  ) : null;
  const dialog = publishing ? (
    <PublishDialog
      s={s}
      store={notices}
      request={request}
      me={me}
      channels={channels}
      onClose={() => setPublishing(false)}
      onPublished={(n) => {
        setPublishing(false);
        navigate({ section: 'notices', view: 'sent', noticeId: n.id });
      }}
    />
  ) : null;

  if (route.noticeId) {
    const open = s.open?.id === route.noticeId ? s.open : { id: route.noticeId, revisions: [], loading: true };
    return (
      <div class="ntc-page">
        <Reminders s={s} store={notices} now={now} onOpen={openNotice} />
        <NoticeDetail
          key={route.noticeId}
          s={s}
          store={notices}
          open={open}
          now={now}
          request={request}
          onBack={() =>
            navigate(route.view === 'channel' && route.channelId ? { section: 'notices', view: 'channel', channelId: route.channelId } : { section: 'notices', view: route.view })
          }
        />
        {dialog}
      </div>
    );
  }

  if (route.view === 'channel') {
    const name = channels.find((c) => c.id === route.channelId)?.name;
    return (
      <div class="ntc-page">
        <header class="ntc-page-head">
          <h1 class="page-title" id="section-title">
            {name ? t('notices.board_title', { name }) : t('notices.board_unknown')}
          </h1>
          <button type="button" class="btn btn-quiet" onClick={() => navigate({ section: 'channels', channelId: route.channelId })}>
            {t('notices.board_back_channel')}
          </button>
        </header>
        <NoticeList
          s={s}
          list={s.channel}
          empty={t('notices.empty_channel')}
          now={now}
          onOpen={openNotice}
          onMore={() => void notices.loadMore('channel')}
          onRetry={() => route.channelId && void notices.showChannel(route.channelId)}
        />
      </div>
    );
  }

  const view = route.view as NoticeBox;
  const count = pendingCount(s);
  return (
    <div class="ntc-page">
      <header class="ntc-page-head">
        <h1 class="page-title" id="section-title">
          {t('notices.title')}
        </h1>
        {publishButton}
      </header>
      <nav class="ntc-tabs" aria-label={t('notices.tabs_label')}>
        <ul>
          {TABS.map((tab) => (
            <li key={tab.view}>
              <a
                href={tab.view === 'pending' ? '/notices' : `/notices/${tab.view}`}
                class="ntc-tab"
                aria-current={view === tab.view ? 'page' : undefined}
                onClick={(e) => {
                  if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
                  e.preventDefault();
                  navigate({ section: 'notices', view: tab.view });
                }}
              >
                {t(tab.key)}
                {tab.view === 'pending' && count > 0 ? (
                  <span class="ntc-count-badge" aria-label={t('notices.tab_count', { n: count })}>
                    {count > 99 ? '99+' : count}
                  </span>
                ) : null}
              </a>
            </li>
          ))}
          {collect ? (
            <li>
              <a
                href="/collect"
                class="ntc-tab"
                onClick={(e) => {
                  if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
                  e.preventDefault();
                  navigate({ section: 'collect' });
                }}
              >
                {t('collect.tab')}
                {collect.count > 0 ? (
                  <span class="ntc-count-badge" aria-label={t('collect.list_todo') + ' ' + collect.count}>
                    {collect.count > 99 ? '99+' : collect.count}
                  </span>
                ) : null}
              </a>
            </li>
          ) : null}
        </ul>
      </nav>
      <Reminders s={s} store={notices} now={now} onOpen={openNotice} />
      {view === 'pending' ? <Escalations s={s} now={now} onOpen={openNotice} /> : null}
      <NoticeList
        s={s}
        list={s[view]}
        empty={t(view === 'pending' ? 'notices.empty_pending' : view === 'received' ? 'notices.empty_received' : 'notices.empty_sent')}
        now={now}
        onOpen={openNotice}
        onMore={() => void notices.loadMore(view)}
        onRetry={() => void notices.loadBox(view)}
      />
      {dialog}
      {collecting && collect?.create ? collect.create(() => setCollecting(false)) : null}
    </div>
  );
}

/** For a department head: their people who did not confirm by the deadline. */
function Escalations({ s, now, onOpen }: { s: NoticeState; now: number; onOpen: (id: number) => void }) {
  const list = s.escalations.filter((e) => (e.people ?? []).length);
  if (!list.length) return null;
  return (
    <section class="ntc-escalations" aria-labelledby="ntc-esc-title">
      <h2 id="ntc-esc-title" class="ntc-h2">
        {t('notices.escalations_title')}
      </h2>
      <ul class="ntc-esc-list">
        {list.map((e) => (
          <li key={e.notice_id} class="ntc-esc">
            <a
              href={`/notices/${e.notice_id}`}
              class="ntc-esc-link"
              onClick={(ev) => {
                if (ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
                ev.preventDefault();
                onOpen(e.notice_id);
              }}
            >
              {t('notices.escalation_head', { title: e.title, time: shortDateTime(e.deadline, now, locale.get()) })}
            </a>
            <p>{t('notices.escalation_text', { names: (e.people ?? []).map((p) => p.display_name || p.username).join('、') })}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}
