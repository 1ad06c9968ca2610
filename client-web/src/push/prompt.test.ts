import { describe, expect, it, vi } from 'vitest';
import { fromBase64Url, toBase64Url } from './base64url';
import { createPromptStore, offerPrompt, PROMPT_STORAGE_KEY } from './prompt';

function storage() {
  const data = new Map<string, string>();
  return { data, getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v), removeItem: (k: string) => void data.delete(k) };
}

describe('the one-time push prompt', () => {
  it('becomes due at the first moment, once, and stays dismissed on this device', () => {
    const st = storage();
    const p = createPromptStore(st);
    const seen = vi.fn();
    p.subscribe(seen);
    expect(p.stage()).toBe('none');
    p.moment();
    expect(p.stage()).toBe('due');
    expect(seen).toHaveBeenCalledTimes(1);
    p.moment();
    expect(seen).toHaveBeenCalledTimes(1);
    p.dismiss();
    expect(st.data.get(PROMPT_STORAGE_KEY)).toBe('dismissed');
    // A new page on the same device remembers.
    const again = createPromptStore(st);
    again.moment();
    expect(again.stage()).toBe('dismissed');
  });

  it('is done for good once pushes were turned on', () => {
    const p = createPromptStore(storage());
    p.moment();
    p.done();
    p.dismiss();
    expect(p.stage()).toBe('done');
  });

  it('works for the page alone without storage', () => {
    const p = createPromptStore(undefined);
    p.moment();
    expect(p.stage()).toBe('due');
  });

  it('is offered only when due and the browser has not been asked', () => {
    expect(offerPrompt('due', 'default', true)).toBe(true);
    expect(offerPrompt('none', 'default', true)).toBe(false);
    expect(offerPrompt('due', 'granted', true)).toBe(false);
    expect(offerPrompt('due', 'denied', true)).toBe(false);
    expect(offerPrompt('due', 'default', false)).toBe(false);
    expect(offerPrompt('dismissed', 'default', true)).toBe(false);
  });
});

describe('base64url', () => {
  it('round-trips and accepts padding or plain base64', () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 251, 252, 253, 254, 255]);
    const s = toBase64Url(bytes);
    expect(s).toBe('AAEC-vv8_f7_');
    expect([...fromBase64Url(s)]).toEqual([...bytes]);
    expect([...fromBase64Url('AAEC+vv8/f7/')]).toEqual([...bytes]);
    expect([...fromBase64Url('AQ==')]).toEqual([1]);
  });
  it('refuses what is not base64url', () => {
    expect(() => fromBase64Url('a b')).toThrow();
    expect(() => fromBase64Url('A')).toThrow();
  });
});
