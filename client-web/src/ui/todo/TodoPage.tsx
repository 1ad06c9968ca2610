// 待办: everything that asks something of the person, grouped by deadline (overdue in
// red), each item opening its notice, collection or message; and 我交办的, the to-dos they
// gave, with whether and when each was done.

import { useEffect } from 'preact/hooks';
import './todo.css';
import type { ChatStore } from '../../chat/store';
import { describeError } from '../../errors';
import { locale, t, type MessageKey } from '../../i18n';
import { shortDateTime } from '../../notices/time';
import { parseRoute, type Route, type TodoView } from '../../router';
import { todoCount, type TodoStore } from '../../todo/store';
import type { TodoItem } from '../../todo/types';
import { groupTodos, isOverdue, splitAssigned, targetOf, type GroupKey } from '../../todo/view';
import { useNow, useStore } from '../hooks';

interface Props {
  todos: TodoStore;
  chat: ChatStore;
  meId: number;
  view: TodoView;
  navigate: (r: Route) => void;
}

const GROUP_KEYS: Record<GroupKey, MessageKey> = {
  overdue: 'todo.group_overdue',
  today: 'todo.group_today',
  tomorrow: 'todo.group_tomorrow',
  week: 'todo.group_week',
  later: 'todo.group_later',
  none: 'todo.group_none',
};

const TABS: { view: TodoView; key: MessageKey; path: string }[] = [
  { view: 'mine', key: 'todo.tab_mine', path: '/todos' },
  { view: 'assigned', key: 'todo.tab_assigned', path: '/todos/assigned' },
];

export function TodoPage({ todos, chat, meId, view, navigate }: Props) {
  const s = useStore(todos);
  const now = useNow(30_000).getTime();
  const l = locale.get();
  useEffect(() => {
    void (view === 'assigned' ? todos.loadAssigned() : todos.loadMine());
  }, [view]);

  const open = (it: TodoItem) => {
    const to = targetOf(it);
    if (to.kind === 'notice') navigate({ section: 'notices', view: 'pending', noticeId: to.id });
    else if (to.kind === 'message') {
      void chat.openAt(to.channelId, to.seq);
      navigate({ section: 'channels', channelId: to.channelId });
    } else navigate(parseRoute(to.path));
  };
  const count = todoCount(s);
  const list = view === 'assigned' ? s.assigned : s.mine;

  return (
    <div class="todo-page">
      <header class="todo-page-head">
        <h1 class="page-title" id="section-title">
          {t('todo.title')}
        </h1>
      </header>
      <nav class="todo-tabs" aria-label={t('todo.tabs')}>
        <ul>
          {TABS.map((tab) => (
            <li key={tab.view}>
              <a
                href={tab.path}
                class="todo-tab"
                aria-current={view === tab.view ? 'page' : undefined}
                onClick={(e) => {
                  if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
                  e.preventDefault();
                  navigate({ section: 'todos', view: tab.view });
                }}
              >
                {t(tab.key)}
                {tab.view === 'mine' && count > 0 ? (
                  <span class="todo-count-badge" aria-label={t('todo.tab_count', { n: count })}>
                    {count > 99 ? '99+' : count}
                  </span>
                ) : null}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {s.error ? (
        <p class="form-error todo-error" role="alert">
          {t('todo.step_failed', { reason: describeError(s.error, l) })}
          <button type="button" class="btn btn-quiet btn-small" onClick={() => todos.clearError()}>
            ×
          </button>
        </p>
      ) : null}
      {list.error ? (
        <p class="form-error" role="alert">
          {t('todo.load_failed', { reason: describeError(list.error, l) })}{' '}
          <button type="button" class="btn btn-small" onClick={() => void (view === 'assigned' ? todos.loadAssigned() : todos.loadMine())}>
            {t('todo.retry')}
          </button>
        </p>
      ) : null}
      {list.unavailable.length > 0 ? (
        <p class="todo-note muted" role="status">
          {t('todo.unavailable', { kinds: list.unavailable.map((k) => kindLabel(k)).join('、') })}
        </p>
      ) : null}
      {!list.loaded && list.loading ? <p class="muted">{t('todo.loading')}</p> : null}
      {list.loaded && list.items.length === 0 ? <p class="todo-empty muted">{t(view === 'assigned' ? 'todo.empty_assigned' : 'todo.empty_mine')}</p> : null}
      {view === 'mine' ? (
        groupTodos(list.items, now).map((g) => (
          <section key={g.key} class={`todo-group todo-group-${g.key}`} aria-labelledby={`todo-g-${g.key}`}>
            <h2 id={`todo-g-${g.key}`} class="todo-h2">
              {t(GROUP_KEYS[g.key])} <span class="todo-h2-count">{g.items.length}</span>
            </h2>
            <ul class="todo-list">
              {g.items.map((it) => (
                <MineItem key={`${it.kind}:${it.id}`} it={it} now={now} meId={meId} busy={s.busy.includes(it.id)} onOpen={() => open(it)} onDone={() => void todos.done(it.id)} />
              ))}
            </ul>
          </section>
        ))
      ) : (
        <Assigned items={list.items} now={now} busy={s.busy} onOpen={open} todos={todos} />
      )}
      {list.truncated ? <p class="muted">{t('todo.truncated')}</p> : null}
    </div>
  );
}

function kindLabel(kind: string): string {
  return kind === 'notice' || kind === 'collection' || kind === 'message' ? t(`todo.kind_${kind}`) : kind;
}

function actionLabel(it: TodoItem): string {
  if (it.kind === 'notice') return t(it.state === 'revised' ? 'todo.action_revised' : 'todo.action_notice');
  if (it.kind === 'collection') return t(it.state === 'returned' ? 'todo.action_returned' : 'todo.action_collection');
  return t('todo.action_message');
}

function fromLabel(it: TodoItem, meId: number): string {
  if (it.kind === 'message' && it.from_user.id === meId) return t('todo.from_self');
  const name = it.from_user.name || '—';
  return t(it.kind === 'notice' ? 'todo.from_notice' : it.kind === 'collection' ? 'todo.from_collection' : 'todo.from_message', { name });
}

function Due({ it, now }: { it: TodoItem; now: number }) {
  if (!it.due) return null;
  const late = isOverdue(it, now);
  return (
    <span class={`todo-due${late ? ' todo-due-late' : ''}`}>
      {t('todo.due', { time: shortDateTime(it.due, now, locale.get()) })}
      {late ? <strong class="todo-late-tag">{t('todo.overdue')}</strong> : null}
    </span>
  );
}

function MineItem({ it, now, meId, busy, onOpen, onDone }: { it: TodoItem; now: number; meId: number; busy: boolean; onOpen: () => void; onDone: () => void }) {
  const title = it.title || t('todo.no_text');
  return (
    <li class={`todo-item${isOverdue(it, now) ? ' todo-overdue' : ''}`} data-kind={it.kind} data-id={it.id}>
      <button type="button" class="todo-open" onClick={onOpen}>
        <span class="todo-line">
          <span class={`todo-kind todo-kind-${it.kind}`}>{kindLabel(it.kind)}</span>
          <span class="todo-title" dir="auto">
            {title}
          </span>
        </span>
        {it.note ? (
          <span class="todo-itemnote" dir="auto">
            {t('todo.note', { note: it.note })}
          </span>
        ) : null}
        <span class="todo-meta">
          <span class="todo-action">{actionLabel(it)}</span>
          <span>{fromLabel(it, meId)}</span>
          <Due it={it} now={now} />
        </span>
      </button>
      {it.kind === 'message' ? (
        <button type="button" class="btn todo-done-btn" disabled={busy} aria-label={t('todo.mark_done_label', { title })} onClick={onDone}>
          {t('todo.mark_done')}
        </button>
      ) : null}
    </li>
  );
}

function Assigned({ items, now, busy, onOpen, todos }: { items: TodoItem[]; now: number; busy: number[]; onOpen: (it: TodoItem) => void; todos: TodoStore }) {
  const { open, done } = splitAssigned(items);
  const l = locale.get();
  const row = (it: TodoItem) => {
    const title = it.title || t('todo.no_text');
    return (
      <li key={it.id} class={`todo-item${isOverdue(it, now) ? ' todo-overdue' : ''}${it.state === 'done' ? ' todo-is-done' : ''}`} data-kind="message" data-id={it.id}>
        <button type="button" class="todo-open" onClick={() => onOpen(it)}>
          <span class="todo-line">
            <span class="todo-title" dir="auto">
              {title}
            </span>
          </span>
          {it.note ? (
            <span class="todo-itemnote" dir="auto">
              {t('todo.note', { note: it.note })}
            </span>
          ) : null}
          <span class="todo-meta">
            <span>{t('todo.to', { name: it.assignee?.name || '—' })}</span>
            <Due it={it} now={now} />
            {it.state === 'done' && it.done_at ? (
              <span class="todo-state todo-state-done">{t('todo.done_by_at', { name: it.done_by?.name || '—', time: shortDateTime(it.done_at, now, l) })}</span>
            ) : (
              <span class="todo-state">{t('todo.not_done')}</span>
            )}
          </span>
        </button>
        {it.state === 'done' ? (
          <button type="button" class="btn btn-quiet btn-small" disabled={busy.includes(it.id)} onClick={() => void todos.reopen(it.id)}>
            {t('todo.reopen')}
          </button>
        ) : (
          <button
            type="button"
            class="btn btn-quiet btn-small"
            disabled={busy.includes(it.id)}
            onClick={() => {
              if (confirm(t('todo.withdraw_confirm'))) void todos.cancel(it.id);
            }}
          >
            {t('todo.withdraw')}
          </button>
        )}
      </li>
    );
  };
  return (
    <>
      {open.length > 0 ? (
        <section class="todo-group" aria-labelledby="todo-a-open">
          <h2 id="todo-a-open" class="todo-h2">
            {t('todo.open_section')} <span class="todo-h2-count">{open.length}</span>
          </h2>
          <ul class="todo-list">{open.map(row)}</ul>
        </section>
      ) : null}
      {done.length > 0 ? (
        <section class="todo-group" aria-labelledby="todo-a-done">
          <h2 id="todo-a-done" class="todo-h2">
            {t('todo.done_section')} <span class="todo-h2-count">{done.length}</span>
          </h2>
          <ul class="todo-list">{done.map(row)}</ul>
        </section>
      ) : null}
    </>
  );
}
