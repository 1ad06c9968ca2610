// The words of urgent notices: what the server did for each recipient (their push
// outcome, PROTOCOL.md §4.10 tally `push`), the publish dialog's people count and
// off-duty hint (from POST /notices/audience), and the author's "3/5 已确认".

import { translate, type Locale, type MessageKey } from '../i18n';
import type { Notice } from '../notices/types';
import type { NoticeAudienceSummary, PushOutcome, TallyPushCounts } from './types';
import { PUSH_OUTCOMES } from './types';

const OUTCOME_KEYS: Record<PushOutcome, MessageKey> = {
  pushed: 'urgent.push.pushed',
  breakthrough: 'urgent.push.breakthrough',
  held: 'urgent.push.held',
  held_cap: 'urgent.push.held_cap',
  connected: 'urgent.push.connected',
  no_device: 'urgent.push.no_device',
  failed: 'urgent.push.failed',
};

export function isOutcome(s: unknown): s is PushOutcome {
  return typeof s === 'string' && (PUSH_OUTCOMES as readonly string[]).includes(s);
}

/** One person's push status as the server recorded it; "推送状态确定中" until it has. */
export function pushText(outcome: string | undefined, locale: Locale): string {
  return translate(locale, isOutcome(outcome) ? OUTCOME_KEYS[outcome] : 'urgent.push.undecided');
}

/** The non-zero outcomes of a tally, most telling first: [{outcome, n, text}]. */
export function pushSummary(c: TallyPushCounts | undefined, locale: Locale): { outcome: PushOutcome | 'undecided'; n: number; text: string }[] {
  if (!c) return [];
  const rows: { outcome: PushOutcome | 'undecided'; n: number; text: string }[] = [];
  for (const o of PUSH_OUTCOMES) {
    const n = c[o] ?? 0;
    if (n > 0) rows.push({ outcome: o, n, text: translate(locale, 'urgent.push.count', { label: pushText(o, locale), n }) });
  }
  if (c.undecided > 0) rows.push({ outcome: 'undecided', n: c.undecided, text: translate(locale, 'urgent.push.count', { label: pushText(undefined, locale), n: c.undecided }) });
  return rows;
}

/** The people count before sending: "共 37 人", with the channels when it is pinned in any. */
export function peopleText(s: NoticeAudienceSummary, locale: Locale): string {
  return s.channels > 0 ? translate(locale, 'urgent.people_channels', { n: s.people, c: s.channels }) : translate(locale, 'urgent.people_count', { n: s.people });
}

/** What quiet hours will do, in words that match the server's rules: '' when nobody is
 * off duty; a break-through within the weekly cap; held when the cap is used up; held
 * otherwise (a normal notice, or an author who may not break through). */
export function offDutyHint(s: NoticeAudienceSummary, locale: Locale): string {
  if (s.off_duty <= 0) return '';
  const cap = s.week_cap ?? 0;
  const used = s.week_used ?? 0;
  switch (s.breakthrough) {
    case 'will':
      return translate(locale, 'urgent.off.will', { n: s.off_duty, k: used + 1, cap });
    case 'cap_reached':
      return translate(locale, 'urgent.off.cap', { n: s.off_duty, used, cap });
    default:
      return translate(locale, 'urgent.off.held', { n: s.off_duty });
  }
}

/** "3/5 已确认" for a notice the reader wrote that needs confirmation; undefined when the
 * server gave no count (not the author) or nothing is to be confirmed. */
export function confirmedOf(n: Pick<Notice, 'confirmed' | 'recipients' | 'needs_confirm'>, locale: Locale): string | undefined {
  if (typeof n.confirmed !== 'number' || !n.needs_confirm) return undefined;
  return translate(locale, 'urgent.confirmed_of', { c: n.confirmed, n: n.recipients });
}
