import { describe, expect, it } from 'vitest';
import type { Channel, Message, SystemEvent } from '../chat/types';
import { latestPreview, timelineRows, totalUnread } from '../chat/view';
import { changesMembers, isMuted, mentionAllAllowed, peopleList, systemLineText, toggledLevel } from './lines';

const names: Record<number, string> = { 1: '张静', 2: '李华', 3: '王建国', 4: '赵敏', 5: '周海燕' };
const nameOf = (id: number) => names[id] ?? `#${id}`;
const ev = (e: Partial<SystemEvent>): SystemEvent => ({ event: 'group_created', actor_id: 1, ...e });

describe('system lines', () => {
  it('words each event in Chinese', () => {
    expect(systemLineText(ev({ user_ids: [2, 3] }), nameOf, 9, 'zh-CN')).toBe('张静 创建了群聊并邀请了 李华、王建国');
    expect(systemLineText(ev({ user_ids: [] }), nameOf, 9, 'zh-CN')).toBe('张静 创建了群聊');
    expect(systemLineText(ev({ event: 'renamed', name: '预算编制筹备组' }), nameOf, 9, 'zh-CN')).toBe('张静 将群名改为“预算编制筹备组”');
    expect(systemLineText(ev({ event: 'members_added', user_ids: [4] }), nameOf, 9, 'zh-CN')).toBe('张静 邀请 赵敏 加入了群聊');
    expect(systemLineText(ev({ event: 'member_left', actor_id: 2 }), nameOf, 9, 'zh-CN')).toBe('李华 退出了群聊');
    expect(systemLineText(ev({ event: 'member_removed', user_ids: [5] }), nameOf, 9, 'zh-CN')).toBe('张静 将 周海燕 移出了群聊');
  });

  it('says 你 for the reader, as actor and as object', () => {
    expect(systemLineText(ev({ user_ids: [2, 3] }), nameOf, 1, 'zh-CN')).toBe('你 创建了群聊并邀请了 李华、王建国');
    expect(systemLineText(ev({ event: 'members_added', user_ids: [2] }), nameOf, 2, 'en')).toBe('张静 invited you to the group');
    expect(systemLineText(ev({ event: 'member_left', actor_id: 2 }), nameOf, 2, 'en')).toBe('You left the group');
  });

  it('names three people and counts the rest', () => {
    expect(peopleList([2, 3, 4, 5], nameOf, 9, 'zh-CN')).toBe('李华、王建国、赵敏 等 4 人');
    expect(peopleList([2, 3, 4, 5], nameOf, 9, 'en')).toBe('李华, 王建国, 赵敏 and 1 more');
    expect(peopleList([2, 3], nameOf, 9, 'en')).toBe('李华, 王建国');
  });

  it('words English and unknown events', () => {
    expect(systemLineText(ev({ user_ids: [2] }), nameOf, 9, 'en')).toBe('张静 created the group and invited 李华');
    expect(systemLineText(ev({ event: 'renamed', name: 'Budget' }), nameOf, 9, 'en')).toBe('张静 renamed the group to “Budget”');
    expect(systemLineText(ev({ event: 'something_new' as SystemEvent['event'] }), nameOf, 9, 'zh-CN')).toBe('群聊信息有变化');
    expect(systemLineText(undefined, nameOf, 9, 'en')).toBe('The group changed');
  });

  it('knows which lines change the members', () => {
    const m = (e: SystemEvent['event']): Message => ({ channel_id: 1, seq: 1, sender_id: 0, text: '', secrecy: 0, created_at: '', kind: 'system', system: ev({ event: e }) });
    expect(changesMembers(m('members_added'))).toBe(true);
    expect(changesMembers(m('member_left'))).toBe(true);
    expect(changesMembers(m('renamed'))).toBe(false);
    expect(changesMembers({ ...m('member_left'), kind: undefined })).toBe(false);
  });
});

describe('免打扰', () => {
  it('is on at 仅@我 and 关闭, off at 全部 or unknown', () => {
    expect(isMuted({ notify: 'mentions' })).toBe(true);
    expect(isMuted({ notify: 'none' })).toBe(true);
    expect(isMuted({ notify: 'all' })).toBe(false);
    expect(isMuted({})).toBe(false);
  });

  it('turns on to 仅@我 and off to 全部', () => {
    expect(toggledLevel('all')).toBe('mentions');
    expect(toggledLevel(undefined)).toBe('mentions');
    expect(toggledLevel('mentions')).toBe('all');
    expect(toggledLevel('none')).toBe('all');
  });
});

describe('@所有人', () => {
  const c = (x: Partial<Channel>) => ({ kind: 'group' as const, mention_all: 'everyone' as const, role: 'member' as const, ...x });
  it('is offered where everyone may, or to administrators, never in a direct chat', () => {
    expect(mentionAllAllowed(c({}))).toBe(true);
    expect(mentionAllAllowed(c({ mention_all: 'admins' }))).toBe(false);
    expect(mentionAllAllowed(c({ mention_all: 'admins', role: 'admin' }))).toBe(true);
    expect(mentionAllAllowed(c({ kind: 'direct' }))).toBe(false);
  });
});

describe('in the chat views', () => {
  const base: Channel = {
    id: 5, kind: 'group', name: '张静、李华、王建国', post_policy: 'everyone', mention_all: 'everyone', max_secrecy: 1,
    last_seq: 3, epoch: 1, role: 'member', read_seq: 1, unread: 2,
  };
  const line: Message = {
    channel_id: 5, seq: 1, sender_id: 0, text: '', secrecy: 0, created_at: '2026-03-02T01:00:00Z',
    kind: 'system', system: { event: 'group_created', actor_id: 1, user_ids: [2, 3] },
  };
  const people = Object.fromEntries(Object.entries(names).map(([id, n]) => [id, { id: Number(id), username: 'u' + id, display_name: n }]));

  it('leave muted channels out of the total unread', () => {
    expect(totalUnread([base, { ...base, id: 6, unread: 5, notify: 'mentions' }, { ...base, id: 7, unread: 1, notify: 'none' }])).toBe(2);
  });

  it('preview a system line as its words, without a sender', () => {
    expect(latestPreview({ ...base, latest: line }, { people }, 2, 'zh-CN')).toBe('张静 创建了群聊并邀请了 你、王建国');
  });

  it('never join a system line to a run or put the new-messages divider before it', () => {
    const msg = (seq: number, sender: number): Message => ({ channel_id: 5, seq, sender_id: sender, text: 'x', secrecy: 0, created_at: '2026-03-02T01:00:0' + seq + 'Z' });
    const rows = timelineRows([{ ...line, sender_id: 0 }, { ...line, seq: 2, sender_id: 0 }, msg(3, 2), msg(4, 2)], [], 1, 0, Date.parse('2026-03-02T02:00:00Z'), 'zh-CN');
    const kinds = rows.map((r) => (r.kind === 'message' ? `${r.message.seq}${r.compact ? 'c' : ''}` : r.kind));
    expect(kinds).toEqual(['day', '1', '2', 'divider', '3', '4c']);
  });
});
