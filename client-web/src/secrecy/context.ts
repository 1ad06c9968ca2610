// The session's ladder for components. Without a provider (tests, the login page) the
// default ladder is used.

import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { useLocale, useStore } from '../ui/hooks';
import { DEFAULT_LEVELS, levelName, levelOf, levelRules } from './ladder';
import type { SecrecyStore } from './store';
import type { LevelRules, SecrecyLevel } from './types';

export const SecrecyContext = createContext<SecrecyStore | undefined>(undefined);

const NONE = { subscribe: () => () => undefined, getState: () => undefined };

/** The ladder in use, re-rendering when it changes. */
export function useLadder(): readonly SecrecyLevel[] {
  const store = useContext(SecrecyContext);
  const s = useStore<{ levels: readonly SecrecyLevel[] } | undefined>(store ?? NONE);
  return s?.levels ?? DEFAULT_LEVELS;
}

/** One level's rung, its name in the page's language and its rules — for a component. */
export function useLevel(level: number | undefined): { rung: SecrecyLevel; name: string; rules: LevelRules } {
  const ladder = useLadder();
  const l = useLocale();
  return { rung: levelOf(ladder, level), name: levelName(ladder, level, l), rules: levelRules(ladder, level) };
}

/** The rules of a level, for a component (cp: watermark, copy, download, store). */
export function useLevelRules(level: number | undefined): LevelRules {
  return levelRules(useLadder(), level);
}
