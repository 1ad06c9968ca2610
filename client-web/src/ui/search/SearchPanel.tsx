// Search in the channel list's box: the people it finds (card or 私聊), and the message
// results with their filters (person, channel, dates). A hit opens its channel at the
// message, highlighted, with the messages around it (chat.openAt).

import { useState } from 'preact/hooks';
import type { ChatState, ChatStore } from '../../chat/store';
import { previewText } from '../../chat/text';
import type { Person } from '../../chat/types';
import { channelTitle, listTime, personName } from '../../chat/view';
import { describeError, type UiError } from '../../errors';
import { locale, t } from '../../i18n';
import { datesProblem, daysAgo, hasFilters, matchPeople, type SearchFilters } from '../../search/filters';
import { Avatar } from '../chat/Avatar';
import './search.css';

const LIMIT = 30;

/** The people whose name (or username, title, position) the box holds. */
export function PeopleMatches(p: { s: ChatState; chat: ChatStore; meId: number; query: string; onOpen: (id: number) => void }) {
  const found = matchPeople(p.s.people, p.query, p.meId, 5);
  const [card, setCard] = useState<number | undefined>();
  const [error, setError] = useState<string | undefined>();
  if (found.length === 0) return null;
  const direct = async (u: Person) => {
    setError(undefined);
    try {
      p.onOpen(await p.chat.openDirect(u.id));
    } catch (e) {
      setError(describeError(e as UiError, locale.get()));
    }
  };
  return (
    <section class="search-people" aria-labelledby="search-people-title">
      <h2 id="search-people-title" class="chanlist-heading">
        {t('search.people')}
      </h2>
      {error ? (
        <p class="form-error chanlist-note" role="alert">
          {error}
        </p>
      ) : null}
      <ul class="chanlist-items">
        {found.map((u) => (
          <li key={u.id} class="search-person" data-user={u.id}>
            <div class="search-person-row">
              <button
                type="button"
                class="search-person-main"
                aria-expanded={card === u.id}
                aria-label={t('search.person_card', { name: u.display_name })}
                onClick={() => setCard(card === u.id ? undefined : u.id)}
              >
                <Avatar id={u.id} name={u.display_name} />
                <span class="chanitem-body">
                  <span class="chanitem-name">{u.display_name}</span>
                  {u.title || u.position ? <span class="chanitem-preview">{[u.title, u.position].filter(Boolean).join(' · ')}</span> : null}
                </span>
              </button>
              <button type="button" class="btn btn-small search-direct" aria-label={t('search.direct_with', { name: u.display_name })} onClick={() => void direct(u)}>
                {t('search.direct')}
              </button>
            </div>
            {card === u.id ? (
              <dl class="facts search-card">
                <dt>{t('search.username')}</dt>
                <dd>{u.username}</dd>
                {u.title ? (
                  <>
                    <dt>{t('dir.job_title')}</dt>
                    <dd>{u.title}</dd>
                  </>
                ) : null}
                {u.position ? (
                  <>
                    <dt>{t('dir.position')}</dt>
                    <dd>{u.position}</dd>
                  </>
                ) : null}
              </dl>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Message results: their filters and the hits. */
export function SearchPanel(p: { s: ChatState; chat: ChatStore; onOpen: (id: number) => void; onClear: () => void }) {
  const r = p.s.search!;
  const l = locale.get();
  const filters = r.filters ?? {};
  const refine = (next: SearchFilters) => void p.chat.search(r.q, next);
  const open = (channelId: number, seq: number) => {
    void p.chat.openAt(channelId, seq);
    p.onOpen(channelId);
  };
  const now = Date.now();
  return (
    <section class="search-results" aria-labelledby="search-results-title" aria-busy={r.busy}>
      <div class="search-results-head">
        <h2 id="search-results-title" class="chanlist-heading">
          {t('chat.search_results')}
        </h2>
        <button type="button" class="btn btn-quiet btn-small" onClick={p.onClear}>
          {t('chat.search_clear')}
        </button>
      </div>
      <FilterBar s={p.s} filters={filters} onChange={refine} />
      {r.busy ? (
        <p class="muted chanlist-note" role="status">
          {t('chat.search_busy')}
        </p>
      ) : null}
      {r.error ? (
        <p class="form-error chanlist-note" role="alert">
          {describeError(r.error, l)}
        </p>
      ) : null}
      {!r.busy && !r.error && r.results.length === 0 ? <p class="muted chanlist-note">{t('chat.search_none', { q: r.q })}</p> : null}
      {!r.busy && r.results.length > 0 ? (
        <p class="muted chanlist-note search-count" role="status">
          {r.results.length >= LIMIT ? t('search.count_max', { n: LIMIT }) : t('search.count', { n: r.results.length })}
        </p>
      ) : null}
      <ul class="chanlist-items">
        {r.results.map((m) => {
          const c = p.s.channels.find((x) => x.id === m.channel_id);
          const who = personName(m.sender_id, { people: p.s.people });
          const where = c ? channelTitle(c, p.s.people) : `#${m.channel_id}`;
          const when = listTime(m.created_at, now, l);
          const text = previewText(m.text, 80);
          return (
            <li key={`${m.channel_id}:${m.seq}`}>
              <a
                href={`/c/${m.channel_id}`}
                class="chanitem search-hit"
                data-channel={m.channel_id}
                data-seq={m.seq}
                aria-label={t('search.hit_label', { name: who, channel: where, time: when, text })}
                onClick={(e) => {
                  if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
                  e.preventDefault();
                  open(m.channel_id, m.seq);
                }}
              >
                <span class="chanitem-body">
                  <span class="chanitem-top">
                    <span class="chanitem-name">
                      {who} · {where}
                    </span>
                    <span class="chanitem-time">{when}</span>
                  </span>
                  <span class="chanitem-preview search-hit-text">
                    <Marked text={text} q={r.q} />
                  </span>
                </span>
              </a>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** The text with the first place the query occurs marked (as text nodes, never HTML). */
function Marked({ text, q }: { text: string; q: string }) {
  const i = text.toLowerCase().indexOf(q.trim().toLowerCase());
  if (i < 0 || !q.trim()) return <>{text}</>;
  const n = q.trim().length;
  return (
    <>
      {text.slice(0, i)}
      <mark>{text.slice(i, i + n)}</mark>
      {text.slice(i + n)}
    </>
  );
}

type Preset = 'any' | 'today' | 'week' | 'month' | 'custom';

function presetOf(f: SearchFilters, now: number): Preset {
  if (!f.from && !f.to) return 'any';
  const today = daysAgo(now, 0);
  if (f.to === today || !f.to) {
    if (f.from === today) return 'today';
    if (f.from === daysAgo(now, 6)) return 'week';
    if (f.from === daysAgo(now, 29)) return 'month';
  }
  return 'custom';
}

function FilterBar({ s, filters, onChange }: { s: ChatState; filters: SearchFilters; onChange: (f: SearchFilters) => void }) {
  const [who, setWho] = useState('');
  const now = Date.now();
  const [custom, setCustom] = useState(presetOf(filters, now) === 'custom');
  const [from, setFrom] = useState(filters.from ?? '');
  const [to, setTo] = useState(filters.to ?? '');
  const preset = custom ? 'custom' : presetOf(filters, now);
  const senders = filters.senderId ? [] : matchPeople(s.people, who, undefined, 5);
  const problem = datesProblem({ from, to });
  const sender = filters.senderId ? personName(filters.senderId, { people: s.people }) : '';

  const choosePreset = (v: Preset) => {
    setCustom(v === 'custom');
    const today = daysAgo(now, 0);
    const range: Record<Exclude<Preset, 'custom'>, Pick<SearchFilters, 'from' | 'to'>> = {
      any: {},
      today: { from: today, to: today },
      week: { from: daysAgo(now, 6), to: today },
      month: { from: daysAgo(now, 29), to: today },
    };
    if (v === 'custom') {
      setFrom(filters.from ?? '');
      setTo(filters.to ?? '');
      return;
    }
    const { from: _f, to: _t, ...rest } = filters;
    onChange({ ...rest, ...range[v] });
  };
  const setDates = (f: string, t2: string) => {
    setFrom(f);
    setTo(t2);
    if (datesProblem({ from: f, to: t2 })) return;
    const { from: _f, to: _t, ...rest } = filters;
    onChange({ ...rest, ...(f ? { from: f } : {}), ...(t2 ? { to: t2 } : {}) });
  };

  return (
    <div class="search-filters" role="group" aria-label={t('search.filters')}>
      <div class="search-filter-row">
        {filters.senderId ? (
          <span class="search-chip">
            <span>
              {t('search.sender')}：{sender}
            </span>
            <button
              type="button"
              class="btn btn-quiet btn-small search-chip-x"
              aria-label={t('search.sender_clear', { name: sender })}
              onClick={() => {
                const { senderId: _s, ...rest } = filters;
                setWho('');
                onChange(rest);
              }}
            >
              ×
            </button>
          </span>
        ) : (
          <input
            type="search"
            class="input search-sender"
            value={who}
            maxLength={32}
            placeholder={t('search.sender_placeholder')}
            aria-label={t('search.sender')}
            onInput={(e) => setWho((e.target as HTMLInputElement).value)}
          />
        )}
      </div>
      {senders.length > 0 ? (
        <ul class="search-sender-list" aria-label={t('search.sender')}>
          {senders.map((u) => (
            <li key={u.id}>
              <button type="button" class="btn btn-quiet search-sender-pick" data-user={u.id} onClick={() => onChange({ ...filters, senderId: u.id })}>
                {u.display_name}
                {u.title ? <span class="muted"> · {u.title}</span> : null}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <div class="search-filter-row">
        <select
          class="input search-channel"
          aria-label={t('search.channel')}
          value={filters.channelId ? String(filters.channelId) : ''}
          onChange={(e) => {
            const v = Number((e.target as HTMLSelectElement).value);
            const { channelId: _c, ...rest } = filters;
            onChange(v ? { ...rest, channelId: v } : rest);
          }}
        >
          <option value="">{t('search.channel_any')}</option>
          {s.channels.map((c) => (
            <option key={c.id} value={String(c.id)}>
              {channelTitle(c, s.people)}
            </option>
          ))}
        </select>
        <select
          class="input search-dates"
          aria-label={t('search.date_range')}
          value={preset}
          onChange={(e) => choosePreset((e.target as HTMLSelectElement).value as Preset)}
        >
          <option value="any">{t('search.date_any')}</option>
          <option value="today">{t('search.date_today')}</option>
          <option value="week">{t('search.date_week')}</option>
          <option value="month">{t('search.date_month')}</option>
          <option value="custom">{t('search.date_custom')}</option>
        </select>
      </div>
      {custom ? (
        <div class="search-filter-row search-custom-dates">
          <label class="search-date">
            <span>{t('search.date_from')}</span>
            <input type="date" class="input" value={from} max={daysAgo(now, 0)} onChange={(e) => setDates((e.target as HTMLInputElement).value, to)} />
          </label>
          <label class="search-date">
            <span>{t('search.date_to')}</span>
            <input type="date" class="input" value={to} max={daysAgo(now, 0)} onChange={(e) => setDates(from, (e.target as HTMLInputElement).value)} />
          </label>
        </div>
      ) : null}
      {custom ? (
        <p class={problem ? 'form-error search-date-note' : 'muted search-date-note'} role={problem ? 'alert' : undefined}>
          {problem === 'order' ? t('search.date_order') : problem ? t('search.date_bad') : t('search.date_hint')}
        </p>
      ) : null}
      {hasFilters(filters) ? (
        <button
          type="button"
          class="btn btn-quiet btn-small search-filters-clear"
          onClick={() => {
            setWho('');
            setCustom(false);
            setFrom('');
            setTo('');
            onChange({});
          }}
        >
          {t('search.filters_clear')}
        </button>
      ) : null}
    </div>
  );
}
