// Keyset paging over the trail (and a person's timeline, and the alerts): newest first,
// each page asked with the previous page's next_before_id, so page 5,000 of a million
// events costs what page 1 does. A small store the list subscribes to; a new query drops
// the pages of the old one, and an answer that arrives after its query was replaced is
// thrown away.

export interface Page<T> {
  items: T[];
  next?: number;
}

export interface PagerState<T> {
  items: T[];
  loading: boolean;
  /** No more pages. */
  done: boolean;
  error?: unknown;
}

export interface Pager<T> {
  getState(): PagerState<T>;
  subscribe(fn: () => void): () => void;
  /** Starts over with another query: fetch(beforeId) asks for one page. */
  reset(fetch: (beforeId: number | undefined) => Promise<Page<T>>): Promise<void>;
  /** The next page, unless one is loading or there is none. */
  more(): Promise<void>;
  /** Replaces one item (an alert acknowledged) where it is. */
  update(match: (x: T) => boolean, next: T): void;
}

export function createPager<T extends { id?: number }>(): Pager<T> {
  let state: PagerState<T> = { items: [], loading: false, done: true };
  let fetchPage: ((b: number | undefined) => Promise<Page<T>>) | undefined;
  let next: number | undefined;
  let generation = 0;
  const listeners = new Set<() => void>();
  const set = (s: Partial<PagerState<T>>) => {
    state = { ...state, ...s };
    listeners.forEach((fn) => fn());
  };

  const load = async (first: boolean) => {
    if (!fetchPage) return;
    const gen = generation;
    set({ loading: true, error: undefined });
    try {
      const page = await fetchPage(first ? undefined : next);
      if (gen !== generation) return;
      const seen = new Set(first ? [] : state.items.map((x) => x.id));
      const fresh = page.items.filter((x) => x.id === undefined || !seen.has(x.id));
      next = page.next;
      // A page without next_before_id is the last; so is an empty one.
      set({ items: first ? fresh : [...state.items, ...fresh], loading: false, done: !page.next || page.items.length === 0 });
    } catch (error) {
      if (gen !== generation) return;
      set({ loading: false, error });
    }
  };

  return {
    getState: () => state,
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    reset(fetch) {
      generation++;
      fetchPage = fetch;
      next = undefined;
      set({ items: [], done: false });
      return load(true);
    },
    more() {
      if (state.loading || state.done || !fetchPage) return Promise.resolve();
      return load(false);
    },
    update(match, item) {
      set({ items: state.items.map((x) => (match(x) ? item : x)) });
    },
  };
}
