// Small pieces shared by the collection screens: error text, state tags, the deadline.

import { ANSWER_FILE_FAILED } from '../../collect/files';
import type { ReaderState } from '../../collect/status';
import { COLLECTION_CLOSED, PAST_DEADLINE, type Collection } from '../../collect/types';
import { describeError, type UiError } from '../../errors';
import { locale, t, type MessageKey } from '../../i18n';

export function collectError(e: UiError): string {
  if (e.code === COLLECTION_CLOSED) return t('collect.e_collection_closed');
  if (e.code === PAST_DEADLINE) return t('collect.e_deadline_passed');
  if (e.code === ANSWER_FILE_FAILED) return t('collect.err_files_pending');
  return describeError(e, locale.get());
}

const STATE_KEYS: Record<string, MessageKey> = {
  todo: 'collect.state_todo',
  submitted: 'collect.state_submitted',
  returned: 'collect.state_returned',
  closed: 'collect.state_closed',
};

/** The reader's state, or for the author how many have submitted. */
export function StateTag({ c, state }: { c: Collection; state: ReaderState }) {
  if (state === 'author') {
    return <span class="ntc-state cl-state-author">{t('collect.state_author', { done: c.counts?.submitted ?? 0, n: c.counts?.units ?? 0 })}</span>;
  }
  const st = c.status === 'closed' && state === 'todo' ? 'closed' : state;
  return <span class={`ntc-state cl-state-${st}`}>{t(STATE_KEYS[st] ?? 'collect.state_todo')}</span>;
}

export function KindTags({ c }: { c: Collection }) {
  return (
    <>
      <span class="ntc-tag cl-tag-kind">{t(c.kind === 'signup' ? 'collect.kind_tag_signup' : 'collect.kind_tag_form')}</span>
      {c.per === 'department' ? <span class="ntc-tag cl-tag-per">{t('collect.per_tag_department')}</span> : null}
      {c.secrecy >= 1 ? <span class="ntc-tag ntc-tag-internal">{t('notices.internal')}</span> : null}
      {c.status === 'closed' ? <span class="ntc-tag cl-tag-closed">{t('collect.status_closed')}</span> : null}
    </>
  );
}
