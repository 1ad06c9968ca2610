// What the chat screens show, worked out from the state: channel groups and titles,
// names, and the rows of a timeline (day separators, the new-messages divider, runs of
// messages by one sender). Pure, so it is tested without a browser.

import { previewOf } from '../files/gallery';
import { formatDate, formatTime, zonedParts } from '../format';
import { translate, type Locale } from '../i18n';
import type { Pending } from './outbox';
import { isMuted, isSystemLine, systemLineText } from '../groups/lines';
import { previewText } from './text';
import { CHANNEL_KINDS, type Channel, type ChannelKind, type ChannelMember, type Message, type Person } from './types';

export interface Names {
  people: Record<number, Person>;
  members?: readonly ChannelMember[];
}

export function personName(id: number, n: Names): string {
  return n.people[id]?.display_name || n.members?.find((m) => m.user_id === id)?.display_name || `#${id}`;
}

export function personTitle(id: number, n: Names): string | undefined {
  return n.people[id]?.title || n.members?.find((m) => m.user_id === id)?.title || undefined;
}

export function channelTitle(c: Channel, people: Record<number, Person>): string {
  if (c.kind === 'direct') return c.peer_id ? personName(c.peer_id, { people }) : c.name || '?';
  return c.name;
}

/** Newest activity first, as in every chat app; channels without messages by name. */
function byActivity(people: Record<number, Person>, bumps: Readonly<Record<number, number>> = {}) {
  return (a: Channel, b: Channel) => {
    const ta = Math.max(a.latest ? Date.parse(a.latest.created_at) : 0, bumps[a.id] ?? 0);
    const tb = Math.max(b.latest ? Date.parse(b.latest.created_at) : 0, bumps[b.id] ?? 0);
    if (ta !== tb) return tb - ta;
    return channelTitle(a, people).localeCompare(channelTitle(b, people), 'zh-CN-u-co-pinyin');
  };
}

export interface ChannelGroup {
  kind: ChannelKind;
  channels: Channel[];
}

/** Channels grouped 部门, 党支部, 群组, 私聊, filtered by a name query; within a group by
 * activity, where bumps (channel → ms: an urgent notice arrived) count as activity. */
export function groupChannels(channels: readonly Channel[], people: Record<number, Person>, query = '', bumps?: Readonly<Record<number, number>>): ChannelGroup[] {
  const q = query.trim().toLowerCase();
  const match = (c: Channel) => {
    if (!q) return true;
    const title = channelTitle(c, people).toLowerCase();
    const uname = c.peer_id ? (people[c.peer_id]?.username ?? '') : '';
    return title.includes(q) || uname.includes(q);
  };
  return CHANNEL_KINDS.map((kind) => ({
    kind,
    channels: channels.filter((c) => c.kind === kind && match(c)).sort(byActivity(people, bumps)),
  })).filter((g) => g.channels.length > 0);
}

/** Unread messages of the channels that are not muted (免打扰 channels keep their own
 * grey badge but stay out of the total, as in WeChat). */
export function totalUnread(channels: readonly Channel[]): number {
  return channels.reduce((n, c) => n + (c.unread > 0 && !isMuted(c) ? c.unread : 0), 0);
}

/** The time in the channel list: 14:05 today, 昨天 yesterday, 11月20日 this year, else the full date. */
export function listTime(iso: string, now: number, locale: Locale): string {
  const d = new Date(iso);
  const a = zonedParts(d);
  const b = zonedParts(new Date(now));
  if (sameDay(a, b)) return formatTime(d);
  const y = zonedParts(new Date(now - 86_400_000));
  if (sameDay(a, y)) return translate(locale, 'chat.yesterday');
  if (a.year === b.year) return locale === 'zh-CN' ? `${a.month}月${a.day}日` : formatDate(d, locale).replace(/ \d{4}$/, '');
  return formatDate(d, locale);
}

type P = ReturnType<typeof zonedParts>;
function sameDay(a: P, b: P) {
  return a.year === b.year && a.month === b.month && a.day === b.day;
}

export function dayKey(iso: string): string {
  const p = zonedParts(new Date(iso));
  return `${p.year}-${p.month}-${p.day}`;
}

const ZH_WEEKDAYS = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];
const EN_WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** A day separator: 今天 / 昨天 / 11月20日 星期五 / 2025年3月2日 星期日. */
export function dayLabel(iso: string, now: number, locale: Locale): string {
  const d = new Date(iso);
  const a = zonedParts(d);
  const b = zonedParts(new Date(now));
  if (sameDay(a, b)) return translate(locale, 'chat.today');
  if (sameDay(a, zonedParts(new Date(now - 86_400_000)))) return translate(locale, 'chat.yesterday');
  if (locale === 'zh-CN') {
    const date = a.year === b.year ? `${a.month}月${a.day}日` : formatDate(d, locale);
    return `${date} ${ZH_WEEKDAYS[a.weekday]}`;
  }
  return `${EN_WEEKDAYS[a.weekday]}, ${formatDate(d, locale)}`;
}

/** The one-line preview of a channel's newest message. */
export function latestPreview(c: Channel, n: Names, meId: number, locale: Locale): string {
  const m = c.latest;
  if (!m) return translate(locale, 'chat.no_messages_yet');
  if (m.recalled_at) return translate(locale, 'chat.recalled_preview');
  if (isSystemLine(m)) return systemLineText(m.system, (id) => personName(id, n), meId, locale);
  const text = previewText(previewOf(m, locale));
  if (c.kind === 'direct') return text;
  const who = m.sender_id === meId ? (locale === 'zh-CN' ? '我' : 'Me') : personName(m.sender_id, n);
  return `${who}: ${text}`;
}

export function mentionsMe(m: Message | undefined, meId: number): boolean {
  return !!m && !m.recalled_at && (!!m.mention_all || (m.mentions ?? []).includes(meId));
}

export type Row =
  | { kind: 'day'; key: string; label: string }
  | { kind: 'divider'; key: string }
  | { kind: 'message'; key: string; message: Message; compact: boolean }
  | { kind: 'pending'; key: string; pending: Pending; compact: boolean };

const RUN_MS = 5 * 60_000;

/** The rows of a timeline. dividerAfter: the read position when the channel was opened;
 * the divider goes before the first later message from someone else. */
export function timelineRows(
  messages: readonly Message[],
  pending: readonly Pending[],
  meId: number,
  dividerAfter: number | undefined,
  now: number,
  locale: Locale,
): Row[] {
  const rows: Row[] = [];
  let lastDay = '';
  let prevSender: number | undefined;
  let prevAt = 0;
  let divided = dividerAfter === undefined;
  const push = (iso: string, sender: number, recalled: boolean, divider = false): boolean => {
    const day = dayKey(iso);
    let compact = !recalled && prevSender === sender && Date.parse(iso) - prevAt < RUN_MS;
    if (day !== lastDay) {
      rows.push({ kind: 'day', key: `d:${day}`, label: dayLabel(iso, now, locale) });
      lastDay = day;
      compact = false;
    }
    if (divider) {
      rows.push({ kind: 'divider', key: 'divider' });
      compact = false;
    }
    prevSender = recalled ? undefined : sender;
    prevAt = Date.parse(iso);
    return compact;
  };
  for (const m of messages) {
    const divider = !divided && m.seq > dividerAfter! && m.sender_id !== meId && !isSystemLine(m);
    if (divider) divided = true;
    // A system line stands alone, like a recalled message: it never joins a run.
    const compact = push(m.created_at, m.sender_id, !!m.recalled_at || isSystemLine(m), divider);
    rows.push({ kind: 'message', key: `m:${m.seq}`, message: m, compact });
  }
  for (const p of pending) {
    const compact = push(new Date(p.createdAt).toISOString(), meId, false);
    rows.push({ kind: 'pending', key: `p:${p.clientId}`, pending: p, compact });
  }
  return rows;
}
