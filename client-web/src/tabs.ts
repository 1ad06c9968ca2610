// The other tabs of this browser. Logging out in one tab logs out all of them at once:
// the server revokes the session anyway, but a tab left open on a shared office computer
// should not keep showing messages until its next check (up to a minute).

export interface Tabs {
  announceLogout(): void;
  onLogout(fn: () => void): () => void;
}

const CHANNEL = 'govchat';

export function browserTabs(): Tabs {
  if (typeof BroadcastChannel === 'undefined') return { announceLogout() {}, onLogout: () => () => {} };
  const ch = new BroadcastChannel(CHANNEL);
  return {
    announceLogout: () => ch.postMessage({ type: 'logout' }),
    onLogout(fn) {
      const h = (e: MessageEvent) => {
        if ((e.data as { type?: unknown } | null)?.type === 'logout') fn();
      };
      ch.addEventListener('message', h);
      return () => ch.removeEventListener('message', h);
    },
  };
}

/** Tabs joined in memory, for tests: what one announces, the others hear. */
export function memoryTabs(): { tab(): Tabs } {
  const listeners = new Set<{ owner: object; fn: () => void }>();
  return {
    tab() {
      const owner = {};
      return {
        announceLogout: () => listeners.forEach((l) => l.owner !== owner && l.fn()),
        onLogout(fn) {
          const l = { owner, fn };
          listeners.add(l);
          return () => listeners.delete(l);
        },
      };
    },
  };
}
