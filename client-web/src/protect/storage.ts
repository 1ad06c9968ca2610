// What may be written to browser storage. At a level whose rule `store` is false (秘密 by default)
// nothing of a message is kept: not the outbox entry of a message written offline, not
// a draft. Those stay in the page's memory and are gone when it closes.
//
// Where the web client persists anything, and what this module decides there:
//   localStorage govchat.outbox.<user>  messages not yet acknowledged → outboxToKeep
//   localStorage govchat.drafts.<user>  the composer's drafts          → draftsToKeep
//   localStorage govchat.pins.<user>    colleagues' public key ids (no content)
//   localStorage govchat.locale         the language
//   IndexedDB govchat-device            this browser's sealed private key (no content)
//   Cache Storage govchat-v*            the app page, assets, icons (sw.js never caches /api/)
//   the service worker's /dl/ stream    a save in progress, memory only, never cached
//   push notifications                  shown, not stored; their text is the server's
//                                       choice (push_text), nothing is cached by sw-push.js
// Messages, timelines, file keys and decrypted files are held in memory only.

import { rulesFor, type LevelRules } from './rules';

/** What the decision needs to know of a channel. */
export interface ChannelLevels {
  id: number;
  max_secrecy: number;
  default_secrecy?: number;
}

export interface StoragePolicy {
  /** A message written but not acknowledged, at its level, in its channel. */
  pending(p: { channelId: number; secrecy?: number }): boolean;
  /** The draft of a channel. */
  draft(channelId: number): boolean;
}

/**
 * The policy for the current ladder and channels (both read when asked: they arrive after
 * the stores are made). A pending message is kept when its level — and the channel's usual
 * level, which the server applies to a message sent without one — may be stored. A draft
 * has no level until it is sent (the person may still pick 秘密), so a channel's drafts are
 * kept only when its ceiling may be stored. A channel not known yet keeps nothing.
 */
export function storagePolicy(ladder: () => readonly LevelRules[] | undefined, channels: () => readonly ChannelLevels[]): StoragePolicy {
  const find = (id: number) => channels().find((c) => c.id === id);
  return {
    pending(p) {
      const c = find(p.channelId);
      if (!c) return false;
      const level = Math.max(p.secrecy ?? 0, c.default_secrecy ?? 0);
      return rulesFor(ladder(), level).store;
    },
    draft(channelId) {
      const c = find(channelId);
      return !!c && rulesFor(ladder(), c.max_secrecy).store;
    },
  };
}

/** The outbox entries that may be written to storage. */
export function outboxToKeep<P extends { channelId: number; secrecy?: number }>(outbox: readonly P[], policy: StoragePolicy | undefined): P[] {
  return policy ? outbox.filter((p) => policy.pending(p)) : [...outbox];
}

/** The drafts that may be written to storage. */
export function draftsToKeep(drafts: Record<number, string>, policy: StoragePolicy | undefined): Record<number, string> {
  if (!policy) return drafts;
  const out: Record<number, string> = {};
  for (const [k, v] of Object.entries(drafts)) if (policy.draft(Number(k))) out[Number(k)] = v;
  return out;
}
