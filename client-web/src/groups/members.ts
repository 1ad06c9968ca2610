// The member list of a channel: its order, and what the viewer may do to each member.
// Pure functions, no DOM.

import type { Channel, ChannelMember } from '../chat/types';

const collator = new Intl.Collator('zh-CN-u-co-pinyin');

/** Administrators first, then by name as a Chinese reader expects. */
export function sortMembers(members: readonly ChannelMember[]): ChannelMember[] {
  return members
    .slice()
    .sort(
      (a, b) =>
        (a.role === b.role ? 0 : a.role === 'admin' ? -1 : 1) ||
        collator.compare(a.display_name || a.username, b.display_name || b.username) ||
        a.user_id - b.user_id,
    );
}

export function adminCount(members: readonly ChannelMember[]): number {
  return members.filter((m) => m.role === 'admin').length;
}

/** Your role, from the member list when it is loaded (it is fresher after a role
 * change), else from the channel. */
export function myRole(channel: Channel, members: readonly ChannelMember[] | undefined, meId: number): 'admin' | 'member' {
  const me = members?.find((m) => m.user_id === meId);
  return me ? me.role : channel.role;
}

/** The last administrator may not leave while others remain (409 on the server). */
export function isLastAdmin(members: readonly ChannelMember[], meId: number): boolean {
  const me = members.find((m) => m.user_id === meId);
  return !!me && me.role === 'admin' && adminCount(members) === 1 && members.length > 1;
}

export interface MemberActions {
  remove: boolean;
  promote: boolean;
  demote: boolean;
}

const NONE: MemberActions = { remove: false, promote: false, demote: false };

/** What an administrator of a group may do to one member: remove others (leaving is a
 * separate button), appoint members, stand administrators down (themselves included). */
export function memberActions(kind: Channel['kind'], amAdmin: boolean, m: ChannelMember, meId: number): MemberActions {
  if (kind !== 'group' || !amAdmin) return NONE;
  return { remove: m.user_id !== meId, promote: m.role === 'member', demote: m.role === 'admin' };
}
