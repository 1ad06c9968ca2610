import { describe, expect, it } from 'vitest';
import type { Message } from '../../chat/types';
import type { Route } from '../../router';
import { traceMenu } from './menu';

const msg = (over: Partial<Message> = {}): Message => ({ channel_id: 12, seq: 88, sender_id: 7, text: '', secrecy: 0, created_at: '2026-11-23T01:00:00Z', ...over });
const file = { blob_id: 'ab'.repeat(16), size: 10, commitment: 'x' } as Message['attachment'];

describe('查看文件去向', () => {
  it('opens the trace of the message’s file', () => {
    const went: Route[] = [];
    const items = traceMenu((r) => went.push(r))(msg({ attachment: file }));
    expect(items.map((x) => x.label)).toEqual(['查看文件去向']);
    items[0]!.run!();
    expect(went).toEqual([{ section: 'audit', tab: 'investigate', inv: { kind: 'message', channelId: 12, seq: 88 } }]);
  });
  it('is absent on a message without a file, and on a recalled one', () => {
    const menu = traceMenu(() => undefined);
    expect(menu(msg())).toEqual([]);
    expect(menu(msg({ attachment: file, recalled_at: '2026-11-23T01:01:00Z' }))).toEqual([]);
  });
});
