// The ladder as the client uses it: the default one (what the server starts with, and
// what the client assumes until GET /secrecy answers), a level's name in the page's
// language, its colour and its rules. Pure functions over a ladder, so that chat, files
// and notices ask the same questions the same way.

import type { Locale } from '../i18n';
import { NUM_LEVELS, type LevelRules, type SecrecyLevel } from './types';

/** protocol.DefaultSecrecyLevels(): 公开 / 内部 / 敏感 / 秘密. */
export const DEFAULT_LEVELS: readonly SecrecyLevel[] = Object.freeze([
  { level: 0, name: '公开', name_en: 'public', color: '#4a7c59', retention_days: 3 * 365, push_text: true, forward: true, download: true, copy: true, watermark: false, store: true },
  { level: 1, name: '内部', name_en: 'internal', color: '#2f6fb0', retention_days: 365, push_text: false, forward: true, download: true, copy: true, watermark: false, store: true },
  { level: 2, name: '敏感', name_en: 'sensitive', color: '#c77700', retention_days: 90, push_text: false, forward: true, download: true, copy: true, watermark: true, store: true },
  { level: 3, name: '秘密', name_en: 'restricted', color: '#b3261e', retention_days: 30, push_text: false, forward: false, download: false, copy: false, watermark: true, store: false },
]);

/** The highest level there is. */
export const TOP_LEVEL = NUM_LEVELS - 1;

/** Clamps a level read off the wire into the ladder (an unknown higher level is treated
 * as the top one: the strictest rules, never the loosest). */
export function clampLevel(level: number | undefined): number {
  if (level === undefined || !Number.isFinite(level) || level <= 0) return 0;
  return Math.min(Math.floor(level), TOP_LEVEL);
}

/** The rung of a level; the default ladder's where the given one lacks it. */
export function levelOf(ladder: readonly SecrecyLevel[], level: number | undefined): SecrecyLevel {
  const l = clampLevel(level);
  return ladder.find((x) => x.level === l) ?? DEFAULT_LEVELS[l]!;
}

/** The level's name in a language: 秘密 / restricted. */
export function levelName(ladder: readonly SecrecyLevel[], level: number | undefined, locale: Locale): string {
  const r = levelOf(ladder, level);
  return locale === 'en' ? r.name_en || r.name : r.name;
}

/** What a level allows: forward, download, copy, watermark, store, push_text. */
export function levelRules(ladder: readonly SecrecyLevel[], level: number | undefined): LevelRules {
  const { push_text, forward, download, copy, watermark, store } = levelOf(ladder, level);
  return { push_text, forward, download, copy, watermark, store };
}

/** Whether a level is shown with a tag: 公开 (level 0) is not. */
export function tagged(level: number | undefined): boolean {
  return clampLevel(level) > 0;
}

/** A readable text colour on a tag of the given background: black or white, whichever
 * contrasts more (WCAG relative luminance). */
export function textOn(bg: string): '#000000' | '#ffffff' {
  const l = luminance(bg);
  if (l === undefined) return '#ffffff';
  const withWhite = 1.05 / (l + 0.05);
  const withBlack = (l + 0.05) / 0.05;
  return withBlack >= withWhite ? '#000000' : '#ffffff';
}

/** WCAG contrast ratio of two "#rrggbb" colours (1…21); undefined for a malformed one. */
export function contrast(a: string, b: string): number | undefined {
  const la = luminance(a);
  const lb = luminance(b);
  if (la === undefined || lb === undefined) return undefined;
  const [hi, lo] = la > lb ? [la, lb] : [lb, la];
  return (hi + 0.05) / (lo + 0.05);
}

export const COLOR_RE = /^#[0-9a-fA-F]{6}$/;

function luminance(hex: string): number | undefined {
  if (!COLOR_RE.test(hex)) return undefined;
  const ch = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  const lin = ch.map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * lin[0]! + 0.7152 * lin[1]! + 0.0722 * lin[2]!;
}
