// What the chat store fetches over REST: the channel list, a timeline's newest page, the
// catch-up after a gap, older history, members and their presence, the people of the
// organisation, search, and opening a direct channel.

import { MAX_PAGE, loadPresence as askPresence } from '../directory/load';
import type { ChatContext } from './state';
import { EMPTY_TIMELINE, findMessage, heldOf, lastSeq, withAroundPage, withNewerPage, withNewestPage, withOlderPage, withPageGaps } from './timeline';
import type { Channel, ChannelMember, Messages, MessagesAround, Person } from './types';
import { searchParams, type SearchFilters } from '../search/filters';

const PAGE = 50;
const CATCH_UP_PAGE = 200;
const CATCH_UP_MAX_PAGES = 10;
const NEWEST = Number.MAX_SAFE_INTEGER;
const PEOPLE_MAX_PAGES = 20;

export type Loaders = ReturnType<typeof createLoaders>;

export function createLoaders(ctx: ChatContext) {
  const { request } = ctx.deps;
  const catchingUp = new Set<number>();
  let listTimer: unknown;

  function scheduleListRefresh() {
    if (listTimer !== undefined) return;
    listTimer = ctx.setT(() => {
      listTimer = undefined;
      void loadChannels();
    }, 300);
  }

  async function loadChannels(): Promise<void> {
    try {
      const res = await request<{ channels: Channel[] }>('GET', '/channels');
      if (ctx.disposed) return;
      ctx.set({ channels: res.channels, channelsLoaded: true, listError: undefined });
      for (const c of res.channels) {
        const t = ctx.state.timelines[c.id];
        if (t && !t.loading && c.last_seq > heldOf(t)) void catchUp(c.id);
        const pending = ctx.pendingReads.get(c.id);
        if (pending !== undefined && c.read_seq < pending) ctx.patchChannel(c.id, (x) => ({ ...x, read_seq: pending, unread: 0 }));
      }
    } catch (err) {
      ctx.set({ listError: ctx.failed(err) });
    }
  }

  async function loadNewest(id: number): Promise<void> {
    if (!ctx.state.timelines[id]) ctx.setTimeline(id, EMPTY_TIMELINE);
    try {
      const res = await request<Messages>('GET', `/channels/${id}/messages?before=${NEWEST}&limit=${PAGE}`);
      if (ctx.disposed) return;
      // Seqs missing inside an answered page were deleted (§7.7): dropped before merging.
      ctx.setTimeline(id, withNewestPage(withPageGaps(ctx.state.timelines[id] ?? EMPTY_TIMELINE, res.messages), res.messages, res.has_more));
      const { [id]: _, ...errors } = ctx.state.timelineErrors;
      ctx.set({ timelineErrors: errors });
    } catch (err) {
      const e = ctx.failed(err);
      const t = ctx.state.timelines[id] ?? EMPTY_TIMELINE;
      ctx.set({ timelines: { ...ctx.state.timelines, [id]: { ...t, loading: false } }, timelineErrors: { ...ctx.state.timelineErrors, [id]: e } });
    }
  }

  /** Fetches what is missing after the held part of a timeline. */
  async function catchUp(id: number): Promise<void> {
    if (catchingUp.has(id)) return;
    catchingUp.add(id);
    try {
      for (let page = 0; page < CATCH_UP_MAX_PAGES; page++) {
        const t = ctx.state.timelines[id];
        if (!t || t.loading || t.hasNewer) return; // short of the live end, scrolling pages newer
        const from = heldOf(t);
        const res = await request<Messages>('GET', `/channels/${id}/messages?after=${from}&limit=${CATCH_UP_PAGE}`);
        if (ctx.disposed) return;
        const cur = ctx.state.timelines[id];
        if (!cur) return;
        const known = withPageGaps(cur, res.messages, from + 1);
        ctx.setTimeline(id, { ...known, messages: withNewestPage(known, res.messages, cur.hasOlder).messages });
        if (!res.has_more) return;
      }
      // Far behind: start again from the newest page.
      void loadNewest(id);
    } catch (err) {
      ctx.failed(err);
    } finally {
      catchingUp.delete(id);
    }
  }

  async function loadOlder(id: number): Promise<void> {
    const t = ctx.state.timelines[id];
    if (!t || t.loading || t.loadingOlder || !t.hasOlder || t.messages.length === 0) return;
    ctx.setTimeline(id, { ...t, loadingOlder: true });
    try {
      const res = await request<Messages>('GET', `/channels/${id}/messages?before=${t.messages[0]!.seq}&limit=${PAGE}`);
      const cur = ctx.state.timelines[id];
      if (ctx.disposed || !cur) return;
      ctx.setTimeline(id, withOlderPage(withPageGaps(cur, res.messages, undefined, t.messages[0]!.seq - 1), res.messages, res.has_more));
    } catch (err) {
      const cur = ctx.state.timelines[id];
      if (cur) ctx.setTimeline(id, { ...cur, loadingOlder: false });
      ctx.set({ timelineErrors: { ...ctx.state.timelineErrors, [id]: ctx.failed(err) } });
    }
  }

  /** Opens a channel at one message (a search hit): the messages on both sides of it,
   * unless the timeline holds it already. Each call lands anew (ChatState.landing). */
  async function loadAround(id: number, seq: number): Promise<void> {
    const n = (ctx.state.landing?.n ?? 0) + 1;
    ctx.set({ landing: { channelId: id, seq, n } });
    const t = ctx.state.timelines[id];
    if (t && !t.loading && findMessage(t, seq) && !ctx.state.timelineErrors[id]) return;
    if (!t) ctx.setTimeline(id, EMPTY_TIMELINE);
    try {
      const res = await request<MessagesAround>('GET', `/channels/${id}/messages?around=${seq}&limit=${PAGE}`);
      if (ctx.disposed || ctx.state.landing?.n !== n) return;
      const held = ctx.state.timelines[id];
      ctx.setTimeline(id, withAroundPage(held && withPageGaps(held, res.messages), res.messages, res.has_more_before, res.has_more_after));
      const { [id]: _, ...errors } = ctx.state.timelineErrors;
      ctx.set({ timelineErrors: errors });
    } catch (err) {
      const e = ctx.failed(err);
      const cur = ctx.state.timelines[id] ?? EMPTY_TIMELINE;
      ctx.set({ timelines: { ...ctx.state.timelines, [id]: { ...cur, loading: false } }, timelineErrors: { ...ctx.state.timelineErrors, [id]: e } });
    }
  }

  /** The next page newer than a timeline opened short of the live end; the last one
   * joins it, and a catch-up then fetches whatever came live in between. */
  async function loadNewer(id: number): Promise<void> {
    const t = ctx.state.timelines[id];
    if (!t || t.loading || t.loadingNewer || !t.hasNewer || t.messages.length === 0) return;
    ctx.setTimeline(id, { ...t, loadingNewer: true });
    try {
      const res = await request<Messages>('GET', `/channels/${id}/messages?after=${lastSeq(t.messages)}&limit=${PAGE}`);
      const cur = ctx.state.timelines[id];
      if (ctx.disposed || !cur) return;
      ctx.setTimeline(id, withNewerPage(withPageGaps(cur, res.messages, lastSeq(t.messages) + 1), res.messages, res.has_more));
      const c = ctx.state.channels.find((x) => x.id === id);
      if (!res.has_more && c && c.last_seq > heldOf(ctx.state.timelines[id]!)) void catchUp(id);
    } catch (err) {
      const cur = ctx.state.timelines[id];
      if (cur) ctx.setTimeline(id, { ...cur, loadingNewer: false });
      ctx.set({ timelineErrors: { ...ctx.state.timelineErrors, [id]: ctx.failed(err) } });
    }
  }

  async function loadMembers(id: number): Promise<void> {
    try {
      const res = await request<{ members: ChannelMember[] }>('GET', `/channels/${id}/members`);
      if (ctx.disposed) return;
      ctx.set({ members: { ...ctx.state.members, [id]: res.members } });
      void loadPresence(res.members.map((m) => m.user_id));
    } catch (err) {
      ctx.failed(err);
    }
  }

  async function loadPresence(ids: number[]): Promise<void> {
    let online: Map<number, boolean>;
    try {
      online = await askPresence(request, ids);
    } catch {
      return; // presence is a nicety; the member list stands without it
    }
    if (!ctx.disposed) ctx.set({ presence: { ...ctx.state.presence, ...Object.fromEntries(online) } });
  }

  /** Names and titles of everyone in the organisation, for senders and direct channels. */
  async function loadPeople(): Promise<void> {
    const people: Record<number, Person> = {};
    try {
      // Page by page (kept when a later page fails). Not "shorter than a page": disabled
      // accounts are left out after paging, so only an empty page is the end (§4.4).
      for (let page = 0; page < PEOPLE_MAX_PAGES; page++) {
        const res = await request<{ people: Person[] }>('GET', `/org/people?limit=${MAX_PAGE}&offset=${page * MAX_PAGE}`);
        for (const p of res.people) {
          people[p.id] = { id: p.id, username: p.username, display_name: p.display_name, title: p.title, position: p.position };
          if (p.id === ctx.deps.me.id && p.phone) people[p.id]!.phone = p.phone;
        }
        if (res.people.length === 0) break;
      }
    } catch (err) {
      ctx.failed(err);
    }
    if (!ctx.disposed) ctx.set({ people: { ...ctx.state.people, ...people } });
  }

  async function search(q: string, filters: SearchFilters = {}): Promise<void> {
    const query = q.trim();
    if (!query) {
      ctx.set({ search: undefined });
      return;
    }
    const asked = { q: query, filters };
    ctx.set({ search: { ...asked, busy: true, results: [] } });
    const current = () => ctx.state.search?.q === query && ctx.state.search.filters === filters;
    try {
      const res = await request<Messages>('GET', `/search?${searchParams(query, filters, 30)}`);
      if (current()) ctx.set({ search: { ...asked, busy: false, results: res.messages } });
    } catch (err) {
      if (current()) ctx.set({ search: { ...asked, busy: false, results: [], error: ctx.failed(err) } });
    }
  }

  /** Opens (creating on first use) the direct channel with a person; its id. */
  async function openDirect(userId: number): Promise<number> {
    let c: Channel;
    try {
      c = await request<Channel>('POST', `/direct/${userId}`);
    } catch (err) {
      throw ctx.failed(err);
    }
    if (!ctx.state.channels.some((x) => x.id === c.id)) ctx.set({ channels: [...ctx.state.channels, c] });
    scheduleListRefresh();
    return c.id;
  }

  return {
    scheduleListRefresh,
    loadChannels,
    loadNewest,
    catchUp,
    loadOlder,
    loadAround,
    loadNewer,
    loadMembers,
    loadPresence,
    loadPeople,
    search,
    openDirect,
    /** Cancels the pending list refresh (on dispose). */
    stop() {
      if (listTimer !== undefined) ctx.clearT(listTimer);
    },
  };
}
