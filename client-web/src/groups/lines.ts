// A group's own life in words: the system lines the server writes into a channel
// (PROTOCOL.md §4.9, "System lines") worded in the reader's language, and 免打扰 over
// the channel's notification level. Pure, so it is tested without a browser.

import { translate, type Locale } from '../i18n';
import type { Channel, Message, SystemEvent } from '../chat/types';

/** How many people a line names before "等 N 人". */
export const LINE_MAX_PEOPLE = 3;

export function isSystemLine(m: Pick<Message, 'kind'> | undefined): boolean {
  return m?.kind === 'system';
}

/** A list of people as a line says it: 李华、王建国 / 李华、王建国、赵敏 等 5 人. */
export function peopleList(ids: readonly number[], nameOf: (id: number) => string, meId: number, locale: Locale): string {
  const shown = ids.slice(0, LINE_MAX_PEOPLE).map((id) => (id === meId ? translate(locale, 'lines.you_object') : nameOf(id)));
  const people = shown.join(translate(locale, 'lines.sep'));
  if (ids.length <= LINE_MAX_PEOPLE) return people;
  return translate(locale, 'lines.more', { people, n: ids.length, rest: ids.length - LINE_MAX_PEOPLE });
}

/** What a system line says: 张静 创建了群聊并邀请了 李华、王建国. "你" for the reader. */
export function systemLineText(ev: SystemEvent | undefined, nameOf: (id: number) => string, meId: number, locale: Locale): string {
  if (!ev) return translate(locale, 'lines.changed');
  const actor = ev.actor_id === meId ? translate(locale, 'lines.you') : nameOf(ev.actor_id);
  const ids = ev.user_ids ?? [];
  const people = peopleList(ids, nameOf, meId, locale);
  switch (ev.event) {
    case 'group_created':
      return ids.length ? translate(locale, 'lines.created_invited', { actor, people }) : translate(locale, 'lines.created', { actor });
    case 'renamed':
      return translate(locale, 'lines.renamed', { actor, name: ev.name ?? '' });
    case 'members_added':
      return translate(locale, 'lines.added', { actor, people });
    case 'member_left':
      return translate(locale, 'lines.left', { actor });
    case 'member_removed':
      return translate(locale, 'lines.removed', { actor, people });
    default:
      return translate(locale, 'lines.changed');
  }
}

/** Lines that change who is in the channel: a member list held must be fetched again. */
export function changesMembers(m: Message): boolean {
  const e = m.system?.event;
  return isSystemLine(m) && (e === 'group_created' || e === 'members_added' || e === 'member_left' || e === 'member_removed');
}

export type NotifyLevel = NonNullable<Channel['notify']>;

/** 免打扰 is on at 仅@我 and at 关闭: the channel no longer notifies of every message. */
export function isMuted(c: Pick<Channel, 'notify'> | undefined): boolean {
  return c?.notify === 'mentions' || c?.notify === 'none';
}

/** The level one tap on 免打扰 sets: on means 仅@我 (as WeChat, an @ still reaches
 * you); off means 全部, from either muted level. */
export function toggledLevel(level: Channel['notify']): NotifyLevel {
  return level === 'mentions' || level === 'none' ? 'all' : 'mentions';
}

/** Whether @所有人 may be offered to this member: never in a direct chat; elsewhere
 * where the channel lets everyone, or the member administers it. */
export function mentionAllAllowed(c: Pick<Channel, 'kind' | 'mention_all' | 'role'>): boolean {
  if (c.kind === 'direct') return false;
  return c.mention_all === 'everyone' || c.role === 'admin';
}
