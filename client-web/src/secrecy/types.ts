// The wire types of secrecy levels and legal holds, mirroring protocol/secrecy.go
// (PROTOCOL.md §4.18 and §4.19). Times are RFC 3339 strings as the server sends them.

/** The ladder has exactly this many rungs: they can be renamed, never added or removed. */
export const NUM_LEVELS = 4;

/** One rung of the ladder and what it decides. */
export interface SecrecyLevel {
  level: number;
  /** 公开; 1–8 characters */
  name: string;
  /** public; 1–24 characters */
  name_en: string;
  /** the tag's colour, "#rrggbb" */
  color: string;
  /** 1…36500 */
  retention_days: number;
  push_text: boolean;
  forward: boolean;
  download: boolean;
  copy: boolean;
  watermark: boolean;
  store: boolean;
}

/** The rules of a level: the switches, without name, colour and retention. */
export type LevelRules = Pick<SecrecyLevel, 'push_text' | 'forward' | 'download' | 'copy' | 'watermark' | 'store'>;
export const RULES: readonly (keyof LevelRules)[] = ['push_text', 'forward', 'download', 'copy', 'watermark', 'store'];

/** GET /secrecy */
export interface SecrecyConfig {
  levels: SecrecyLevel[];
  updated_at?: string;
  updated_by?: number;
}

/** GET /secrecy/channels: one channel's ceiling and usual level. */
export interface ChannelSecrecy {
  channel_id: number;
  kind: string;
  name: string;
  members: number;
  max_secrecy: number;
  default_secrecy: number;
}

export type HoldScope = 'channel' | 'user' | 'notice';
export const HOLD_SCOPES: readonly HoldScope[] = ['channel', 'user', 'notice'];
export type HoldStatus = 'active' | 'release_requested' | 'released';

export interface LegalHold {
  id: number;
  scope: HoldScope;
  target_id: number;
  target_name: string;
  from?: string;
  to?: string;
  reason: string;
  case_no: string;
  status: HoldStatus;
  created_by: number;
  created_by_name: string;
  created_at: string;
  release_requested_by?: number;
  release_requested_name?: string;
  release_requested_at?: string;
  release_note?: string;
  released_by?: number;
  released_by_name?: string;
  released_at?: string;
  /** The countersigner's note, set with released_by. */
  countersign_note?: string;
}

/** POST /holds */
export interface CreateHoldRequest {
  scope: HoldScope;
  target_id: number;
  from?: string;
  to?: string;
  reason: string;
  case_no: string;
}

/** The `expired` frame's data (§7.5): messages of a channel deleted by retention. */
export interface ExpiredData {
  channel_id: number;
  seqs: number[];
}
