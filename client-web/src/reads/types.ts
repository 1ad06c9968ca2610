// The wire types of read status, mirroring protocol/reads.go (PROTOCOL.md §4.14).
// src/vectors.test.ts checks them against protocol/testdata/vectors.

/** GET /api/v1/channels/{id}/reads: every member's read position. */
export interface ChannelReads {
  channel_id: number;
  last_seq: number;
  reads: ReadPosition[];
}

export interface ReadPosition {
  user_id: number;
  /** They have read every message up to and including this seq. */
  seq: number;
  joined_at: string;
}

/** The `reads` frame: positions that moved in one channel. */
export interface ReadsData {
  channel_id: number;
  moves: ReadMove[];
}

export interface ReadMove {
  user_id: number;
  seq: number;
}
