import { describe, expect, it } from 'vitest';
import { clearLocal, loadDrafts, loadOutbox, saveDrafts, saveOutbox, sendRetryable, type Pending } from './outbox';
import { localStore } from './testkit';

const pending = (over: Partial<Pending> = {}): Pending => ({
  clientId: 'web-1-aa',
  channelId: 2,
  text: '明天开会',
  createdAt: 1000,
  status: 'queued',
  ...over,
});

describe('outbox in storage', () => {
  it('round-trips per user', () => {
    const s = localStore();
    const box = [pending(), pending({ clientId: 'web-1-bb', replyTo: 4, mentions: [3], status: 'failed', error: { code: 'forbidden', at: 5 } })];
    saveOutbox(s, 1, box);
    expect(loadOutbox(s, 1)).toEqual(box);
    expect(loadOutbox(s, 2)).toEqual([]);
  });

  it('what was on the wire when the page went away is queued again', () => {
    const s = localStore();
    saveOutbox(s, 1, [pending({ status: 'sending' })]);
    expect(loadOutbox(s, 1)).toEqual([pending({ status: 'queued' })]);
  });

  it('an empty outbox removes the key', () => {
    const s = localStore();
    saveOutbox(s, 1, [pending()]);
    saveOutbox(s, 1, []);
    expect([...s.data.keys()]).toEqual([]);
  });

  const broken: { name: string; raw: string }[] = [
    { name: 'not JSON', raw: '{oops' },
    { name: 'not an array', raw: '{"a":1}' },
    { name: 'null', raw: 'null' },
  ];
  for (const b of broken) {
    it(`a broken value (${b.name}) loads as empty`, () => {
      expect(loadOutbox(localStore({ 'govchat.outbox.1': b.raw }), 1)).toEqual([]);
    });
  }

  it('broken entries are dropped, good ones kept', () => {
    const raw = JSON.stringify([null, 5, { clientId: 1 }, { clientId: 'x', channelId: 1.5, text: 'a' }, pending()]);
    expect(loadOutbox(localStore({ 'govchat.outbox.1': raw }), 1)).toEqual([pending()]);
  });

  it('works without storage, and when storage throws', () => {
    expect(loadOutbox(undefined, 1)).toEqual([]);
    saveOutbox(undefined, 1, [pending()]);
    const full = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => {
        throw new Error('SecurityError');
      },
    };
    expect(() => saveOutbox(full, 1, [pending()])).not.toThrow();
    expect(() => saveOutbox(full, 1, [])).not.toThrow();
    expect(loadOutbox(full, 1)).toEqual([]);
    expect(loadDrafts(full, 1)).toEqual({});
    expect(() => clearLocal(full, 1)).not.toThrow();
  });
});

describe('drafts in storage', () => {
  it('round-trip per user, empty ones left out', () => {
    const s = localStore();
    saveDrafts(s, 1, { 2: '草稿', 9: '' });
    expect(loadDrafts(s, 1)).toEqual({ 2: '草稿' });
    expect(loadDrafts(s, 7)).toEqual({});
  });

  it('junk values are skipped', () => {
    const s = localStore({ 'govchat.drafts.1': JSON.stringify({ 2: 5, 3: '好', 4: null }) });
    expect(loadDrafts(s, 1)).toEqual({ 3: '好' });
  });
});

describe('clearLocal', () => {
  it('removes the user’s outbox and drafts, not another user’s', () => {
    const s = localStore();
    saveOutbox(s, 1, [pending()]);
    saveDrafts(s, 1, { 2: '草稿' });
    saveOutbox(s, 2, [pending()]);
    clearLocal(s, 1);
    expect([...s.data.keys()]).toEqual(['govchat.outbox.2']);
  });
});

describe('sendRetryable', () => {
  const cases: [string, boolean][] = [
    ['internal', true],
    ['unavailable', true],
    ['rate_limited', true],
    ['network', true],
    ['bad_request', false],
    ['not_member', false],
    ['forbidden', false],
    ['too_large', false],
  ];
  for (const [code, want] of cases) it(`${code} → ${want}`, () => expect(sendRetryable(code)).toBe(want));
});
