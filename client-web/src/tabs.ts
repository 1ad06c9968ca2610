// The other tabs of this browser. Logging out in one tab logs out all of them at once:
// the server revokes the session anyway, but a tab left open on a shared office computer
// should not keep showing messages until its next check (up to a minute).

export interface Tabs {
  announceLogout(): void;
  onLogout(fn: () => void): () => void;
  /** The password changed here: the server revoked every session and this browser's
   * cookie now holds a new one, so the other tabs reconnect with it rather than drop to
   * the login page at the server's next session check. */
  announceSession(): void;
  onSession(fn: () => void): () => void;
}

const CHANNEL = 'govchat';

export function browserTabs(): Tabs {
  if (typeof BroadcastChannel === 'undefined') return { announceLogout() {}, onLogout: () => () => {}, announceSession() {}, onSession: () => () => {} };
  const ch = new BroadcastChannel(CHANNEL);
  const on = (type: string, fn: () => void) => {
    const h = (e: MessageEvent) => {
      if ((e.data as { type?: unknown } | null)?.type === type) fn();
    };
    ch.addEventListener('message', h);
    return () => ch.removeEventListener('message', h);
  };
  return {
    announceLogout: () => ch.postMessage({ type: 'logout' }),
    onLogout: (fn) => on('logout', fn),
    announceSession: () => ch.postMessage({ type: 'session' }),
    onSession: (fn) => on('session', fn),
  };
}

/** Tabs joined in memory, for tests: what one announces, the others hear. */
export function memoryTabs(): { tab(): Tabs } {
  const listeners = new Set<{ owner: object; type: string; fn: () => void }>();
  return {
    tab() {
      const owner = {};
      const announce = (type: string) => listeners.forEach((l) => l.owner !== owner && l.type === type && l.fn());
      const on = (type: string, fn: () => void) => {
        const l = { owner, type, fn };
        listeners.add(l);
        return () => void listeners.delete(l);
      };
      return {
        announceLogout: () => announce('logout'),
        onLogout: (fn) => on('logout', fn),
        announceSession: () => announce('session'),
        onSession: (fn) => on('session', fn),
      };
    },
  };
}
