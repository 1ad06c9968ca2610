import { describe, expect, it } from 'vitest';
import { createChatCore } from '../chat/state';
import { createSending } from '../chat/sending';
import { draftsToKeep, outboxToKeep, storagePolicy, type ChannelLevels } from './storage';
import type { LevelRules } from './rules';
import type { LocalStore } from '../chat/outbox';

const LADDER: LevelRules[] = [
  { level: 0, watermark: false, download: true, copy: true, store: true },
  { level: 1, watermark: false, download: true, copy: true, store: true },
  { level: 2, watermark: true, download: true, copy: true, store: true },
  { level: 3, watermark: true, download: false, copy: false, store: false },
];
const CHANNELS: ChannelLevels[] = [
  { id: 1, max_secrecy: 1, default_secrecy: 0 },
  { id: 2, max_secrecy: 3, default_secrecy: 1 },
  { id: 3, max_secrecy: 3, default_secrecy: 3 },
];

function memoryStore(): LocalStore & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return { map, getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v), removeItem: (k) => void map.delete(k) };
}

describe('storagePolicy', () => {
  const policy = storagePolicy(() => LADDER, () => CHANNELS);

  it('keeps a pending message unless its level (or the channel’s usual level) forbids storage', () => {
    expect(policy.pending({ channelId: 1, secrecy: 1 })).toBe(true);
    expect(policy.pending({ channelId: 2, secrecy: 2 })).toBe(true);
    expect(policy.pending({ channelId: 2, secrecy: 3 })).toBe(false);
    // Sent without a level into a channel whose usual level is 秘密: stored as 秘密 by the server.
    expect(policy.pending({ channelId: 3 })).toBe(false);
    expect(policy.pending({ channelId: 99, secrecy: 0 })).toBe(false);
  });

  it('keeps drafts only of channels whose ceiling may be stored', () => {
    expect(policy.draft(1)).toBe(true);
    expect(policy.draft(2)).toBe(false);
    expect(policy.draft(99)).toBe(false);
  });

  it('keeps nothing above 公开 before the ladder arrived', () => {
    const early = storagePolicy(() => undefined, () => CHANNELS);
    expect(early.pending({ channelId: 1, secrecy: 1 })).toBe(false);
    expect(early.pending({ channelId: 1, secrecy: 0 })).toBe(true);
  });

  it('filters what is written', () => {
    expect(outboxToKeep([{ channelId: 1, secrecy: 0 }, { channelId: 2, secrecy: 3 }], policy)).toEqual([{ channelId: 1, secrecy: 0 }]);
    expect(draftsToKeep({ 1: 'a', 2: '秘密草稿' }, policy)).toEqual({ 1: 'a' });
    expect(draftsToKeep({ 2: 'x' }, undefined)).toEqual({ 2: 'x' });
  });
});

describe('the chat store writes nothing of 秘密 to storage', () => {
  it('keeps the outbox and drafts of a 秘密 channel in memory only', async () => {
    const storage = memoryStore();
    const core = createChatCore({
      request: async () => ({}) as never,
      me: { id: 7 },
      socket: () => ({}) as never,
      storage,
      keep: storagePolicy(() => LADDER, () => CHANNELS),
      setTimeout: (fn) => (fn(), 0),
      clearTimeout: () => undefined,
    });
    const sending = createSending(core.ctx, () => false);
    sending.setDraft(1, '普通草稿');
    sending.setDraft(2, '秘密草稿内容');
    expect(core.ctx.state.drafts).toEqual({ 1: '普通草稿', 2: '秘密草稿内容' });
    const drafts = [...storage.map.values()].join('\n');
    expect(drafts).toContain('普通草稿');
    expect(drafts).not.toContain('秘密');
    sending.send(2, '秘密消息正文', { secrecy: 3 });
    sending.send(1, '内部消息', { secrecy: 1 });
    expect(core.ctx.state.outbox.map((p) => p.text)).toEqual(['秘密消息正文', '内部消息']);
    const written = [...storage.map.values()].join('\n');
    expect(written).toContain('内部消息');
    expect(written).not.toContain('秘密');
  });
});
