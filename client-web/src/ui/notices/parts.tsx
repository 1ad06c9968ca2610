// Small pieces shared by the notice screens: tags, the row state, names and times.

import { formatDateTime } from '../../format';
import { locale, t, type MessageKey } from '../../i18n';
import type { NoticeState } from '../../notices/store';
import { isPast, shortDateTime } from '../../notices/time';
import type { Notice } from '../../notices/types';
import { isUrgent, rowState, type RowState } from '../../notices/view';
import { LevelTag } from '../secrecy/LevelTag';

const STATE_KEYS: Record<RowState, MessageKey | undefined> = {
  pending: 'notices.state_pending',
  confirmed: 'notices.state_confirmed',
  stale: 'notices.state_stale',
  withdrawn: 'notices.state_withdrawn',
  info: 'notices.state_info',
  author: undefined,
};

export function StateTag({ n }: { n: Notice }) {
  const st = rowState(n);
  const key = STATE_KEYS[st];
  const text = key ? t(key) : t('notices.state_author', { n: n.recipients });
  return <span class={`ntc-state ntc-state-${st}`}>{text}</span>;
}

export function Tags({ n }: { n: Pick<Notice, 'priority' | 'secrecy'> }) {
  return (
    <>
      {isUrgent(n) ? <span class="ntc-tag ntc-tag-urgent">{t('notices.urgent')}</span> : null}
      <LevelTag level={n.secrecy} class="ntc-level" />
    </>
  );
}

export function authorName(s: Pick<NoticeState, 'names'>, id: number): string {
  return s.names[id] ?? t('notices.author_unknown', { id });
}

/** 截止 11月25日 17:00, marked when it has passed. */
export function Deadline({ iso, now }: { iso?: string; now: number }) {
  if (!iso) return null;
  const past = isPast(iso, now);
  return (
    <span class={past ? 'ntc-deadline ntc-deadline-past' : 'ntc-deadline'}>
      <time dateTime={iso}>{t('notices.deadline', { time: shortDateTime(iso, now, locale.get()) })}</time>
      {past ? <span class="visually-hidden">（{t('notices.deadline_passed')}）</span> : null}
    </span>
  );
}

export function When({ iso }: { iso: string }) {
  return <time dateTime={iso}>{formatDateTime(iso, locale.get())}</time>;
}
