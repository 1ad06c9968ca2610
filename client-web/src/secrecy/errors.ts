// Refusals about levels in words (zh/en), naming the place and the levels involved.

import type { UiError } from '../errors';
import { translate, type Locale } from '../i18n';
import { levelName } from './ladder';
import type { SecrecyLevel } from './types';

/** A place a refusal may name: its title and, where known, its ceiling. */
export interface Place {
  name: string;
  max?: number;
}

/** A notice refused because its level is above the ceiling of a channel it is pinned in
 * (secrecy_above_ceiling); the field names the channel as audience.channels[i] (or
 * channels[i]) where the server says which. undefined for other errors. */
export function noticeLevelError(
  e: UiError,
  level: number,
  channels: readonly (Place | undefined)[],
  ladder: readonly SecrecyLevel[],
  locale: Locale,
): string | undefined {
  if (e.code !== 'secrecy_above_ceiling') return undefined;
  const m = /(?:^|\.)channels\[(\d+)\]$/.exec(e.field ?? '');
  const place = m ? channels[Number(m[1])] : undefined;
  const name = levelName(ladder, level, locale);
  if (place && place.max !== undefined && place.max < level) {
    return translate(locale, 'secrecy.err_notice_ceiling', { place: place.name, max: levelName(ladder, place.max, locale), level: name });
  }
  if (place) return translate(locale, 'secrecy.err_notice_ceiling_place', { place: place.name, level: name });
  return translate(locale, 'secrecy.err_notice_ceiling_any', { level: name });
}
