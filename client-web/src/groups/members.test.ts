import { describe, expect, it } from 'vitest';
import type { Channel, ChannelMember } from '../chat/types';
import { adminCount, isLastAdmin, memberActions, myRole, sortMembers } from './members';

const m = (user_id: number, display_name: string, role: 'admin' | 'member' = 'member'): ChannelMember => ({
  user_id,
  username: `u${user_id}`,
  display_name,
  role,
});

const chen = m(3, '陈志强', 'admin');
const zhou = m(6, '周海燕');
const yang = m(20, '杨帆');
const an = m(21, '安然', 'admin');

describe('sortMembers', () => {
  it('puts administrators first, then orders by pinyin', () => {
    expect(sortMembers([zhou, yang, chen, an]).map((x) => x.user_id)).toEqual([21, 3, 20, 6]);
  });
});

describe('isLastAdmin', () => {
  it.each([
    { name: 'the only admin with others', ms: [chen, zhou], me: 3, want: true },
    { name: 'alone in the group', ms: [chen], me: 3, want: false },
    { name: 'one of two admins', ms: [chen, an, zhou], me: 3, want: false },
    { name: 'a plain member', ms: [chen, zhou], me: 6, want: false },
  ])('$name', ({ ms, me, want }) => {
    expect(isLastAdmin(ms, me)).toBe(want);
  });
  it('counts admins', () => expect(adminCount([chen, zhou, an])).toBe(2));
});

describe('myRole', () => {
  const c = { role: 'admin' } as Channel;
  it('prefers the member list, which is fresher', () => {
    expect(myRole(c, [m(3, '陈志强', 'member')], 3)).toBe('member');
    expect(myRole(c, undefined, 3)).toBe('admin');
    expect(myRole(c, [zhou], 3)).toBe('admin');
  });
});

describe('memberActions', () => {
  it.each([
    { name: 'admin on a member', kind: 'group', am: true, who: zhou, want: { remove: true, promote: true, demote: false } },
    { name: 'admin on another admin', kind: 'group', am: true, who: an, want: { remove: true, promote: false, demote: true } },
    { name: 'admin on themself: stand down but not remove', kind: 'group', am: true, who: chen, want: { remove: false, promote: false, demote: true } },
    { name: 'a member does nothing to others', kind: 'group', am: false, who: zhou, want: { remove: false, promote: false, demote: false } },
    { name: 'department channels follow the tree', kind: 'department', am: true, who: zhou, want: { remove: false, promote: false, demote: false } },
  ] as const)('$name', ({ kind, am, who, want }) => {
    expect(memberActions(kind, am, who, 3)).toEqual(want);
  });
});
