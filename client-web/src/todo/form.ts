// The 设为待办 dialog's request: the due date and time are Beijing wall time, whatever
// the device's zone; a date without a time is due at the end of the office day.

import type { Message } from '../chat/types';
import { t } from '../i18n';
import { beijingToIso } from '../notices/time';
import { MAX_TODO_NOTE, type CreateTodoRequest } from './types';

/** The default time of day when only a date is picked: the end of an office day. */
export const DEFAULT_DUE_TIME = '17:30';

/** The request the form makes, or the text of what is wrong with it. */
export function todoRequest(
  m: Pick<Message, 'channel_id' | 'seq'>,
  assignee: number,
  date: string,
  time: string,
  note: string,
  now: number,
): CreateTodoRequest | { problem: string } {
  const req: CreateTodoRequest = { channel_id: m.channel_id, seq: m.seq, assignee_id: assignee };
  if (date.trim()) {
    const iso = beijingToIso(date, time.trim() || DEFAULT_DUE_TIME);
    if (!iso) return { problem: t('todo.due_invalid') };
    if (Date.parse(iso) <= now) return { problem: t('todo.due_past') };
    req.due = iso;
  }
  const n = note.trim();
  if (n) req.note = [...n].slice(0, MAX_TODO_NOTE).join('');
  return req;
}
