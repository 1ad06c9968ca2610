import { useEffect, useState } from 'preact/hooks';
import type { Me, Request } from '../../api';
import type { Channel } from '../../chat/types';
import { needsAnswer, readerState } from '../../collect/status';
import type { CollectState, CollectStore } from '../../collect/store';
import type { Collection } from '../../collect/types';
import { t } from '../../i18n';
import { canPublish } from '../../notices/view';
import type { Route } from '../../router';
import { useLocale, useNow, useStore } from '../hooks';
import { Deadline, When } from '../notices/parts';
import { AnswerPanel } from './AnswerPanel';
import { AuthorPanel } from './AuthorPanel';
import { CreateDialog } from './CreateDialog';
import { HistoryPanel } from './HistoryPanel';
import { collectError, KindTags, StateTag } from './parts';
import { SignupPanel } from './SignupPanel';
import '../notices/notices.css';
import './collect.css';

interface Props {
  store: CollectStore;
  request: Request;
  me: Me;
  collectionId?: number;
  navigate: (r: Route) => void;
  channels: readonly Channel[];
}

const plain = (e: MouseEvent) => e.button === 0 && !e.metaKey && !e.ctrlKey && !e.shiftKey && !e.altKey;

/** 收集: the collections the person must answer, those they started, those done; and one
 * collection — the form or the 接龙, and for its author who has answered. */
export function CollectPage({ store, request, me, collectionId, navigate, channels }: Props) {
  useLocale();
  const s = useStore(store);
  const now = useNow(30_000).getTime();
  const [creating, setCreating] = useState(false);
  const mayCreate = canPublish(me, channels);

  useEffect(() => {
    if (collectionId) void store.open(collectionId);
    else {
      store.close();
      void store.loadList();
    }
  }, [store, collectionId]);

  const openOne = (id: number) => navigate({ section: 'collect', collectionId: id });
  const dialog = creating ? (
    <CreateDialog
      s={s}
      store={store}
      request={request}
      me={me}
      channels={channels}
      onClose={() => setCreating(false)}
      onPublished={(c) => {
        setCreating(false);
        openOne(c.id);
      }}
    />
  ) : null;

  if (collectionId) {
    return (
      <div class="ntc-page cl-page">
        <Reminders s={s} store={store} onOpen={openOne} />
        <Detail s={s} store={store} me={me} id={collectionId} now={now} onBack={() => navigate({ section: 'collect' })} />
      </div>
    );
  }

  const todo = s.items.filter((c) => needsAnswer(c, now));
  const mine = s.items.filter((c) => c.author_id === me.id);
  const rest = s.items.filter((c) => c.author_id !== me.id && !needsAnswer(c, now));
  return (
    <div class="ntc-page cl-page">
      <header class="ntc-page-head">
        <h1 class="page-title" id="section-title">
          {t('collect.title')}
        </h1>
        {mayCreate ? (
          <button type="button" class="btn btn-primary ntc-publish" onClick={() => setCreating(true)}>
            {t('collect.create')}
          </button>
        ) : null}
      </header>
      <SectionTabs current="collect" navigate={navigate} />
      <Reminders s={s} store={store} onOpen={openOne} />
      {s.error ? (
        <p class="form-error" role="alert">
          {t('collect.load_failed')} {collectError(s.error)}{' '}
          <button type="button" class="btn btn-quiet btn-small" onClick={() => void store.loadList()}>
            {t('collect.retry')}
          </button>
        </p>
      ) : null}
      {!s.loaded && s.loading ? <p class="muted">{t('app.loading')}</p> : null}
      {s.escalated.length ? (
        <List title={t('collect.list_escalated')} id="cl-escalated" hint={t('collect.list_escalated_hint')} items={s.escalated} now={now} onOpen={openOne} />
      ) : null}
      <List title={t('collect.list_todo')} id="cl-todo" items={todo} empty={s.loaded ? t('collect.empty_todo') : ''} now={now} onOpen={openOne} />
      {mine.length ? <List title={t('collect.list_mine')} id="cl-mine" items={mine} now={now} onOpen={openOne} /> : null}
      {rest.length ? <List title={t('collect.list_done')} id="cl-done" items={rest} now={now} onOpen={openOne} /> : null}
      {dialog}
    </div>
  );
}

/** 通知 and 收集 side by side: the two ask something of people; on a phone both sit under the
 * 通知 tab. */
export function SectionTabs({ current, navigate, count = 0 }: { current: 'notices' | 'collect'; navigate: (r: Route) => void; count?: number }) {
  const tabs = [
    { key: 'notices' as const, href: '/notices', label: t('collect.back_notices'), route: { section: 'notices', view: 'pending' } as Route },
    { key: 'collect' as const, href: '/collect', label: t('collect.tab'), route: { section: 'collect' } as Route },
  ];
  return (
    <nav class="ntc-tabs cl-section-tabs" aria-label={t('collect.title')}>
      <ul>
        {tabs.map((tab) => (
          <li key={tab.key}>
            <a
              href={tab.href}
              class="ntc-tab"
              aria-current={current === tab.key ? 'page' : undefined}
              onClick={(e) => {
                if (!plain(e)) return;
                e.preventDefault();
                navigate(tab.route);
              }}
            >
              {tab.label}
              {tab.key === 'collect' && count > 0 ? <span class="ntc-count-badge">{count > 99 ? '99+' : count}</span> : null}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function List({ title, id, hint, items, empty, now, onOpen }: { title: string; id: string; hint?: string; items: Collection[]; empty?: string; now: number; onOpen: (id: number) => void }) {
  return (
    <section class={`cl-list cl-list-${id}`} aria-labelledby={id}>
      <h2 id={id} class="ntc-h2">
        {title} <span class="muted">{items.length || ''}</span>
      </h2>
      {hint ? <p class="muted ntc-small">{hint}</p> : null}
      {!items.length ? (
        empty ? <p class="muted">{empty}</p> : null
      ) : (
        <ul class="ntc-list">
          {items.map((c) => (
            <li key={c.id} class={`ntc-row cl-row-item${needsAnswer(c, now) ? ' ntc-row-pending' : ''}`}>
              <a
                class="ntc-row-link"
                href={`/collect/${c.id}`}
                onClick={(e) => {
                  if (!plain(e)) return;
                  e.preventDefault();
                  onOpen(c.id);
                }}
              >
                <span class="ntc-row-top">
                  <KindTags c={c} />
                  <span class="ntc-row-title">{c.title}</span>
                </span>
                <span class="ntc-row-meta">
                  <StateTag c={c} state={!c.my ? 'author' : readerState(c, now).state} />
                  <span class="muted">{t('collect.from', { name: c.author_name })}</span>
                  <Deadline iso={c.deadline} now={now} />
                </span>
              </a>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Reminders({ s, store, onOpen }: { s: CollectState; store: CollectStore; onOpen: (id: number) => void }) {
  if (!s.reminders.length) return null;
  return (
    <ul class="cl-reminders" aria-live="polite">
      {s.reminders.map((r) => (
        <li key={r.collectionId} class="cl-reminder" role="alert">
          <span class="cl-reminder-text">{t('collect.reminder_title', { title: r.title })}</span>
          <button type="button" class="btn btn-primary btn-small" onClick={() => onOpen(r.collectionId)}>
            {t('collect.reminder_open')}
          </button>
          <button type="button" class="btn btn-quiet btn-small" onClick={() => store.dismissReminder(r.collectionId)}>
            {t('collect.reminder_dismiss')}
          </button>
        </li>
      ))}
    </ul>
  );
}

function Detail({ s, store, me, id, now, onBack }: { s: CollectState; store: CollectStore; me: Me; id: number; now: number; onBack: () => void }) {
  const o = s.open?.id === id ? s.open : undefined;
  const c = o?.collection;
  const back = (
    <button type="button" class="btn btn-quiet cl-back" onClick={onBack}>
      ‹ {t('collect.back')}
    </button>
  );
  if (!c) {
    return (
      <div class="cl-detail">
        {back}
        {o?.error ? (
          <p class="form-error" role="alert">
            {collectError(o.error)}
          </p>
        ) : (
          <p class="muted">{t('app.loading')}</p>
        )}
      </div>
    );
  }
  const author = c.author_id === me.id;
  return (
    <article class="cl-detail" aria-labelledby="section-title">
      {back}
      <header class="cl-head">
        <p class="cl-tags">
          <KindTags c={c} />
          {c.my ? <StateTag c={c} state={readerState(c, now).state} /> : null}
        </p>
        <h1 class="page-title cl-title" id="section-title">
          {c.title}
        </h1>
        <p class="cl-meta muted">
          <span>{t('collect.from', { name: c.author_name })}</span> · <When iso={c.created_at} /> <Deadline iso={c.deadline} now={now} />
        </p>
        {c.description ? <p class="cl-desc">{c.description}</p> : null}
      </header>
      {c.kind === 'signup' ? <SignupPanel c={c} s={s} store={store} meId={me.id} now={now} /> : c.my ? <AnswerPanel c={c} s={s} store={store} meId={me.id} now={now} /> : null}
      {author || c.can_see_all ? <AuthorPanel c={c} s={s} store={store} now={now} /> : null}
      <HistoryPanel s={s} store={store} />
    </article>
  );
}
