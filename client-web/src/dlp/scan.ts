// The rule engine, as internal/dlp/scan.go and decide.go: the same normalisation, the
// same number runs, the same counts. protocol/testdata/dlp_corpus.json holds the two to
// the same answers (corpus.test.ts); change one, change the other and the corpus.

import type { DlpAction, DlpHit, DlpRule } from './types';

/** Full-width ASCII folded, wide spaces to ' ', dash look-alikes to '-', zero-width
 * characters dropped. */
export function normalize(s: string): string {
  let out = '';
  for (const ch of s) {
    const r = ch.codePointAt(0)!;
    if (r >= 0xff01 && r <= 0xff5e) out += String.fromCodePoint(r - 0xfee0);
    else if (r === 0x3000 || r === 0x00a0 || (r >= 0x2000 && r <= 0x200a) || r === 0x202f || r === 0x205f) out += ' ';
    else if ((r >= 0x2010 && r <= 0x2015) || r === 0x2212 || r === 0xfe58 || r === 0xfe63) out += '-';
    else if ((r >= 0x200b && r <= 0x200d) || r === 0x2060 || r === 0xfeff) continue;
    else out += ch;
  }
  return out;
}

/** A–Z lowered, nothing else. */
export function lowerAscii(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

const SECRET_MARK = /(?:绝密|机密|秘密)[ \t]{0,3}★/gu;

interface Compiled {
  rule: DlpRule;
  keywords: string[];
  re?: RegExp;
}

export interface Matcher {
  rules: DlpRule[];
  scan(text: string): DlpHit[];
}

/** Compiles rules; a pattern the browser cannot compile is left out (the server refuses
 * such patterns, so this is an old rule set or a newer server's syntax). */
export function compile(rules: readonly DlpRule[]): Matcher {
  const cs: Compiled[] = [];
  let numbers = false;
  for (const rule of rules) {
    const c: Compiled = { rule, keywords: [] };
    if (rule.kind === 'builtin') {
      if (rule.id !== 'secret_mark') numbers = true;
    } else if (rule.kind === 'keyword') {
      for (const k of rule.keywords ?? []) {
        const n = lowerAscii(normalize(k));
        if (n) c.keywords.push(n);
      }
    } else if (rule.kind === 'regex') {
      try {
        c.re = new RegExp(rule.pattern ?? '', 'gu');
      } catch {
        continue;
      }
    }
    cs.push(c);
  }
  return {
    rules: [...rules],
    scan(text: string): DlpHit[] {
      if (!text) return [];
      const norm = normalize(text);
      const nums = numbers ? scanNumbers(norm) : new Map<string, number>();
      let lowered: string | undefined;
      const hits: DlpHit[] = [];
      for (const c of cs) {
        let n = 0;
        if (c.rule.kind === 'builtin') {
          n = c.rule.id === 'secret_mark' ? countMatches(SECRET_MARK, norm) : (nums.get(c.rule.id) ?? 0);
        } else if (c.rule.kind === 'keyword') {
          lowered ??= lowerAscii(norm);
          for (const k of c.keywords) n += countOccurrences(lowered, k);
        } else if (c.re) {
          n = countMatches(c.re, norm);
        }
        if (n > 0) hits.push({ id: c.rule.id, count: n });
      }
      return hits;
    },
  };
}

function countMatches(re: RegExp, s: string): number {
  re.lastIndex = 0;
  let n = 0;
  for (const m of s.matchAll(re)) if (m[0] !== '') n++;
  return n;
}

/** Non-overlapping occurrences, left to right, as Go's strings.Count. */
function countOccurrences(s: string, k: string): number {
  let n = 0;
  for (let i = s.indexOf(k); i >= 0; i = s.indexOf(k, i + k.length)) n++;
  return n;
}

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isAlnum = (c: string | undefined) => c !== undefined && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));

function boundaryBefore(s: string, i: number): boolean {
  if (i === 0) return true;
  const c = s[i - 1];
  if (isAlnum(c)) return false;
  return !(c === '.' && i >= 2 && isDigit(s[i - 2]));
}

function boundaryAfter(s: string, i: number): boolean {
  if (i >= s.length) return true;
  const c = s[i];
  if (isAlnum(c)) return false;
  return !(c === '.' && i + 1 < s.length && isDigit(s[i + 1]));
}

/** Counts the ID, mobile and bank card numbers in normalised text (see scan.go). */
export function scanNumbers(s: string): Map<string, number> {
  const out = new Map<string, number>();
  const bump = (id: string) => out.set(id, (out.get(id) ?? 0) + 1);
  const n = s.length;
  for (let i = 0; i < n; ) {
    if (!isDigit(s[i])) {
      i++;
      continue;
    }
    const start = i;
    let j = i + 1;
    let seps = false;
    while (j < n) {
      if (isDigit(s[j])) {
        j++;
        continue;
      }
      if ((s[j] === ' ' || s[j] === '-') && j + 1 < n && isDigit(s[j + 1])) {
        seps = true;
        j += 2;
        continue;
      }
      break;
    }
    let end = j;
    if (end < n && (s[end] === 'X' || s[end] === 'x')) end++;
    i = end;
    if (!boundaryBefore(s, start) || !boundaryAfter(s, end)) continue;
    const run = s.slice(start, end);
    const whole = classify(run.replace(/[ -]/g, ''));
    if (whole) {
      bump(whole);
      continue;
    }
    if (!seps) continue;
    for (const chunk of run.split(/[ -]/)) {
      const id = chunk ? classify(chunk) : '';
      if (id) bump(id);
    }
  }
  return out;
}

function classify(d: string): string {
  if (isIdCard(d)) return 'id_card';
  if (/[Xx]/.test(d)) return '';
  if (isMobile(d) || (d.length === 13 && d.startsWith('86') && isMobile(d.slice(2)))) return 'mobile';
  if (isBankCard(d)) return 'bank_card';
  return '';
}

function isMobile(d: string): boolean {
  return d.length === 11 && d[0] === '1' && d[1] >= '3' && d[1] <= '9';
}

const PROVINCES = new Set(
  '11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82 83 91'.split(' '),
);
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/** An 18-character resident ID number (GB 11643): province, a real birth date
 * 1900–2099, the ISO 7064 MOD 11-2 check character. */
export function isIdCard(d: string): boolean {
  if (d.length !== 18 || !PROVINCES.has(d.slice(0, 2))) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    if (!isDigit(d[i])) return false;
    sum += Number(d[i]) * ID_WEIGHTS[i];
  }
  const want = '10X98765432'[sum % 11];
  const last = d[17] === 'x' ? 'X' : d[17];
  if (last !== want) return false;
  return validDate(Number(d.slice(6, 10)), Number(d.slice(10, 12)), Number(d.slice(12, 14)));
}

function validDate(y: number, m: number, d: number): boolean {
  if (y < 1900 || y > 2099 || m < 1 || m > 12 || d < 1) return false;
  let days = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
  if (m === 2 && ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0)) days = 29;
  return d <= days;
}

/** A payment card number: 13–19 digits, not all one digit, a network's first digits,
 * Luhn. */
export function isBankCard(d: string): boolean {
  if (d.length < 13 || d.length > 19 || !/^[0-9]+$/.test(d)) return false;
  if (/^(\d)\1*$/.test(d)) return false;
  const first = d[0];
  if (first === '2') {
    const p = Number(d.slice(0, 4));
    if (p < 2221 || p > 2720) return false;
  } else if (!'34569'.includes(first)) return false;
  let sum = 0;
  let double = false;
  for (let i = d.length - 1; i >= 0; i--) {
    let v = Number(d[i]);
    if (double) {
      v *= 2;
      if (v > 9) v -= 9;
    }
    sum += v;
    double = !double;
  }
  return sum % 10 === 0;
}

const STRENGTH: Record<DlpAction, number> = { off: 0, alert: 1, warn: 2, block: 3 };

export interface Verdict {
  /** The strongest action: block, then warn, then alert; off when nothing applies. */
  action: DlpAction;
  hits: (DlpHit & { action: DlpAction })[];
}

/** A rule's action at a level; beyond its list, its last (strictest) one. */
export function actionAt(r: DlpRule, level: number): DlpAction {
  if (level < 0 || level >= r.actions.length) return r.actions[r.actions.length - 1] ?? 'off';
  return r.actions[level];
}

/** The verdict on hits at a level. */
export function decide(rules: readonly DlpRule[], hits: readonly DlpHit[], level: number): Verdict {
  const byId = new Map(rules.map((r) => [r.id, r]));
  const v: Verdict = { action: 'off', hits: [] };
  for (const h of hits) {
    const r = byId.get(h.id);
    if (!r || h.count <= 0) continue;
    const a = actionAt(r, level);
    if (a === 'off') continue;
    v.hits.push({ ...h, action: a });
    if (STRENGTH[a] > STRENGTH[v.action]) v.action = a;
  }
  return v;
}

/** Adds b's counts into a. */
export function mergeHits(a: readonly DlpHit[], b: readonly DlpHit[]): DlpHit[] {
  const m = new Map<string, number>();
  for (const h of [...a, ...b]) m.set(h.id, (m.get(h.id) ?? 0) + h.count);
  return [...m].map(([id, count]) => ({ id, count }));
}
