// The REST calls of data-loss prevention (PROTOCOL.md §4.25).

import type { Request } from '../api';
import type { DlpAction, DlpHitsRequest, DlpRule, DlpRules } from './types';

/** GET /dlp/rules (every session). */
export function getRules(request: Request): Promise<DlpRules> {
  return request<DlpRules>('GET', '/dlp/rules');
}

/** PUT /dlp/rules (dlp.manage): the whole rule set. */
export function putRules(request: Request, rules: readonly DlpRule[]): Promise<DlpRules> {
  return request<DlpRules>('PUT', '/dlp/rules', { rules });
}

/** POST /dlp/hits: what the browser found in a file and what the sender did. */
export function postHits(request: Request, body: DlpHitsRequest): Promise<{ action: DlpAction }> {
  return request<{ action: DlpAction }>('POST', '/dlp/hits', body);
}
