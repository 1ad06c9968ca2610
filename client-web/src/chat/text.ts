// Message text → display segments. The UI renders every segment as a text node (never
// HTML); this only decides which runs are links, mentions, or invisible controls made
// visible.

export type Segment =
  | { kind: 'text'; text: string }
  | { kind: 'link'; text: string; href: string }
  | { kind: 'mention'; text: string; me: boolean }
  | { kind: 'control'; text: string };

// Only http and https become links: "javascript:", "data:" and the like stay text.
// Chinese punctuation, quotes and brackets end an address, and so does a direction
// control (it must stay visible as a marker, not hide inside a link).
const URL_RE = /https?:\/\/[^\s<>"'，。、；：！？（）【】《》〈〉「」『』“”‘’…\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]+/gi;

// Bidirectional controls can make text read differently from what it is (an .exe
// shown as .txt, a reversed amount). They are shown as visible markers instead.
const BIDI_RE = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g;

export function controlLabel(ch: string): string {
  return `[U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`;
}

/** Splits text into segments. mentionNames are the display names this message mentions
 * (and 所有人 for @all); myName marks the ones that are the reader. */
export function segmentText(text: string, mentionNames: readonly string[] = [], myNames: readonly string[] = []): Segment[] {
  const out: Segment[] = [];
  for (const part of splitBy(text, URL_RE)) {
    if (part.match) {
      // Trailing ASCII punctuation usually ends the sentence, not the address.
      const m = /[.,;:!?)\]]+$/.exec(part.text);
      const url = m ? part.text.slice(0, m.index) : part.text;
      out.push({ kind: 'link', text: url, href: url });
      if (m) pushText(out, m[0], mentionNames, myNames);
    } else {
      pushText(out, part.text, mentionNames, myNames);
    }
  }
  return out;
}

function pushText(out: Segment[], text: string, names: readonly string[], mine: readonly string[]) {
  const sorted = [...new Set(names)].filter(Boolean).sort((a, b) => b.length - a.length);
  const re = sorted.length ? new RegExp('@(?:' + sorted.map(escapeRe).join('|') + ')', 'g') : undefined;
  const parts = re ? splitBy(text, re) : [{ text, match: false }];
  for (const p of parts) {
    if (p.match) out.push({ kind: 'mention', text: p.text, me: mine.includes(p.text.slice(1)) });
    else for (const c of splitBy(p.text, BIDI_RE)) out.push(c.match ? { kind: 'control', text: controlLabel(c.text) } : { kind: 'text', text: c.text });
  }
}

function splitBy(text: string, re: RegExp): { text: string; match: boolean }[] {
  const out: { text: string; match: boolean }[] = [];
  let last = 0;
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0] === '') {
      re.lastIndex++;
      continue;
    }
    if (m.index > last) out.push({ text: text.slice(last, m.index), match: false });
    out.push({ text: m[0], match: true });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), match: false });
  return out;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A one-line preview for the channel list: controls removed, whitespace folded. */
export function previewText(text: string, max = 60): string {
  const flat = text.replace(BIDI_RE, '').replace(/\s+/g, ' ').trim();
  const chars = [...flat];
  return chars.length > max ? chars.slice(0, max).join('') + '…' : flat;
}
