// The debounced people search that every person picker and the directory share: text is
// typed, and after a pause one question goes to the server; an answer to older text is
// dropped. No DOM: usePeopleSearch (ui/hooks.ts) puts it behind a hook.

import { clampQuery } from './people';

/** The pause after the last keystroke before the server is asked. */
export const SEARCH_DELAY_MS = 250;

/** Asks the server for the people matching a query. */
export type FindPeople<P> = (query: string) => Promise<P[]>;

export interface PeopleSearchState<P> {
  /** What is typed, as typed. */
  text: string;
  /** The text as last asked (trimmed and cut to what the server takes); '' before any. */
  query: string;
  /** The answer to the last question; undefined while nothing is typed. An older answer
   * stays shown while a newer one is on its way. */
  results?: P[];
  /** Text is typed whose answer has not come yet. */
  searching: boolean;
  /** Why the last question failed; gone with the next text. */
  error?: unknown;
}

export interface PeopleSearch<P> {
  getState(): PeopleSearchState<P>;
  subscribe(fn: () => void): () => void;
  setText(text: string): void;
  /** Forgets the text and what was found, at once (after a choice, or 清除). */
  clear(): void;
  /** A pending question is not sent and a late answer is dropped. */
  dispose(): void;
}

const IDLE = { text: '', query: '', searching: false } as const;

/**
 * A people search over `find`. Without `find` only the query settles after the pause: the
 * directory pages through its results itself.
 */
export function createPeopleSearch<P>(find: FindPeople<P> | undefined, delayMs = SEARCH_DELAY_MS): PeopleSearch<P> {
  let state: PeopleSearchState<P> = IDLE;
  const listeners = new Set<() => void>();
  /** The query asked or about to be asked. */
  let target = '';
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Bumped by every new question, so that only the newest answer lands.
  let seq = 0;
  let disposed = false;

  const set = (next: Partial<PeopleSearchState<P>>) => {
    if (disposed) return;
    state = { ...state, ...next };
    listeners.forEach((fn) => fn());
  };

  const ask = (query: string, mine: number) => {
    timer = undefined;
    if (!find) {
      set({ query, searching: false });
      return;
    }
    set({ query });
    find(query).then(
      (results) => {
        if (mine === seq) set({ results, searching: false });
      },
      (error: unknown) => {
        if (mine === seq) set({ searching: false, error });
      },
    );
  };

  const setText = (text: string) => {
    const query = clampQuery(text);
    if (query === target) {
      set({ text });
      return;
    }
    target = query;
    const mine = ++seq;
    clearTimeout(timer);
    if (!query) {
      set({ ...IDLE, text, results: undefined, error: undefined });
      return;
    }
    set({ text, searching: true, error: undefined });
    timer = setTimeout(() => ask(query, mine), delayMs);
  };

  return {
    getState: () => state,
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    setText,
    clear: () => setText(''),
    dispose() {
      clearTimeout(timer);
      seq++;
      disposed = true;
      listeners.clear();
    },
  };
}
