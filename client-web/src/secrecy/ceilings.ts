// 会话密级上限 without the DOM: a row as edited, and the search by name.

import type { UiError } from '../errors';
import type { ChannelSecrecy } from './types';

export interface CeilingRow {
  saved: ChannelSecrecy;
  max: number;
  def: number;
  busy?: boolean;
  done?: boolean;
  error?: UiError;
}

export function ceilingRow(c: ChannelSecrecy): CeilingRow {
  return { saved: c, max: c.max_secrecy, def: Math.min(c.default_secrecy, c.max_secrecy) };
}

/** The rows whose name holds every word of the search (case-insensitive), by name. */
export function filterChannels(rows: readonly CeilingRow[], q: string): CeilingRow[] {
  const words = q.trim().toLowerCase().split(/\s+/).filter(Boolean);
  return rows
    .filter((r) => words.every((w) => r.saved.name.toLowerCase().includes(w)))
    .sort((a, b) => a.saved.name.localeCompare(b.saved.name, 'zh-CN'));
}
