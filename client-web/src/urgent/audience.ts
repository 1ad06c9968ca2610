// The people count before sending: POST /notices/audience (PROTOCOL.md §4.10) for the
// audience being chosen, asked once the choice has rested a moment, stale answers
// dropped.

import type { Request } from '../api';
import type { Audience } from '../notices/types';
import type { NoticeAudienceRequest, NoticeAudienceSummary } from './types';

/** How long the choice rests before the server is asked. */
export const SUMMARY_DELAY_MS = 350;

/** A stable key of what is asked: the same audience and priority ask once. */
export function summaryKey(audience: Audience, urgent: boolean): string {
  const a = audience;
  const empty = !a.all && !a.channels?.length && !a.departments?.length && !a.party_orgs?.length && !a.users?.length;
  return empty ? '' : JSON.stringify([urgent ? 1 : 0, a.all ? 1 : 0, a.channels ?? [], a.departments ?? [], a.party_orgs ?? [], a.users ?? []]);
}

export function fetchSummary(request: Request, audience: Audience, urgent: boolean): Promise<NoticeAudienceSummary> {
  const body: NoticeAudienceRequest = { priority: urgent ? 'urgent' : 'normal', audience };
  return request<NoticeAudienceSummary>('POST', '/notices/audience', body);
}
