import { describe, expect, it } from 'vitest';
import { menuItems } from '../forward/forward';
import type { Message } from '../chat/types';
import { menuForCopy, refuseCopy, selectionTouches, type ClipboardEventLike, type SelectionLike } from './nocopy';
import { openErrorText, FileOpenError } from '../files/open';

const m: Message = { channel_id: 1, seq: 5, sender_id: 2, text: '秘密内容', secrecy: 3, created_at: '2025-01-01T00:00:00Z' };
const noop = () => undefined;
const ctx = { m, locale: 'zh-CN' as const, canEdit: false, canRecall: false, selecting: false, copy: noop, reply: noop, forward: noop, select: noop, recall: noop, edit: noop };

describe('the message menu', () => {
  it('has no 复制 for a message that may not be copied', () => {
    const items = menuItems(ctx);
    expect(items.map((i) => i.id)).toContain('copy');
    expect(menuForCopy(items, false).map((i) => i.id)).not.toContain('copy');
    expect(menuForCopy(items, false).length).toBe(items.length - 1);
    expect(menuForCopy(items, true)).toEqual(items);
  });
});

// Nodes and a selection as the browser gives them, reduced to identity.
const guardedA = { id: 'a' } as unknown as Node;
const guardedB = { id: 'b' } as unknown as Node;
const selection = (touching: Node[]): SelectionLike => ({ rangeCount: 1, getRangeAt: () => ({ intersectsNode: (n) => touching.includes(n) }) });

function event(target: EventTarget | null = null) {
  const e = { prevented: false, stopped: false, data: undefined as string | undefined };
  const ev: ClipboardEventLike = {
    target,
    preventDefault: () => void (e.prevented = true),
    stopPropagation: () => void (e.stopped = true),
    clipboardData: { setData: (_t: string, v: string) => void (e.data = v) },
  };
  return { ev, e };
}

describe('copy and cut', () => {
  it('are refused when the selection reaches into a no-copy message', () => {
    const { ev, e } = event();
    expect(refuseCopy(ev, selection([guardedB]), () => [guardedA, guardedB], () => false)).toBe(true);
    expect(e).toEqual({ prevented: true, stopped: true, data: '' });
  });

  it('are refused from inside one (a focused element in it)', () => {
    const { ev, e } = event({} as EventTarget);
    expect(refuseCopy(ev, null, () => [], () => true)).toBe(true);
    expect(e.prevented).toBe(true);
  });

  it('go through for ordinary messages', () => {
    const { ev, e } = event();
    expect(refuseCopy(ev, selection([]), () => [guardedA], () => false)).toBe(false);
    expect(e).toEqual({ prevented: false, stopped: false, data: undefined });
    expect(selectionTouches(null, [guardedA])).toBe(false);
    expect(selectionTouches({ rangeCount: 0, getRangeAt: () => ({ intersectsNode: () => true }) }, [guardedA])).toBe(false);
  });
});

describe('a refused save', () => {
  it('is said in Chinese', () => {
    expect(openErrorText(new FileOpenError('not_allowed'), 'zh-CN')).toBe('按密级规定，此文件不能下载原文件，只能在线查看。');
    expect(openErrorText(new FileOpenError('not_allowed'), 'en')).toMatch(/cannot be downloaded/);
  });
});
