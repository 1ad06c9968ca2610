// The composer's level: a new message starts at the channel's usual level
// (default_secrecy) and may be set to any level up to the channel's ceiling.

import { clampLevel } from './ladder';

export interface ChannelLevels {
  max_secrecy: number;
  default_secrecy?: number;
}

/** The ceiling, within the ladder. */
export function ceilingOf(c: ChannelLevels): number {
  return clampLevel(c.max_secrecy);
}

/** The level a new message in the channel starts at: its usual level, never above the ceiling. */
export function defaultLevel(c: ChannelLevels): number {
  return Math.min(clampLevel(c.default_secrecy), ceilingOf(c));
}

/** The levels the composer offers: 0…ceiling. */
export function pickerLevels(c: ChannelLevels): number[] {
  return Array.from({ length: ceilingOf(c) + 1 }, (_, i) => i);
}

/** The level chosen, kept within a ceiling that may have been lowered meanwhile. */
export function keptLevel(chosen: number, c: ChannelLevels): number {
  return Math.min(clampLevel(chosen), ceilingOf(c));
}
