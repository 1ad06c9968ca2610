import { describe, expect, it, vi } from 'vitest';
import type { Message } from '../chat/types';
import {
  copyText,
  forwardable,
  forwardErrorText,
  forwardRequest,
  menuItems,
  recentChannels,
  recordPreview,
  toggleChoice,
  toggleSeq,
  type Choice,
  type MenuContext,
} from './forward';
import { MAX_FORWARD_ITEMS, MAX_FORWARD_TARGETS } from './types';
import { DEFAULT_LEVELS } from '../secrecy/ladder';

const msg = (over: Partial<Message> = {}): Message => ({
  channel_id: 5,
  seq: 3,
  sender_id: 7,
  text: '请各位周五前报送',
  secrecy: 0,
  created_at: '2026-12-04T01:00:00Z',
  ...over,
});

const noop = () => undefined;
const ctx = (over: Partial<MenuContext> = {}): MenuContext => ({
  m: msg(),
  locale: 'zh-CN',
  canEdit: false,
  canRecall: false,
  selecting: false,
  copy: noop,
  reply: noop,
  forward: noop,
  select: noop,
  recall: noop,
  edit: noop,
  todo: noop,
  ...over,
});

describe('the message menu', () => {
  it('offers 复制 回复 转发 多选, then 设为待办', () => {
    const todo = vi.fn();
    const items = menuItems(ctx({ todo }));
    expect(items.map((i) => i.label)).toEqual(['复制', '回复', '转发', '多选', '设为待办']);
    expect(items.at(-1)).toMatchObject({ id: 'todo' });
    expect(items.at(-1)!.disabled).toBeFalsy();
    items.at(-1)!.run!();
    expect(todo).toHaveBeenCalledOnce();
  });
  it('leaves 设为待办 out without the 待办 feature, and on a system line', () => {
    expect(menuItems(ctx({ todo: undefined })).map((i) => i.id)).not.toContain('todo');
    expect(menuItems(ctx({ m: msg({ kind: 'system' }) })).map((i) => i.id)).not.toContain('todo');
  });
  it('adds 撤回 and 编辑 only while allowed, and never 编辑 for a forward', () => {
    expect(menuItems(ctx({ canEdit: true, canRecall: true })).map((i) => i.id)).toEqual(['copy', 'reply', 'forward', 'select', 'recall', 'edit', 'todo']);
    const fwd = msg({ forward: { from_channel_id: 1, from_channel_name: '预算股', items: [] } });
    expect(menuItems(ctx({ m: fwd, canEdit: true })).map((i) => i.id)).not.toContain('edit');
  });
  it('has nothing for a recalled message, and no 多选 while selecting', () => {
    expect(menuItems(ctx({ m: msg({ recalled_at: '2026-12-04T01:01:00Z' }) }))).toEqual([]);
    expect(menuItems(ctx({ selecting: true })).map((i) => i.id)).not.toContain('select');
  });
  it('takes the items other features add, before 设为待办', () => {
    expect(menuItems(ctx(), [{ id: 'reads', label: '查看已读', run: noop }]).map((i) => i.id)).toEqual(['copy', 'reply', 'forward', 'select', 'reads', 'todo']);
    expect(menuItems(ctx({ m: msg({ recalled_at: '2026-12-04T01:01:00Z' }) }), [{ id: 'reads', label: '查看已读' }])).toEqual([]);
  });
  it('speaks English too', () => {
    expect(menuItems(ctx({ locale: 'en' }))[2]!.label).toBe('Forward');
  });
});

describe('the forward request', () => {
  const chosen: Choice[] = [
    { kind: 'channel', id: 14, title: '预算协调' },
    { kind: 'person', id: 12, title: '何平' },
  ];
  it('names channels and people, sorts seqs, trims the comment', () => {
    expect(forwardRequest({ clientId: 'fw-1', channelId: 5, seqs: [9, 4], merged: true, chosen, comment: '  请知悉 ' })).toEqual({
      client_id: 'fw-1',
      channel_id: 5,
      seqs: [4, 9],
      merged: true,
      targets: [{ channel_id: 14 }, { user_id: 12 }],
      comment: '请知悉',
    });
  });
  it('sends one message unmerged and leaves out an empty comment', () => {
    const body = forwardRequest({ clientId: 'fw-1', channelId: 5, seqs: [4], merged: true, chosen, comment: '   ' });
    expect(body.merged).toBeUndefined();
    expect(body.comment).toBeUndefined();
  });
  it('holds at most the server’s number of targets', () => {
    let list: Choice[] = [];
    for (let i = 1; i <= MAX_FORWARD_TARGETS; i++) list = toggleChoice(list, { kind: 'person', id: i, title: `#${i}` }).chosen;
    const r = toggleChoice(list, { kind: 'person', id: 999, title: 'x' });
    expect(r.ok).toBe(false);
    expect(r.chosen).toHaveLength(MAX_FORWARD_TARGETS);
    expect(toggleChoice(list, list[0]!).chosen).toHaveLength(MAX_FORWARD_TARGETS - 1);
  });
});

describe('refusals in words', () => {
  const chosen: Choice[] = [
    { kind: 'channel', id: 14, title: '预算协调' },
    { kind: 'channel', id: 15, title: '外单位群' },
  ];
  const fb = () => 'fallback';
  it('names the target whose ceiling is lower', () => {
    expect(forwardErrorText({ code: 'secrecy_above_ceiling', at: 0, field: 'targets[1]' }, chosen, 'zh-CN', fb)).toContain('外单位群');
  });
  it('tells a target one is not in from a source one left', () => {
    expect(forwardErrorText({ code: 'not_member', at: 0, field: 'targets[0]' }, chosen, 'zh-CN', fb)).toContain('预算协调');
    expect(forwardErrorText({ code: 'not_member', at: 0, field: 'channel_id' }, chosen, 'zh-CN', fb)).toBe('您已不在原会话中，不能转发其中的消息。');
  });
  it('words a recalled message and leaves other codes to the common texts', () => {
    expect(forwardErrorText({ code: 'message_recalled', at: 0, field: 'seqs[0]' }, chosen, 'en', fb)).toMatch(/recalled/);
    expect(forwardErrorText({ code: 'rate_limited', at: 0 }, chosen, 'zh-CN', fb)).toBe('fallback');
  });
});

describe('多选 and what can be forwarded', () => {
  it('toggles seqs in order and stops at the bound', () => {
    let s = { channelId: 5, seqs: [] as number[] };
    s = toggleSeq(s, 9).selection;
    s = toggleSeq(s, 4).selection;
    expect(s.seqs).toEqual([4, 9]);
    expect(toggleSeq(s, 9).selection.seqs).toEqual([4]);
    const full = { channelId: 5, seqs: Array.from({ length: MAX_FORWARD_ITEMS }, (_, i) => i + 1) };
    expect(toggleSeq(full, 1000).ok).toBe(false);
  });
  it('leaves out recalled messages and system lines', () => {
    expect(forwardable(msg())).toBe(true);
    expect(forwardable(msg({ recalled_at: '2026-12-04T01:01:00Z' }))).toBe(false);
    expect(forwardable(msg({ kind: 'system' }))).toBe(false);
  });
  it('copies a merged record as its lines', () => {
    const m = msg({
      forward: {
        merged: true,
        from_channel_id: 5,
        from_channel_name: '预算股',
        items: [
          { sender_id: 7, sender_name: '李华', seq: 1, text: '请报送', secrecy: 0, created_at: '2026-12-04T01:00:00Z' },
          { sender_id: 8, sender_name: '张静', seq: 2, text: '收到', secrecy: 0, created_at: '2026-12-04T01:01:00Z' },
        ],
      },
    });
    expect(copyText(m)).toBe('李华：请报送\n张静：收到');
  });
  it('previews a merged record’s files as [图片] / [文件], a caption as itself', () => {
    const at = '2026-12-04T01:00:00Z';
    const att = (thumb: boolean) => ({ blob_id: 'b'.repeat(32), size: 9000, commitment: 'c', ...(thumb ? { thumb_blob_id: 't'.repeat(32), thumb_size: 900 } : {}) });
    const f = {
      merged: true,
      from_channel_id: 5,
      from_channel_name: '预算股',
      items: [
        { sender_id: 7, sender_name: '李华', seq: 1, text: '', secrecy: 0, created_at: at, attachment: att(true) },
        { sender_id: 8, sender_name: '张静', seq: 2, text: '', secrecy: 0, created_at: at, attachment: att(false) },
        { sender_id: 8, sender_name: '张静', seq: 3, text: '预算表  已更新', secrecy: 0, created_at: at, attachment: att(false) },
        { sender_id: 7, sender_name: '李华', seq: 4, text: '第四条', secrecy: 0, created_at: at },
      ],
    };
    expect(recordPreview(f, 'zh-CN')).toEqual([
      { name: '李华', text: '[图片]' },
      { name: '张静', text: '[文件]' },
      { name: '张静', text: '预算表 已更新' },
    ]);
    expect(recordPreview(f, 'en', 2).map((l) => l.text)).toEqual(['[Picture]', '[File]']);
  });
  it('offers recent channels newest first, archived left out', () => {
    const c = (id: number, at: string | undefined, archived = false) =>
      ({ id, kind: 'group', name: `g${id}`, archived, latest: at ? msg({ created_at: at }) : undefined }) as never;
    expect(recentChannels([c(1, '2026-12-01T00:00:00Z'), c(2, '2026-12-03T00:00:00Z'), c(3, undefined), c(4, '2026-12-05T00:00:00Z', true)]).map((x: { id: number }) => x.id)).toEqual([2, 1, 3]);
  });
});

describe('levels and forwarding', () => {
  const base = { channel_id: 2, seq: 7, sender_id: 3, text: '预算草案', created_at: '2026-11-24T01:00:00Z' };
  const ctx = (secrecy: number, ladder?: typeof DEFAULT_LEVELS) => ({
    m: { ...base, secrecy },
    locale: 'zh-CN' as const,
    canEdit: false,
    canRecall: false,
    selecting: false,
    ladder,
    copy() {},
    reply() {},
    forward() {},
    select() {},
    recall() {},
    edit() {},
  });
  it('offers neither 转发 nor 多选 on a level that may not be forwarded (秘密 by default)', () => {
    expect(forwardable({ ...base, secrecy: 3 })).toBe(false);
    expect(forwardable({ ...base, secrecy: 2 })).toBe(true);
    expect(menuItems(ctx(3)).map((i) => i.id)).not.toContain('forward');
    expect(menuItems(ctx(3)).map((i) => i.id)).not.toContain('select');
    expect(menuItems(ctx(2)).map((i) => i.id)).toContain('forward');
    // The officer's ladder decides: 敏感 forbidden, 秘密 allowed.
    const ladder = DEFAULT_LEVELS.map((l) => ({ ...l, forward: l.level !== 2 }));
    expect(forwardable({ ...base, secrecy: 2 }, ladder)).toBe(false);
    expect(menuItems(ctx(3, ladder)).map((i) => i.id)).toContain('forward');
  });

  it('names the target and both levels when a ceiling refuses', () => {
    const chosen: Choice[] = [
      { kind: 'channel', id: 14, title: '预算协调' },
      { kind: 'channel', id: 15, title: '财务科' },
    ];
    const lv = { level: 2, ladder: DEFAULT_LEVELS, ceilingOf: (c: Choice) => (c.id === 15 ? 1 : undefined) };
    const e = { code: 'secrecy_above_ceiling', at: 0, field: 'targets[1]' };
    expect(forwardErrorText(e, chosen, 'zh-CN', () => 'x', lv)).toBe('「财务科」最高只允许「内部」，不能转发「敏感」消息。');
    expect(forwardErrorText({ ...e, field: 'targets[0]' }, chosen, 'zh-CN', () => 'x', lv)).toBe('「预算协调」不允许「敏感」级消息，不能转发到该会话。');
    expect(forwardErrorText(e, chosen, 'en', () => 'x', lv)).toBe('“财务科” allows at most “internal”: a “sensitive” message cannot be forwarded there.');
    expect(forwardErrorText({ code: 'forward_not_allowed', at: 0, field: 'seqs[1]' }, chosen, 'zh-CN', () => 'x', { ...lv, level: 3 })).toBe('所选第 2 条消息为「秘密」级，不允许转发。');
    expect(forwardErrorText({ code: 'forward_not_allowed', at: 0 }, chosen, 'zh-CN', () => 'x', { ...lv, level: 3 })).toBe('「秘密」级消息不允许转发。');
  });
});
