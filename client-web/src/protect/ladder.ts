// The ladder as this module reads it, until the app's secrecy store (src/secrecy/) is
// wired in: GET /api/v1/secrecy once after login, asked again after a failure.

import type { Request } from '../api';
import type { LevelRules } from './rules';

/** GET /api/v1/secrecy (protocol.SecrecyConfig), the part read here. */
export interface SecrecyConfigLike {
  levels: LevelRules[];
}

/** The levels of the server's answer that are well formed (a level with a number and the
 * four rules as booleans); anything else is left out, and rulesFor treats a missing level
 * as shut. */
export function ladderOf(cfg: unknown): LevelRules[] | undefined {
  const levels = (cfg as SecrecyConfigLike | undefined)?.levels;
  if (!Array.isArray(levels)) return undefined;
  return levels.filter(
    (l): l is LevelRules =>
      !!l &&
      Number.isSafeInteger(l.level) &&
      typeof l.watermark === 'boolean' &&
      typeof l.download === 'boolean' &&
      typeof l.copy === 'boolean' &&
      typeof l.store === 'boolean',
  );
}

export async function fetchLadder(request: Request): Promise<LevelRules[] | undefined> {
  return ladderOf(await request<unknown>('GET', '/secrecy'));
}
