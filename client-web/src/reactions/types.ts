// The wire types of reactions, mirroring protocol/reactions.go (PROTOCOL.md §7.4 `react`,
// §7.5 `reactions`). src/vectors.test.ts checks them against protocol/testdata/vectors.

import type { Reaction } from '../chat/types';

/** Client → server `react`: add (on) or remove the person's reaction to a message. */
export interface ReactData {
  channel_id: number;
  seq: number;
  reaction: string;
  on: boolean;
}

/** The ack of `react` and the server → client `reactions` frame: a message's reactions
 * after a change, with the revision that orders them. */
export interface ReactionsData {
  channel_id: number;
  seq: number;
  rev: number;
  reactions: Reaction[];
}
