// 设为待办: make a message a to-do for oneself or a colleague in the channel, with an
// optional due date and time in Beijing time and a short note.

import { useMemo, useRef, useState } from 'preact/hooks';
import './todo.css';
import type { ChannelMember, Message } from '../../chat/types';
import { previewText } from '../../chat/text';
import { describeError, toUiError } from '../../errors';
import { locale, t } from '../../i18n';
import { DEFAULT_DUE_TIME, todoRequest } from '../../todo/form';
import { MAX_TODO_NOTE, type CreateTodoRequest, type Todo } from '../../todo/types';
import { Modal } from '../groups/Modal';

interface Props {
  m: Message;
  meId: number;
  /** The channel's members (undefined while they load). */
  members?: ChannelMember[];
  onCreate: (req: CreateTodoRequest) => Promise<Todo>;
  /** After it was made: what to say ("已交办给 王科员"). */
  onDone: (said: string) => void;
  onClose: () => void;
}

export function TodoDialog({ m, meId, members, onCreate, onDone, onClose }: Props) {
  const [assignee, setAssignee] = useState(meId);
  const [date, setDate] = useState('');
  const [time, setTime] = useState(DEFAULT_DUE_TIME);
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLSelectElement>(null);
  const others = useMemo(
    () => (members ?? []).filter((x) => x.user_id !== meId).sort((a, b) => (a.display_name || a.username).localeCompare(b.display_name || b.username, 'zh-CN')),
    [members, meId],
  );
  const nameOf = (id: number) => {
    const x = others.find((o) => o.user_id === id);
    return x ? x.display_name || x.username : '';
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    const req = todoRequest(m, assignee, date, time, note, Date.now());
    if ('problem' in req) {
      setProblem(req.problem);
      return;
    }
    setBusy(true);
    setProblem(undefined);
    try {
      await onCreate(req);
      onDone(assignee === meId ? t('todo.created_self') : t('todo.created_other', { name: nameOf(assignee) }));
      onClose();
    } catch (err) {
      const ue = toUiError(err, Date.now());
      setProblem(ue.code === 'conflict' ? t('todo.err_conflict') : ue.code === 'not_member' && ue.field === 'assignee_id' ? t('todo.err_not_member') : describeError(ue, locale.get()));
      setBusy(false);
    }
  };

  const quote = m.text ? previewText(m.text, 120) : t('todo.no_text');
  return (
    <Modal id="todo-dialog" title={t('todo.dialog_title')} onClose={onClose} size="narrow" initialFocus={first}>
      <form class="todo-dialog" onSubmit={(e) => void submit(e)} noValidate>
        <p class="todo-dialog-quote" dir="auto" aria-label={t('todo.dialog_message')}>
          {quote}
        </p>
        <div class="field">
          <label htmlFor="todo-assignee">{t('todo.assignee_label')}</label>
          <select id="todo-assignee" ref={first} value={String(assignee)} onChange={(e) => setAssignee(Number((e.currentTarget as HTMLSelectElement).value))}>
            <option value={String(meId)}>{t('todo.assignee_self')}</option>
            {others.map((x) => (
              <option key={x.user_id} value={String(x.user_id)}>
                {x.display_name || x.username}
                {x.title ? ` · ${x.title}` : ''}
              </option>
            ))}
          </select>
          {!members ? <p class="field-hint">{t('todo.members_loading')}</p> : null}
        </div>
        <fieldset class="grp-fieldset">
          <legend class="grp-legend">{t('todo.due_label')}</legend>
          <div class="todo-due-row">
            <input type="date" id="todo-due-date" aria-label={t('todo.due_date')} value={date} onInput={(e) => setDate((e.currentTarget as HTMLInputElement).value)} />
            <input type="time" id="todo-due-time" aria-label={t('todo.due_time')} value={time} onInput={(e) => setTime((e.currentTarget as HTMLInputElement).value)} />
            {date ? (
              <button type="button" class="btn btn-quiet btn-small" onClick={() => setDate('')}>
                {t('todo.clear_due')}
              </button>
            ) : null}
          </div>
        </fieldset>
        <div class="field">
          <label htmlFor="todo-note">{t('todo.note_label')}</label>
          <textarea id="todo-note" rows={2} maxLength={MAX_TODO_NOTE} value={note} onInput={(e) => setNote((e.currentTarget as HTMLTextAreaElement).value.replace(/[\r\n]+/g, ' '))} />
          <p class="field-hint">{t('todo.note_count', { n: [...note].length, max: MAX_TODO_NOTE })}</p>
        </div>
        <p class="form-error" role="alert" hidden={!problem}>
          {problem ?? ''}
        </p>
        <div class="todo-dialog-actions">
          <button type="button" class="btn" onClick={onClose}>
            {t('todo.cancel')}
          </button>
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {t('todo.submit')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
