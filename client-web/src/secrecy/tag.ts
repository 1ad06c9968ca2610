// What a level's tag shows (LevelTag renders it): nothing at 公开; the name on the level's
// colour with readable text; 敏感 and above marked strong, with a ★.

import type { Locale } from '../i18n';
import { clampLevel, levelName, levelOf, tagged, textOn } from './ladder';
import type { SecrecyLevel } from './types';

export interface TagLook {
  level: number;
  text: string;
  strong: boolean;
  background: string;
  color: string;
}

export function tagLook(ladder: readonly SecrecyLevel[], level: number | undefined, locale: Locale): TagLook | undefined {
  if (!tagged(level)) return undefined;
  const n = clampLevel(level);
  const bg = levelOf(ladder, n).color;
  return { level: n, text: levelName(ladder, n, locale), strong: n >= 2, background: bg, color: textOn(bg) };
}
