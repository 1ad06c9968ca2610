import { describe, expect, it } from 'vitest';
import { ApiError } from '../api';
import type { Channel, Message } from '../chat/types';
import type { Choice } from '../forward/forward';
import { FileOpenError } from './open';
import { attachmentsOf, planRewrap, rewrapErrorText, RewrapError, runRewrap, type RewrapDeps } from './rewrap';
import type { UserKey } from './types';

const att = (n: number, thumb = false) => ({ blob_id: String(n).padStart(32, '0'), size: 100, commitment: 'c', ...(thumb ? { thumb_blob_id: 'f'.repeat(32) } : {}) });
const msg = (seq: number, extra: Partial<Message> = {}): Message => ({ channel_id: 5, seq, sender_id: 1, text: 't', secrecy: 0, created_at: '2026-01-01T00:00:00Z', ...extra });
const chan = (id: number, extra: Partial<Channel> = {}): Channel =>
  ({ id, kind: 'group', name: `c${id}`, post_policy: 'everyone', mention_all: 'everyone', max_secrecy: 1, last_seq: 0, epoch: 1, role: 'member', read_seq: 0, unread: 0, ...extra }) as Channel;

describe('planRewrap', () => {
  const messages = [
    msg(1, { attachment: att(1, true) }),
    msg(2), // text only
    msg(3, { forward: { merged: true, from_channel_id: 9, from_channel_name: 'x', items: [{ sender_id: 2, sender_name: 'y', seq: 1, text: '', secrecy: 0, created_at: '2026-01-01T00:00:00Z', attachment: att(2) }] } }),
    msg(4, { attachment: att(1, true) }), // the same file again
    msg(5, { attachment: att(3), recalled_at: '2026-01-01T00:00:00Z' }),
  ];
  const channels = [chan(5), chan(6), chan(7, { kind: 'direct', peer_id: 42 })];

  it('collects each file once, forwarded items included, recalled messages not', () => {
    expect(attachmentsOf(messages).map((a) => Number(a.blob_id))).toEqual([1, 2]);
  });

  it('is nothing to do for messages without files', () => {
    expect(planRewrap([msg(1), msg(2)], [{ kind: 'channel', id: 6, title: 'c6' }], channels, 5)).toBeNull();
  });

  it('binds every target to a channel: a person to their direct channel, opened when there is none', () => {
    const chosen: Choice[] = [
      { kind: 'channel', id: 6, title: '预算股' },
      { kind: 'person', id: 42, title: '李华' },
      { kind: 'person', id: 43, title: '张静' },
    ];
    const plan = planRewrap(messages, chosen, channels, 5)!;
    expect(plan.sourceContext).toBe('channel:5');
    expect(plan.steps).toBe(6);
    expect(plan.targets.map((t) => t.channelId)).toEqual([6, 7, undefined]);
  });
});

function fakeDeps(over: Partial<RewrapDeps> = {}) {
  const shared: { blobId: string; context: string; recipients: number[]; thumb: boolean }[] = [];
  const opened: number[] = [];
  const members: Record<number, number[]> = { 6: [1, 2, 3], 7: [1, 42], 70: [1, 43] };
  const deps: RewrapDeps = {
    keys: async (blobId) => ({ file: new Uint8Array(32).fill(Number(blobId)), thumb: blobId.endsWith('1') ? new Uint8Array(32) : undefined }),
    channelKeys: async (id) => new Map((members[id] ?? []).map((u) => [u, { user_id: u } as UserKey])),
    share: async (o) => void shared.push({ blobId: o.blobId, context: o.context, recipients: o.recipients, thumb: !!o.keys.thumb }),
    openDirect: async (u) => {
      opened.push(u);
      return u === 43 ? 70 : 71;
    },
    ...over,
  };
  return { deps, shared, opened };
}

describe('runRewrap', () => {
  const messages = [msg(1, { attachment: att(1, true) }), msg(2, { attachment: att(2) })];
  const channels = [chan(5), chan(6), chan(7, { kind: 'direct', peer_id: 42 })];

  it('wraps every file for every member of every target, and forwards to channels', async () => {
    const chosen: Choice[] = [
      { kind: 'channel', id: 6, title: '预算股' },
      { kind: 'person', id: 42, title: '李华' },
      { kind: 'person', id: 43, title: '张静' },
    ];
    const plan = planRewrap(messages, chosen, channels, 5)!;
    const { deps, shared, opened } = fakeDeps();
    const progress: string[] = [];
    const targets = await runRewrap(plan, deps, (d, t) => progress.push(`${d}/${t}`));
    expect(opened).toEqual([43]); // only the person without a direct channel
    expect(targets).toEqual([
      { kind: 'channel', id: 6, title: '预算股' },
      { kind: 'channel', id: 7, title: '李华' },
      { kind: 'channel', id: 70, title: '张静' },
    ]);
    expect(shared).toEqual([
      { blobId: att(1).blob_id, context: 'channel:6', recipients: [1, 2, 3], thumb: true },
      { blobId: att(2).blob_id, context: 'channel:6', recipients: [1, 2, 3], thumb: false },
      { blobId: att(1).blob_id, context: 'channel:7', recipients: [1, 42], thumb: true },
      { blobId: att(2).blob_id, context: 'channel:7', recipients: [1, 42], thumb: false },
      { blobId: att(1).blob_id, context: 'channel:70', recipients: [1, 43], thumb: true },
      { blobId: att(2).blob_id, context: 'channel:70', recipients: [1, 43], thumb: false },
    ]);
    expect(progress).toEqual(['0/6', '1/6', '2/6', '3/6', '4/6', '5/6', '6/6']);
  });

  it('wraps once for a person also chosen as their direct channel', async () => {
    const chosen: Choice[] = [
      { kind: 'channel', id: 7, title: '李华' },
      { kind: 'person', id: 42, title: '李华' },
    ];
    const { deps, shared } = fakeDeps();
    const targets = await runRewrap(planRewrap(messages, chosen, channels, 5)!, deps);
    expect(targets).toEqual([{ kind: 'channel', id: 7, title: '李华' }]);
    expect(shared).toHaveLength(2);
  });

  it('stops before any share when my own key cannot be read, and says why', async () => {
    const { deps, shared } = fakeDeps({
      keys: async () => {
        throw new FileOpenError('no_key');
      },
    });
    const plan = planRewrap(messages, [{ kind: 'channel', id: 6, title: '预算股' }], channels, 5)!;
    const err = await runRewrap(plan, deps).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RewrapError);
    expect(shared).toEqual([]);
    expect(rewrapErrorText(err, 'zh-CN', () => '?')).toBe('此文件在你加入前发送或发送者未向你共享密钥');
  });

  it('names the target a share failed for', async () => {
    const { deps } = fakeDeps({
      share: async () => {
        throw new ApiError(403, 'not_member', 'no');
      },
    });
    const plan = planRewrap(messages, [{ kind: 'channel', id: 6, title: '预算股' }], channels, 5)!;
    const err = await runRewrap(plan, deps).catch((e: unknown) => e);
    expect(rewrapErrorText(err, 'zh-CN', (e) => `[${e.code}]`)).toBe('无法为“预算股”加密文件密钥：[not_member]');
  });

  it('says so when a direct channel cannot be opened', async () => {
    const { deps } = fakeDeps({
      openDirect: async () => {
        throw new ApiError(400, 'bad_request', 'disabled');
      },
    });
    const plan = planRewrap(messages, [{ kind: 'person', id: 99, title: '王五' }], channels, 5)!;
    const err = await runRewrap(plan, deps).catch((e: unknown) => e);
    expect(rewrapErrorText(err, 'zh-CN', () => '?')).toBe('无法打开与“王五”的单聊，请稍后重试。');
  });
});
