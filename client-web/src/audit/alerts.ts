// The console's alert badge: how many alerts are open, read when the session starts and
// after each reconnect, and bumped live by the `audit_alert` frame the server sends to
// connected security officers and auditors (PROTOCOL.md §7.5). The list itself is
// the 告警 tab's (it reads the server again when shown).

import type { Request } from '../api';
import type { Frame } from '../chat/types';
import { alertsPage } from './api';
import type { AuditAlert } from './types';

/** The badge counts up to here and then says 99+ (the nav's badgeText). */
const COUNT_LIMIT = 100;

export interface AlertBadgeState {
  open: number;
  /** The newest alert that arrived live (the tab shows it at once). */
  latest?: AuditAlert;
}

export interface AlertBadge {
  getState(): AlertBadgeState;
  subscribe(fn: () => void): () => void;
  load(): Promise<void>;
  handleFrame(f: Frame): boolean;
  /** An alert acknowledged here: one fewer open. */
  acked(): void;
}

export function createAlertBadge(request: Request): AlertBadge {
  let state: AlertBadgeState = { open: 0 };
  const seen = new Set<number>();
  const listeners = new Set<() => void>();
  const set = (s: Partial<AlertBadgeState>) => {
    state = { ...state, ...s };
    listeners.forEach((fn) => fn());
  };
  return {
    getState: () => state,
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    async load() {
      try {
        const p = await alertsPage(request, 'open', { limit: COUNT_LIMIT });
        seen.clear();
        for (const a of p.items) seen.add(a.id);
        set({ open: p.items.length });
      } catch {
        /* the badge stays as it was; the tab says what failed */
      }
    },
    handleFrame(f) {
      if (f.type !== 'audit_alert') return false;
      const a = f.data as AuditAlert | undefined;
      if (!a || typeof a.id !== 'number' || seen.has(a.id)) return true;
      seen.add(a.id);
      if (a.state === 'acked') return true;
      set({ open: state.open + 1, latest: a });
      return true;
    },
    acked() {
      set({ open: Math.max(0, state.open - 1) });
    },
  };
}
