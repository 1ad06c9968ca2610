import { describe, expect, it } from 'vitest';
import type { Channel } from '../chat/types';
import { checkCreate, checkName, checkSettings, checkTopic, createBody, formFromChannel, isEmptyPatch, MAX_MEMBERS, settingsPatch } from './form';

function channel(over: Partial<Channel> = {}): Channel {
  return {
    id: 12,
    kind: 'group',
    name: '预算编制会议筹备组',
    topic: '11月25日预算编制工作会议',
    post_policy: 'everyone',
    mention_all: 'everyone',
    max_secrecy: 1,
    last_seq: 0,
    epoch: 1,
    role: 'admin',
    read_seq: 0,
    unread: 0,
    ...over,
  };
}

describe('checkName', () => {
  it.each([
    { name: 'ok', v: '预算编制会议筹备组', want: undefined },
    { name: 'empty', v: '', want: 'groups.err_name_required' },
    { name: 'only spaces', v: '   ', want: 'groups.err_name_required' },
    { name: '64 characters', v: '字'.repeat(64), want: undefined },
    { name: '65 characters', v: '字'.repeat(65), want: 'groups.err_name_long' },
    { name: 'counted in code points, not UTF-16 units', v: '😀'.repeat(64), want: undefined },
    { name: 'spaces around do not count', v: `  ${'字'.repeat(64)}  `, want: undefined },
    { name: 'a tab', v: '预算\t组', want: 'groups.err_chars' },
    { name: 'a right-to-left override', v: '预算\u202e组', want: 'groups.err_chars' },
    { name: 'an isolate', v: '预算\u2066组', want: 'groups.err_chars' },
  ])('$name', ({ v, want }) => {
    expect(checkName(v)?.key).toBe(want);
  });
});

describe('checkTopic', () => {
  it.each([
    { name: 'empty is fine', v: '', want: undefined },
    { name: '256 characters', v: '议'.repeat(256), want: undefined },
    { name: '257 characters', v: '议'.repeat(257), want: 'groups.err_topic_long' },
    { name: 'a line break', v: '第一行\n第二行', want: 'groups.err_chars' },
  ])('$name', ({ v, want }) => {
    expect(checkTopic(v)?.key).toBe(want);
  });
});

describe('checkCreate', () => {
  const form = { name: '筹备组', topic: '', postAdminsOnly: false, mentionAll: 'everyone' as const };
  it('accepts a group of one', () => expect(checkCreate(form, 0)).toEqual({}));
  it('refuses more than the server takes', () =>
    expect(checkCreate(form, MAX_MEMBERS + 1).members).toEqual({ key: 'groups.err_too_many', params: { max: MAX_MEMBERS, n: MAX_MEMBERS + 1 } }));
  it('names each bad field', () => expect(Object.keys(checkCreate({ ...form, name: 'a\u0007', topic: 'a\u0007' }, 1))).toEqual(['name', 'topic']));
  it('takes a group without a name (named from its members by the server)', () => {
    expect(checkCreate({ ...form, name: '  ' }, 2)).toEqual({});
    expect(createBody({ ...form, name: '  ' }, [2, 3]).name).toBe('');
  });
});

describe('createBody', () => {
  it('trims and leaves the defaults out', () => {
    expect(createBody({ name: ' 筹备组 ', topic: '  ', postAdminsOnly: false, mentionAll: 'everyone' }, [6, 20])).toEqual({ name: '筹备组', members: [6, 20] });
  });
  it('sends the chosen policies', () => {
    expect(createBody({ name: '通知群', topic: ' 只发通知 ', postAdminsOnly: true, mentionAll: 'admins' }, [])).toEqual({
      name: '通知群',
      topic: '只发通知',
      members: [],
      post_policy: 'admins',
      mention_all: 'admins',
    });
  });
});

describe('settingsPatch', () => {
  const cases: { name: string; c: Channel; change: Partial<ReturnType<typeof formFromChannel>>; want: object }[] = [
    { name: 'nothing changed', c: channel(), change: {}, want: {} },
    { name: 'only spaces added to the name', c: channel(), change: { name: ' 预算编制会议筹备组 ' }, want: {} },
    { name: 'renamed, trimmed', c: channel(), change: { name: ' 会务组 ' }, want: { name: '会务组' } },
    { name: 'topic cleared', c: channel(), change: { topic: '' }, want: { topic: '' } },
    { name: 'topic set where there was none', c: channel({ topic: undefined }), change: { topic: '会务' }, want: { topic: '会务' } },
    {
      name: 'both policies',
      c: channel(),
      change: { postAdminsOnly: true, mentionAll: 'admins' },
      want: { post_policy: 'admins', mention_all: 'admins' },
    },
    { name: 'policy back to everyone', c: channel({ post_policy: 'admins' }), change: { postAdminsOnly: false }, want: { post_policy: 'everyone' } },
    {
      name: 'a department keeps its name and may include sub-departments',
      c: channel({ kind: 'department', name: '预算股', include_sub_departments: true }),
      change: { name: '别的名字', includeSub: false },
      want: { include_sub_departments: false },
    },
    {
      name: 'a party channel has no sub-departments',
      c: channel({ kind: 'party', name: '机关党支部' }),
      change: { includeSub: true, topic: '三会一课' },
      want: { topic: '三会一课' },
    },
    { name: 'a group has no sub-departments', c: channel(), change: { includeSub: true }, want: {} },
    { name: 'a direct channel has nothing', c: channel({ kind: 'direct', name: '' }), change: { topic: 'x' }, want: {} },
  ];
  for (const { name, c, change, want } of cases) {
    it(name, () => {
      const body = settingsPatch(c, { ...formFromChannel(c), ...change });
      expect(body).toEqual(want);
      expect(isEmptyPatch(body)).toBe(Object.keys(want).length === 0);
    });
  }
});

describe('checkSettings', () => {
  it('checks the name of a group only', () => {
    // Cleared: the group goes back to a name made from its members.
    expect(checkSettings(channel(), { ...formFromChannel(channel()), name: '' })).toEqual({});
    expect(settingsPatch(channel(), { ...formFromChannel(channel()), name: ' ' }).name).toBe('');
    const dept = channel({ kind: 'department', name: '预算股' });
    expect(checkSettings(dept, { ...formFromChannel(dept), name: '' })).toEqual({});
  });
});
