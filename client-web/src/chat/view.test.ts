import { describe, expect, it } from 'vitest';
import type { Pending } from './outbox';
import { msg } from './testkit';
import type { Channel, Person } from './types';
import { channelTitle, dayLabel, groupChannels, latestPreview, listTime, mentionsMe, timelineRows, totalUnread } from './view';

const ME = 1;
// 2026-11-24 10:00 in Beijing (a Tuesday).
const NOW = Date.parse('2026-11-24T02:00:00Z');
const PEOPLE: Record<number, Person> = {
  1: { id: 1, username: 'wangjianguo', display_name: '王建国', title: '局长' },
  3: { id: 3, username: 'chenzhiqiang', display_name: '陈志强' },
  7: { id: 7, username: 'lihua', display_name: '李华' },
};

function chan(id: number, over: Partial<Channel> = {}): Channel {
  return {
    id,
    kind: 'group',
    name: `组${id}`,
    post_policy: 'everyone',
    mention_all: 'everyone',
    max_secrecy: 1,
    last_seq: 0,
    epoch: 1,
    role: 'member',
    read_seq: 0,
    unread: 0,
    ...over,
  };
}

describe('groupChannels', () => {
  const channels = [
    chan(1, { kind: 'direct', name: '', peer_id: 7 }),
    chan(2, { kind: 'department', name: '办公室', latest: msg(1, { created_at: '2026-11-24T01:00:00Z' }) }),
    chan(3, { kind: 'department', name: '预算股', latest: msg(1, { created_at: '2026-11-24T01:30:00Z' }) }),
    chan(4, { kind: 'party', name: '机关党支部' }),
    chan(5, { kind: 'group', name: '年度预算工作组' }),
  ];

  it('groups as 部门, 党支部, 群组, 私聊, newest activity first', () => {
    const g = groupChannels(channels, PEOPLE);
    expect(g.map((x) => x.kind)).toEqual(['department', 'party', 'group', 'direct']);
    expect(g[0]!.channels.map((c) => c.name)).toEqual(['预算股', '办公室']);
  });

  it.each([
    ['预算', ['预算股', '年度预算工作组']],
    ['李华', ['']], // the direct channel, by the peer's name
    ['lihua', ['']], // …or username
    ['  ', ['预算股', '办公室', '机关党支部', '年度预算工作组', '']],
    ['没有', []],
  ])('filters by %j', (q, names) => {
    expect(groupChannels(channels, PEOPLE, q).flatMap((g) => g.channels.map((c) => c.name))).toEqual(names);
  });

  it('names a direct channel after the other person', () => {
    expect(channelTitle(channels[0]!, PEOPLE)).toBe('李华');
    expect(channelTitle(chan(9, { kind: 'direct', name: '', peer_id: 99 }), PEOPLE)).toBe('#99');
  });

  it('adds up unread', () => {
    expect(totalUnread([chan(1, { unread: 3 }), chan(2, { unread: 0 }), chan(3, { unread: 12 })])).toBe(15);
  });
});

describe('times', () => {
  it.each([
    ['2026-11-24T01:05:00Z', 'zh-CN', '09:05'],
    ['2026-11-23T15:59:00Z', 'zh-CN', '昨天'], // 23:59 on the 23rd in Beijing
    ['2026-11-23T16:01:00Z', 'zh-CN', '00:01'], // …and two minutes later it is today
    ['2026-11-23T01:00:00Z', 'zh-CN', '昨天'],
    ['2026-11-20T01:00:00Z', 'zh-CN', '11月20日'],
    ['2025-03-02T01:00:00Z', 'zh-CN', '2025年3月2日'],
    ['2026-11-20T01:00:00Z', 'en', '20 Nov'],
  ] as const)('list time of %s (%s) is %s', (iso, l, want) => {
    expect(listTime(iso, NOW, l)).toBe(want);
  });

  it.each([
    ['2026-11-24T00:00:00Z', 'zh-CN', '今天'],
    ['2026-11-23T03:00:00Z', 'zh-CN', '昨天'],
    ['2026-11-20T03:00:00Z', 'zh-CN', '11月20日 星期五'],
    ['2025-03-02T03:00:00Z', 'zh-CN', '2025年3月2日 星期日'],
    ['2026-11-20T03:00:00Z', 'en', 'Friday, 20 Nov 2026'],
  ] as const)('day label of %s (%s) is %s', (iso, l, want) => {
    expect(dayLabel(iso, NOW, l)).toBe(want);
  });

  it('days change at midnight Beijing time, not UTC', () => {
    // 16:30 UTC on the 23rd is 00:30 on the 24th in Beijing: today.
    expect(dayLabel('2026-11-23T16:30:00Z', NOW, 'zh-CN')).toBe('今天');
  });
});

describe('previews and mentions', () => {
  const names = { people: PEOPLE };
  it.each([
    [chan(1), 'zh-CN', '暂无消息'],
    [chan(1, { latest: msg(3, { sender_id: 3, text: '收到\n明天  见' }) }), 'zh-CN', '陈志强: 收到 明天 见'],
    [chan(1, { latest: msg(3, { sender_id: ME, text: '好的' }) }), 'zh-CN', '我: 好的'],
    [chan(1, { latest: msg(3, { sender_id: ME, text: '好的' }) }), 'en', 'Me: 好的'],
    [chan(1, { kind: 'direct', peer_id: 3, latest: msg(3, { sender_id: 3, text: '在吗' }) }), 'zh-CN', '在吗'],
    [chan(1, { latest: msg(3, { sender_id: 3, text: '秘密', recalled_at: '2026-11-24T01:00:00Z' }) }), 'zh-CN', '[消息已撤回]'],
  ] as const)('%#: preview', (c, l, want) => {
    expect(latestPreview(c, names, ME, l)).toBe(want);
  });

  it.each([
    [msg(1, { mentions: [ME] }), true],
    [msg(1, { mention_all: true }), true],
    [msg(1, { mentions: [3] }), false],
    [msg(1, { mentions: [ME], recalled_at: '2026-11-24T01:00:00Z' }), false],
    [undefined, false],
  ])('%#: mentions me', (m, want) => {
    expect(mentionsMe(m, ME)).toBe(want);
  });
});

describe('timelineRows', () => {
  const at = (min: number) => new Date(Date.parse('2026-11-24T01:00:00Z') + min * 60_000).toISOString();

  it('puts a day separator before each Beijing day and runs one sender’s messages together', () => {
    const rows = timelineRows(
      [
        msg(1, { sender_id: 3, created_at: '2026-11-23T02:00:00Z' }),
        msg(2, { sender_id: 3, created_at: at(0) }),
        msg(3, { sender_id: 3, created_at: at(2) }),
        msg(4, { sender_id: 3, created_at: at(9) }), // more than 5 minutes later
        msg(5, { sender_id: 7, created_at: at(10) }),
      ],
      [],
      ME,
      undefined,
      NOW,
      'zh-CN',
    );
    expect(rows.map((r) => (r.kind === 'message' ? `${r.message.seq}${r.compact ? 'c' : ''}` : r.kind === 'day' ? r.label : r.kind))).toEqual([
      '昨天',
      '1',
      '今天',
      '2',
      '3c',
      '4',
      '5',
    ]);
  });

  it('puts the new-messages divider before the first later message from someone else, after the day', () => {
    const rows = timelineRows(
      [msg(1, { sender_id: 3, created_at: at(0) }), msg(2, { sender_id: ME, created_at: at(1) }), msg(3, { sender_id: 3, created_at: at(2) })],
      [],
      ME,
      1,
      NOW,
      'zh-CN',
    );
    expect(rows.map((r) => (r.kind === 'message' ? String(r.message.seq) : r.kind))).toEqual(['day', '1', '2', 'divider', '3']);
    const third = rows.at(-1)!;
    expect(third.kind === 'message' && third.compact).toBe(false);
  });

  it('no divider when nothing was unread', () => {
    const rows = timelineRows([msg(1, { sender_id: 3, created_at: at(0) })], [], ME, Number.MAX_SAFE_INTEGER, NOW, 'zh-CN');
    expect(rows.some((r) => r.kind === 'divider')).toBe(false);
  });

  it('a recalled message breaks a run', () => {
    const rows = timelineRows(
      [msg(1, { sender_id: 3, created_at: at(0) }), msg(2, { sender_id: 3, created_at: at(1), recalled_at: at(1) }), msg(3, { sender_id: 3, created_at: at(2) })],
      [],
      ME,
      undefined,
      NOW,
      'zh-CN',
    );
    const compact = rows.filter((r) => r.kind === 'message').map((r) => r.kind === 'message' && r.compact);
    expect(compact).toEqual([false, false, false]);
  });

  it('pending messages come last, in the order written', () => {
    const p = (id: string, min: number): Pending => ({ clientId: id, channelId: 2, text: id, createdAt: Date.parse(at(min)), status: 'queued' });
    const rows = timelineRows([msg(1, { sender_id: 3, created_at: at(0) })], [p('a', 1), p('b', 2)], ME, undefined, NOW, 'zh-CN');
    expect(rows.map((r) => r.key)).toEqual(['d:2026-11-24', 'm:1', 'p:a', 'p:b']);
    const last = rows.at(-1)!;
    expect(last.kind === 'pending' && last.compact).toBe(true);
  });
});
