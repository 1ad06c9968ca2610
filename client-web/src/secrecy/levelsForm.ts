// 密级设置's form, without the DOM: the four levels as edited (retention as typed), the
// server's rules checked before asking (names 1–8 / 1–24 characters without control
// characters and distinct, a colour #rrggbb, retention 1…36500 whole days), the body of
// PUT /secrecy/levels, and the list of changes the confirmation shows.

import { COLOR_RE } from './ladder';
import { RULES, type LevelRules, type SecrecyLevel } from './types';

export const MAX_NAME = 8;
export const MAX_NAME_EN = 24;
export const MIN_RETENTION = 1;
export const MAX_RETENTION = 36500;

/** A level as the form holds it: retention as the text in its field. */
export type LevelDraft = Omit<SecrecyLevel, 'retention_days'> & { retention: string };

export type LevelField = 'name' | 'name_en' | 'color' | 'retention';
export type LevelProblem = { field: LevelField; problem: 'required' | 'too_long' | 'control' | 'duplicate' | 'color' | 'retention'; max?: number };
/** Problems by level, then field. */
export type LevelProblems = Record<number, Partial<Record<LevelField, LevelProblem>>>;

// Line breaks, C0/C1 controls and the bidirectional overrides that could disguise a name.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

export const chars = (s: string) => [...s].length;

export function draftsOf(levels: readonly SecrecyLevel[]): LevelDraft[] {
  return [...levels].sort((a, b) => a.level - b.level).map(({ retention_days, ...rest }) => ({ ...rest, retention: String(retention_days) }));
}

/** The whole days a retention field says, or undefined if it says none in range. */
export function retentionOf(text: string): number | undefined {
  const s = text.trim();
  if (!/^\d{1,6}$/.test(s)) return undefined;
  const n = Number(s);
  return n >= MIN_RETENTION && n <= MAX_RETENTION ? n : undefined;
}

function checkName(v: string, field: 'name' | 'name_en', max: number): LevelProblem | undefined {
  const s = v.trim();
  if (!s) return { field, problem: 'required' };
  if (CONTROL.test(v)) return { field, problem: 'control' };
  if (chars(s) > max) return { field, problem: 'too_long', max };
  return undefined;
}

/** Every problem of the form; empty when it can be saved. */
export function checkLevels(drafts: readonly LevelDraft[]): LevelProblems {
  const out: LevelProblems = {};
  const add = (level: number, p: LevelProblem | undefined) => {
    if (!p) return;
    out[level] = { ...out[level], [p.field]: out[level]?.[p.field] ?? p };
  };
  for (const d of drafts) {
    add(d.level, checkName(d.name, 'name', MAX_NAME));
    add(d.level, checkName(d.name_en, 'name_en', MAX_NAME_EN));
    if (!COLOR_RE.test(d.color.trim())) add(d.level, { field: 'color', problem: 'color' });
    if (retentionOf(d.retention) === undefined) add(d.level, { field: 'retention', problem: 'retention' });
  }
  // Two levels with one name could not be told apart on a tag.
  for (const field of ['name', 'name_en'] as const) {
    const seen = new Map<string, number>();
    for (const d of drafts) {
      const k = d[field].trim().toLowerCase();
      if (!k) continue;
      // Both are marked: the form cannot know which one was meant to change.
      if (seen.has(k)) {
        add(d.level, { field, problem: 'duplicate' });
        add(seen.get(k)!, { field, problem: 'duplicate' });
      } else seen.set(k, d.level);
    }
  }
  return out;
}

export function hasProblems(p: LevelProblems): boolean {
  return Object.values(p).some((x) => Object.keys(x).length > 0);
}

/** The ladder the form describes (call after checkLevels found nothing). */
export function levelsOf(drafts: readonly LevelDraft[]): SecrecyLevel[] {
  return drafts.map(({ retention, ...d }) => ({
    ...d,
    name: d.name.trim(),
    name_en: d.name_en.trim(),
    color: d.color.trim().toLowerCase(),
    retention_days: retentionOf(retention) ?? 0,
  }));
}

export type ChangeField = 'name' | 'name_en' | 'color' | 'retention_days' | keyof LevelRules;

export interface Change {
  level: number;
  field: ChangeField;
  from: string | number | boolean;
  to: string | number | boolean;
}

/** What saving would change, level by level, field by field. */
export function changesOf(before: readonly SecrecyLevel[], after: readonly SecrecyLevel[]): Change[] {
  const out: Change[] = [];
  const fields: ChangeField[] = ['name', 'name_en', 'color', 'retention_days', ...RULES];
  for (const a of after) {
    const b = before.find((x) => x.level === a.level);
    if (!b) continue;
    for (const f of fields) if (b[f] !== a[f]) out.push({ level: a.level, field: f, from: b[f], to: a[f] });
  }
  return out;
}

/** Whether a change shortens some level's retention (content past it is deleted for good). */
export function shortensRetention(changes: readonly Change[]): boolean {
  return changes.some((c) => c.field === 'retention_days' && Number(c.to) < Number(c.from));
}

/** A retention in words: 3 年 / 6 个月 / 30 天 (approximate, for the hint). */
export function retentionWords(days: number): { unit: 'years' | 'months' | 'days'; n: number } {
  if (days >= 365 && days % 365 === 0) return { unit: 'years', n: days / 365 };
  if (days >= 360) return { unit: 'years', n: Math.round((days / 365) * 10) / 10 };
  if (days >= 60) return { unit: 'months', n: Math.round(days / 30) };
  return { unit: 'days', n: days };
}
