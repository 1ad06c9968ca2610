import { describe, expect, it } from 'vitest';
import { msg } from '../chat/testkit';
import { EMOJI, EMOJI_COLUMNS, canReact, chipsOf, gridMove, holds, insertAtCaret, toggled, whoReacted } from './model';

const ALLOWED = ['收到', '👍', 'OK', '辛苦了', '好的', '谢谢'];

describe('chips', () => {
  it('count people, mark mine, keep the server order and leave out empty or dropped ones', () => {
    const m = msg(5, {
      reactions: [
        { reaction: '收到', user_ids: [3, 1] },
        { reaction: '👍', user_ids: [] },
        { reaction: '已阅', user_ids: [4] },
        { reaction: 'OK', user_ids: [4] },
      ],
    });
    expect(chipsOf(m, 1, ALLOWED)).toEqual([
      { reaction: '收到', count: 2, mine: true, userIds: [3, 1] },
      { reaction: 'OK', count: 1, mine: false, userIds: [4] },
    ]);
    // Before /info has come, whatever the server sent is shown.
    expect(chipsOf(m, 1).map((c) => c.reaction)).toEqual(['收到', '已阅', 'OK']);
    expect(chipsOf(msg(6), 1, ALLOWED)).toEqual([]);
    expect(holds(m, 1, '收到')).toBe(true);
    expect(holds(m, 1, 'OK')).toBe(false);
  });

  it('are not offered on recalled messages or system lines', () => {
    expect(canReact(msg(1))).toBe(true);
    expect(canReact(msg(1, { recalled_at: '2026-11-24T01:00:00Z' }))).toBe(false);
    expect(canReact(msg(1, { kind: 'system' }))).toBe(false);
  });
});

describe('the optimistic toggle', () => {
  it('adds me last, in the allowed order', () => {
    expect(toggled([{ reaction: 'OK', user_ids: [3] }], ALLOWED, 1, '收到', true)).toEqual([
      { reaction: '收到', user_ids: [1] },
      { reaction: 'OK', user_ids: [3] },
    ]);
    expect(toggled([{ reaction: '收到', user_ids: [3] }], ALLOWED, 1, '收到', true)).toEqual([{ reaction: '收到', user_ids: [3, 1] }]);
  });

  it('is idempotent: on twice is on once', () => {
    const once = toggled(undefined, ALLOWED, 1, '收到', true);
    expect(toggled(once, ALLOWED, 1, '收到', true)).toEqual(once);
  });

  it('takes mine back and drops a reaction nobody holds', () => {
    expect(toggled([{ reaction: '收到', user_ids: [1, 3] }, { reaction: 'OK', user_ids: [1] }], ALLOWED, 1, 'OK', false)).toEqual([
      { reaction: '收到', user_ids: [1, 3] },
    ]);
    expect(toggled([{ reaction: '收到', user_ids: [1] }], ALLOWED, 1, '收到', false)).toEqual([]);
  });
});

describe('who reacted', () => {
  it('names the first ones and counts the rest', () => {
    const name = (id: number) => `人${id}`;
    expect(whoReacted([3, 1], name)).toEqual({ names: ['人3', '人1'], more: 0 });
    expect(whoReacted([1, 2, 3, 4, 5], name, 3)).toEqual({ names: ['人1', '人2', '人3'], more: 2 });
  });
});

describe('the emoji panel', () => {
  it('inserts at the caret, replacing a selection', () => {
    expect(insertAtCaret('收到谢谢', 2, 2, '👍')).toEqual({ text: '收到👍谢谢', caret: 4 });
    expect(insertAtCaret('收到谢谢', 2, 4, '🙏')).toEqual({ text: '收到🙏', caret: 4 });
    expect(insertAtCaret('', 0, 0, '😀')).toEqual({ text: '😀', caret: 2 });
    expect(insertAtCaret('ab', 9, 9, '✅')).toEqual({ text: 'ab✅', caret: 3 });
  });

  it('is a compact set of distinct emoji in full rows', () => {
    expect(new Set(EMOJI).size).toBe(EMOJI.length);
    expect(EMOJI.length % EMOJI_COLUMNS).toBe(0);
    expect(EMOJI.length).toBeLessThanOrEqual(48);
  });

  it('moves through the grid with arrows, Home and End, staying inside', () => {
    const n = EMOJI.length;
    expect(gridMove(0, 'ArrowRight', n)).toBe(1);
    expect(gridMove(0, 'ArrowLeft', n)).toBe(0);
    expect(gridMove(3, 'ArrowDown', n)).toBe(3 + EMOJI_COLUMNS);
    expect(gridMove(n - 2, 'ArrowDown', n)).toBe(n - 2);
    expect(gridMove(3, 'ArrowUp', n)).toBe(3);
    expect(gridMove(10, 'Home', n)).toBe(0);
    expect(gridMove(10, 'End', n)).toBe(n - 1);
    expect(gridMove(10, 'a', n)).toBeUndefined();
  });
});
