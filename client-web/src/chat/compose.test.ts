import { describe, expect, it } from 'vitest';
import { applyMention, charCount, checkText, mentionQuery, mentionsIn, newClientId, sendData, utf8Bytes } from './compose';
import { MAX_FRAME_BYTES, MAX_TEXT_CHARS } from './types';

const EMOJI = '😀'; // one code point, two UTF-16 units, four UTF-8 bytes
const frameFor = (text: string) => sendData({ channelId: 2, clientId: newClientId(), text });

describe('charCount and utf8Bytes', () => {
  const cases: { text: string; chars: number; bytes: number }[] = [
    { text: '', chars: 0, bytes: 0 },
    { text: 'abc', chars: 3, bytes: 3 },
    { text: '预算', chars: 2, bytes: 6 },
    { text: EMOJI, chars: 1, bytes: 4 },
    { text: `a${EMOJI}预`, chars: 3, bytes: 8 },
  ];
  for (const c of cases) {
    it(JSON.stringify(c.text), () => {
      expect(charCount(c.text)).toBe(c.chars);
      expect(utf8Bytes(c.text)).toBe(c.bytes);
    });
  }
});

describe('checkText', () => {
  const cases: { name: string; text: string; frame?: boolean; want: ReturnType<typeof checkText> }[] = [
    { name: 'empty', text: '', want: 'empty' },
    { name: 'only spaces and line breaks', text: ' \n\t ', want: 'empty' },
    { name: 'only an ideographic space', text: '\u3000', want: 'empty' },
    { name: 'one character', text: '好', want: undefined },
    { name: '5000 Chinese characters fit', text: '预'.repeat(MAX_TEXT_CHARS), frame: true, want: undefined },
    { name: '5001 characters are too long', text: '预'.repeat(MAX_TEXT_CHARS + 1), want: 'too_long' },
    { name: '5000 ASCII letters fit', text: 'a'.repeat(5000), frame: true, want: undefined },
    { name: '5001 ASCII letters are too long', text: 'a'.repeat(5001), want: 'too_long' },
    // 2,500 emoji are 5,000 UTF-16 units but 2,500 characters.
    { name: 'emoji count as one character each', text: EMOJI.repeat(2500) + 'a'.repeat(2500), want: undefined },
    { name: '5001 emoji are too long', text: EMOJI.repeat(5001), frame: true, want: 'too_long' },
    { name: '5000 emoji are 20,000 bytes: over the 16 KiB frame', text: EMOJI.repeat(5000), frame: true, want: 'too_large' },
    { name: 'without frame data the byte size is not checked', text: EMOJI.repeat(5000), want: undefined },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(checkText(c.text, c.frame ? frameFor(c.text) : undefined)).toBe(c.want);
    });
  }

  it('a frame just under the limit passes and just over it does not', () => {
    // Find the longest run of emoji whose send frame fits, as the store would send it.
    let n = 0;
    while (checkText(EMOJI.repeat(n + 1), frameFor(EMOJI.repeat(n + 1))) === undefined) n++;
    const fits = JSON.stringify({ v: 1, type: 'send', ref: 's:' + newClientId(), data: frameFor(EMOJI.repeat(n)) });
    expect(utf8Bytes(fits)).toBeLessThanOrEqual(MAX_FRAME_BYTES);
    expect(n).toBeGreaterThan(3900);
    expect(n).toBeLessThan(4096);
  });
});

describe('mentionQuery', () => {
  const cases: { name: string; text: string; caret?: number; want: { start: number; query: string } | undefined }[] = [
    { name: 'just typed @', text: '@', want: { start: 0, query: '' } },
    { name: 'a name being typed', text: '请@王建', want: { start: 1, query: '王建' } },
    { name: 'after a space', text: 'hi @wang', want: { start: 3, query: 'wang' } },
    { name: 'no @', text: '你好', want: undefined },
    { name: 'a space after the name ends it', text: '@王建 你好', want: undefined },
    { name: 'an e-mail address is not a mention', text: 'zhang@gov', want: undefined },
    { name: 'an e-mail with dots is not a mention', text: 'li.hua@mof', want: undefined },
    { name: 'the caret decides', text: '@王建国 好的', caret: 3, want: { start: 0, query: '王建' } },
    { name: 'a query over 16 characters is not a mention', text: '@' + 'a'.repeat(17), want: undefined },
  ];
  for (const c of cases) {
    it(c.name, () => expect(mentionQuery(c.text, c.caret ?? c.text.length)).toEqual(c.want));
  }
});

describe('applyMention', () => {
  it('replaces the query by the name and a space, caret after it', () => {
    const r = applyMention('请@王 看一下', 3, '王建国');
    expect(r).toEqual({ text: '请@王建国  看一下', caret: 6 });
  });

  it('at the end of the text', () => {
    expect(applyMention('@', 1, '所有人')).toEqual({ text: '@所有人 ', caret: 5 });
  });

  it('leaves an e-mail address alone', () => {
    expect(applyMention('zhang@gov', 9, '王建国')).toEqual({ text: 'zhang@gov', caret: 9 });
  });
});

describe('mentionsIn', () => {
  const picks = [
    { userId: 3, name: '王建' },
    { userId: 4, name: '王建国' },
    { userId: 5, name: '李华' },
  ];
  const cases: { name: string; text: string; want: number[] }[] = [
    { name: 'both present', text: '@王建 @李华 请看', want: [3, 5] },
    { name: 'a deleted mention is dropped', text: '@王建 请看', want: [3] },
    { name: 'none left', text: '请看', want: [] },
    { name: 'the longer name does not count as the shorter one', text: '@王建国 请看', want: [4] },
    { name: 'both of the overlapping names', text: '@王建国 @王建 请看', want: [3, 4] },
    { name: 'a mention without its @ is gone', text: '王建 请看', want: [] },
  ];
  for (const c of cases) {
    it(c.name, () => expect(mentionsIn(c.text, picks).sort()).toEqual(c.want));
  }

  it('one id once, however often it is mentioned', () => {
    expect(mentionsIn('@李华 @李华', picks)).toEqual([5]);
  });
});

describe('newClientId', () => {
  it('is well-formed for the server: 1–64 of A–Z a–z 0–9 - _ : .', () => {
    for (let i = 0; i < 20; i++) expect(newClientId()).toMatch(/^[A-Za-z0-9\-_:.]{1,64}$/);
  });

  it('differs each time', () => {
    const ids = new Set(Array.from({ length: 100 }, () => newClientId()));
    expect(ids.size).toBe(100);
  });
});

describe('sendData', () => {
  it('leaves out what is not set', () => {
    expect(sendData({ channelId: 2, clientId: 'c1', text: '好', mentions: [], replyTo: 0, secrecy: 0, mentionAll: false })).toEqual({
      channel_id: 2,
      client_id: 'c1',
      text: '好',
    });
  });

  it('carries what is set', () => {
    expect(sendData({ channelId: 2, clientId: 'c1', text: '好', mentions: [3], replyTo: 42, secrecy: 1, mentionAll: true })).toEqual({
      channel_id: 2,
      client_id: 'c1',
      text: '好',
      mentions: [3],
      reply_to: 42,
      secrecy: 1,
      mention_all: true,
    });
  });
});
