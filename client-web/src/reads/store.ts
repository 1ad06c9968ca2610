// The read positions of the channels on screen (PROTOCOL.md §4.14): fetched once when a
// channel is shown (GET /channels/{id}/reads), kept current by the socket's `reads`
// frames, fetched again after each reconnect (frames are not replayed) and when a frame
// names someone who joined since. The who-read panel's names and departments come from
// the directory, loaded once on first use. No DOM here.

import type { Request } from '../api';
import type { Frame } from '../chat/types';
import { loadEveryone, loadOrg } from '../directory/load';
import { indexOrg, type OrgIndex } from '../directory/org';
import type { Person } from '../directory/types';
import { toUiError, type UiError } from '../errors';
import { applyMoves, toPositions, type Position } from './status';
import type { ChannelReads, ReadsData } from './types';

/** A reads frame naming someone unknown waits this long for others before the
 * positions are fetched again: one fetch for a burst of joins. */
export const REFETCH_DEBOUNCE_MS = 1000;

export interface ChannelReadsState {
  positions?: ReadonlyMap<number, Position>;
  loading: boolean;
  error?: UiError;
}

export interface Directory {
  people: ReadonlyMap<number, Person>;
  org: OrgIndex;
}

export interface ReadsState {
  channels: Readonly<Record<number, ChannelReadsState>>;
  directory?: Directory;
  directoryError?: UiError;
}

export interface ReadsDeps {
  request: Request;
  now?: () => number;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (id: unknown) => void;
}

export interface ReadsStore {
  getState(): ReadsState;
  subscribe(fn: (s: ReadsState) => void): () => void;
  /** Follows a channel's positions while something shows it: the first watcher loads
   * them; when the last one stops, they are forgotten. Returns the stop. */
  watch(channelId: number): () => void;
  /** A frame from the chat socket; true when it was a `reads` frame. */
  handleFrame(f: Frame): boolean;
  /** After each (re)connect: fetch the watched channels' positions again. */
  resync(): void;
  /** Loads people and departments for the who-read panel, once. */
  ensureDirectory(): Promise<void>;
  dispose(): void;
}

export function createReadsStore(deps: ReadsDeps): ReadsStore {
  const now = deps.now ?? Date.now;
  const setT = deps.setTimeout ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const clearT = deps.clearTimeout ?? ((id: unknown) => clearTimeout(id as ReturnType<typeof setTimeout>));
  let state: ReadsState = { channels: {} };
  const listeners = new Set<(s: ReadsState) => void>();
  const watchers = new Map<number, number>();
  // Per channel, the newest fetch: an older answer arriving late is dropped.
  const generation = new Map<number, number>();
  const refetchTimers = new Map<number, unknown>();
  let directoryLoad: Promise<void> | undefined;
  let disposed = false;

  function set(next: Partial<ReadsState>) {
    if (disposed) return;
    state = { ...state, ...next };
    listeners.forEach((fn) => fn(state));
  }

  function setChannel(id: number, c: ChannelReadsState | undefined) {
    const { [id]: _, ...rest } = state.channels;
    set({ channels: c ? { ...rest, [id]: c } : rest });
  }

  async function load(id: number) {
    const gen = (generation.get(id) ?? 0) + 1;
    generation.set(id, gen);
    const cur = state.channels[id];
    setChannel(id, { positions: cur?.positions, loading: true });
    try {
      const r = await deps.request<ChannelReads>('GET', `/channels/${id}/reads`);
      if (generation.get(id) !== gen || !watchers.has(id)) return;
      setChannel(id, { positions: toPositions(r.reads ?? []), loading: false });
    } catch (err) {
      if (generation.get(id) !== gen || !watchers.has(id)) return;
      setChannel(id, { positions: state.channels[id]?.positions, loading: false, error: toUiError(err, now()) });
    }
  }

  function refetchSoon(id: number) {
    if (refetchTimers.has(id)) return;
    refetchTimers.set(
      id,
      setT(() => {
        refetchTimers.delete(id);
        if (watchers.has(id)) void load(id);
      }, REFETCH_DEBOUNCE_MS),
    );
  }

  function onReads(d: ReadsData) {
    if (!d || !Number.isSafeInteger(d.channel_id)) return;
    const c = state.channels[d.channel_id];
    if (!c || !watchers.has(d.channel_id)) return; // not on screen: fetched when shown
    if (!c.positions) {
      // Still loading: the answer may predate these moves.
      refetchSoon(d.channel_id);
      return;
    }
    const { next, changed, unknown } = applyMoves(c.positions, d.moves ?? []);
    if (changed) setChannel(d.channel_id, { ...c, positions: next });
    if (unknown) refetchSoon(d.channel_id);
  }

  return {
    getState: () => state,
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    watch(id) {
      const n = watchers.get(id) ?? 0;
      watchers.set(id, n + 1);
      if (n === 0) void load(id);
      let stopped = false;
      return () => {
        if (stopped) return;
        stopped = true;
        const left = (watchers.get(id) ?? 1) - 1;
        if (left > 0) {
          watchers.set(id, left);
          return;
        }
        watchers.delete(id);
        generation.set(id, (generation.get(id) ?? 0) + 1);
        const timer = refetchTimers.get(id);
        if (timer !== undefined) clearT(timer);
        refetchTimers.delete(id);
        setChannel(id, undefined);
      };
    },
    handleFrame(f) {
      if (f.type !== 'reads') return false;
      onReads(f.data as ReadsData);
      return true;
    },
    resync() {
      for (const id of watchers.keys()) void load(id);
    },
    ensureDirectory() {
      if (state.directory) return Promise.resolve();
      directoryLoad ??= Promise.all([loadEveryone(deps.request), loadOrg(deps.request)]).then(
        ([people, org]) => {
          set({ directory: { people: new Map(people.map((p) => [p.id, p])), org: indexOrg(org) }, directoryError: undefined });
        },
        (err) => {
          directoryLoad = undefined; // try again on the next opening
          set({ directoryError: toUiError(err, now()) });
        },
      );
      return directoryLoad;
    },
    dispose() {
      disposed = true;
      for (const t of refetchTimers.values()) clearT(t);
      refetchTimers.clear();
      listeners.clear();
    },
  };
}
