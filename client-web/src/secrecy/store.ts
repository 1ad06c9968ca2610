// The ladder this session uses: the default one until GET /secrecy answers, fetched once
// after login and again whenever the connection comes back (a change made meanwhile by
// the security officer reaches every client that way) or the officer saved a new one
// here. Components read it through SecrecyContext (context.ts); code outside components
// (the chat store, files) is handed the store and asks it `rules(level)`.

import type { Request } from '../api';
import type { Locale } from '../i18n';
import { getSecrecy } from './api';
import { DEFAULT_LEVELS, levelName, levelOf, levelRules } from './ladder';
import { NUM_LEVELS, type LevelRules, type SecrecyConfig, type SecrecyLevel } from './types';

export interface SecrecyState {
  levels: readonly SecrecyLevel[];
  /** The server's ladder has been read (until then, the defaults). */
  loaded: boolean;
  updatedAt?: string;
  updatedBy?: number;
}

export interface SecrecyStore {
  getState(): SecrecyState;
  subscribe(fn: (s: SecrecyState) => void): () => void;
  /** Fetches the ladder; a failure keeps the one held (defaults at first). */
  load(): Promise<void>;
  /** The ladder changed here (the officer saved it): use the server's answer. */
  apply(c: SecrecyConfig): void;
  rules(level: number | undefined): LevelRules;
  level(level: number | undefined): SecrecyLevel;
  name(level: number | undefined, locale: Locale): string;
}

/** A ladder as the server sent it, in order, or undefined if it is not a whole ladder. */
export function validLadder(levels: unknown): SecrecyLevel[] | undefined {
  if (!Array.isArray(levels) || levels.length !== NUM_LEVELS) return undefined;
  const sorted = [...(levels as SecrecyLevel[])].sort((a, b) => a.level - b.level);
  return sorted.every((l, i) => l && l.level === i && typeof l.name === 'string') ? sorted : undefined;
}

export function createSecrecyStore(request: Request): SecrecyStore {
  let state: SecrecyState = { levels: DEFAULT_LEVELS, loaded: false };
  const listeners = new Set<(s: SecrecyState) => void>();
  let seq = 0;
  const apply = (c: SecrecyConfig) => {
    const levels = validLadder(c?.levels);
    if (!levels) return;
    state = { levels, loaded: true, updatedAt: c.updated_at, updatedBy: c.updated_by };
    listeners.forEach((fn) => fn(state));
  };
  return {
    getState: () => state,
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    async load() {
      const mine = ++seq;
      try {
        const c = await getSecrecy(request);
        if (mine === seq) apply(c);
      } catch {
        // The defaults (or the last ladder read) stand; the next reconnect asks again.
      }
    },
    apply(c) {
      seq++; // an older load still on its way must not undo this
      apply(c);
    },
    rules: (level) => levelRules(state.levels, level),
    level: (level) => levelOf(state.levels, level),
    name: (level, locale) => levelName(state.levels, level, locale),
  };
}
