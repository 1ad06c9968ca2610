import { describe, expect, it } from 'vitest';
import { controlLabel, previewText, segmentText, type Segment } from './text';

const text = (t: string): Segment => ({ kind: 'text', text: t });
const link = (t: string): Segment => ({ kind: 'link', text: t, href: t });
const mention = (t: string, me = false): Segment => ({ kind: 'mention', text: t, me });
const control = (t: string): Segment => ({ kind: 'control', text: t });

/** The segments joined back: what the reader sees, controls as markers. */
const shown = (segs: Segment[]) => segs.map((s) => s.text).join('');

describe('segmentText: links', () => {
  const cases: { name: string; in: string; want: Segment[] }[] = [
    { name: 'plain text', in: '明天开会', want: [text('明天开会')] },
    { name: 'HTML stays text', in: '<script>alert(1)</script>', want: [text('<script>alert(1)</script>')] },
    { name: 'javascript: is not a link', in: 'javascript:alert(1)', want: [text('javascript:alert(1)')] },
    { name: 'data: is not a link', in: 'data:text/html,<b>x</b>', want: [text('data:text/html,<b>x</b>')] },
    { name: 'a link alone', in: 'https://oa.example.gov.cn/a?b=1#c', want: [link('https://oa.example.gov.cn/a?b=1#c')] },
    { name: 'http too', in: 'http://10.1.2.3:8080/x', want: [link('http://10.1.2.3:8080/x')] },
    { name: 'upper case scheme', in: 'HTTPS://EXAMPLE.CN', want: [link('HTTPS://EXAMPLE.CN')] },
    {
      name: 'Chinese comma and full stop end the link',
      in: '见https://a.cn/x，明天看。https://b.cn/y。',
      want: [text('见'), link('https://a.cn/x'), text('，明天看。'), link('https://b.cn/y'), text('。')],
    },
    {
      name: 'Chinese brackets end the link',
      in: '（https://a.cn/x）【https://b.cn】《https://c.cn》',
      want: [text('（'), link('https://a.cn/x'), text('）【'), link('https://b.cn'), text('】《'), link('https://c.cn'), text('》')],
    },
    { name: 'Chinese quotes end the link', in: '“https://a.cn/x”', want: [text('“'), link('https://a.cn/x'), text('”')] },
    { name: 'corner brackets end the link', in: '「https://a.cn/x」', want: [text('「'), link('https://a.cn/x'), text('」')] },
    { name: 'an ellipsis ends the link', in: 'https://a.cn/x……', want: [link('https://a.cn/x'), text('……')] },
    { name: 'an ideographic space ends the link', in: 'https://a.cn/x\u3000下载', want: [link('https://a.cn/x'), text('\u3000下载')] },
    { name: 'trailing ASCII punctuation is not part of it', in: 'see https://a.cn/x.', want: [text('see '), link('https://a.cn/x'), text('.')] },
    { name: 'a closing paren after it', in: '(https://a.cn/x)', want: [text('('), link('https://a.cn/x'), text(')')] },
    { name: 'quotes end it', in: '"https://a.cn/x"', want: [text('"'), link('https://a.cn/x'), text('"')] },
    { name: 'angle brackets end it', in: '<https://a.cn/x>', want: [text('<'), link('https://a.cn/x'), text('>')] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = segmentText(c.in);
      expect(got).toEqual(c.want);
      expect(shown(got)).toBe(c.in);
    });
  }

  it('only http and https hrefs ever come out', () => {
    const inputs = ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'vbscript:x', 'file:///etc/passwd', 'https://a.cn javascript:x', 'xhttps://a.cn'];
    for (const s of inputs) {
      for (const seg of segmentText(s)) if (seg.kind === 'link') expect(seg.href).toMatch(/^https?:\/\//i);
    }
  });
});

describe('segmentText: mentions', () => {
  it('marks mentions, the reader’s own as me', () => {
    expect(segmentText('@王建国 @李华 请看', ['王建国', '李华'], ['李华'])).toEqual([
      mention('@王建国'),
      text(' '),
      mention('@李华', true),
      text(' 请看'),
    ]);
  });

  it('the longer of overlapping names wins (王建 vs 王建国)', () => {
    expect(segmentText('@王建国 和 @王建', ['王建', '王建国'], ['王建'])).toEqual([
      mention('@王建国'),
      text(' 和 '),
      mention('@王建', true),
    ]);
  });

  it('a name not mentioned stays text', () => {
    expect(segmentText('@张三 你好', ['李华'])).toEqual([text('@张三 你好')]);
  });

  it('a name with regular expression characters is matched literally', () => {
    expect(segmentText('@a.b 和 @axb', ['a.b'])).toEqual([mention('@a.b'), text(' 和 @axb')]);
  });

  it('@所有人', () => {
    expect(segmentText('@所有人 明天九点开会', ['所有人'])).toEqual([mention('@所有人'), text(' 明天九点开会')]);
  });

  it('an empty name matches nothing', () => {
    expect(segmentText('@ 你好', [''])).toEqual([text('@ 你好')]);
  });

  it('mentions and links together', () => {
    expect(segmentText('@李华 看https://a.cn，谢谢', ['李华'])).toEqual([
      mention('@李华'),
      text(' 看'),
      link('https://a.cn'),
      text('，谢谢'),
    ]);
  });
});

describe('segmentText: direction controls are made visible', () => {
  const controls = ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\u200E', '\u200F', '\u061C'];
  for (const ch of controls) {
    it(controlLabel(ch), () => {
      const segs = segmentText(`发票${ch}fdp.exe`);
      expect(segs).toEqual([text('发票'), control(controlLabel(ch)), text('fdp.exe')]);
    });
  }

  it('the marker names the code point', () => {
    expect(controlLabel('\u202E')).toBe('[U+202E]');
    expect(controlLabel('\u061C')).toBe('[U+061C]');
  });

  it('no segment carries a raw control, also inside a link or a mention', () => {
    const inputs = ['https://a.cn/\u202Etxt.exe', '@李华\u202E好', '\u202E\u202E', 'https://a.cn/\u2066x\u2069'];
    for (const s of inputs) {
      for (const seg of segmentText(s, ['李华'])) expect(seg.text).not.toMatch(/[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/);
    }
  });

  it('a control inside an address ends the link there', () => {
    expect(segmentText('https://a.cn/\u202Etxt.exe')).toEqual([link('https://a.cn/'), control('[U+202E]'), text('txt.exe')]);
  });
});

describe('previewText', () => {
  const cases: { name: string; in: string; max?: number; want: string }[] = [
    { name: 'short text as is', in: '收到', want: '收到' },
    { name: 'line breaks and tabs fold to one space', in: '第一行\n\n第二行\t完', want: '第一行 第二行 完' },
    { name: 'trimmed', in: '  好的  ', want: '好的' },
    { name: 'controls removed', in: '发票\u202Efdp.exe', want: '发票fdp.exe' },
    { name: 'cut at max characters with an ellipsis', in: '一二三四五六', max: 4, want: '一二三四…' },
    { name: 'exactly max is not cut', in: '一二三四', max: 4, want: '一二三四' },
    { name: 'emoji count as one character and are not split', in: '😀😀😀', max: 2, want: '😀😀…' },
    { name: 'empty', in: '', want: '' },
  ];
  for (const c of cases) it(c.name, () => expect(previewText(c.in, c.max)).toBe(c.want));

  it('defaults to 60 characters', () => {
    expect(previewText('字'.repeat(61))).toBe('字'.repeat(60) + '…');
  });
});
