// Wire types of urgent notices and the author's delivery view (protocol/urgent.go,
// PROTOCOL.md §4.10 and §4.13).

import type { Audience } from '../notices/types';

/** What the server did to alert one recipient when a notice was published. */
export type PushOutcome = 'pushed' | 'breakthrough' | 'held' | 'held_cap' | 'connected' | 'no_device' | 'failed';
export const PUSH_OUTCOMES: readonly PushOutcome[] = ['breakthrough', 'pushed', 'connected', 'held', 'held_cap', 'no_device', 'failed'];

/** A tally's recipients counted by push outcome. */
export interface TallyPushCounts {
  pushed: number;
  breakthrough: number;
  held: number;
  held_cap: number;
  connected: number;
  no_device: number;
  failed: number;
  undecided: number;
}

export type BreakthroughForecast = 'none' | 'will' | 'cap_reached';

/** POST /api/v1/notices/audience. */
export interface NoticeAudienceRequest {
  priority?: 'normal' | 'urgent';
  audience: Audience;
}

/** How many people an audience reaches now, how many are off duty, and what an urgent notice would do. */
export interface NoticeAudienceSummary {
  people: number;
  channels: number;
  off_duty: number;
  breakthrough: BreakthroughForecast | string;
  week_used?: number;
  week_cap?: number;
}
