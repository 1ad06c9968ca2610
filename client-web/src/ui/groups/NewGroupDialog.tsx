import { useMemo, useRef, useState } from 'preact/hooks';
import type { Request } from '../../api';
import type { Channel, Person } from '../../chat/types';
import { toUiError } from '../../errors';
import { createGroupsApi } from '../../groups/api';
import { errorField, groupErrorKey, groupErrorText } from '../../groups/errors';
import { checkCreate, createBody, MAX_NAME, MAX_TOPIC, type FormField, type FormProblems, type GroupForm } from '../../groups/form';
import { chosenIds } from '../../groups/picker';
import { locale, t } from '../../i18n';
import { Field } from '../common';
import { useLocale } from '../hooks';
import { Alert, Modal, problemText } from './Modal';
import { PeoplePicker } from './PeoplePicker';
import { PolicyFields } from './PolicyFields';

interface Props {
  request: Request;
  meId: number;
  onClose: () => void;
  onCreated: (c: Channel) => void;
}

const ID = 'grp-new';
const FIELD_IDS: Record<FormField, string> = { name: `${ID}-name`, topic: `${ID}-topic`, members: `${ID}-members-q` };

/** 新建群组: a name, an optional topic, the first members and the two policies. The
 * server adds the creator as administrator, so the creator is not among the choices. */
export function NewGroupDialog({ request, meId, onClose, onCreated }: Props) {
  useLocale();
  const api = useMemo(() => createGroupsApi(request), [request]);
  const exclude = useMemo(() => new Set([meId]), [meId]);
  const [form, setForm] = useState<GroupForm>({ name: '', topic: '', postAdminsOnly: false, mentionAll: 'everyone' });
  const [chosen, setChosen] = useState<Person[]>([]);
  const [problems, setProblems] = useState<FormProblems>({});
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const nameRef = useRef<HTMLInputElement>(null);

  const set = (v: Partial<GroupForm>) => setForm((f) => ({ ...f, ...v }));

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    setError(undefined);
    const found = checkCreate(form, chosen.length);
    setProblems(found);
    const first = (['name', 'topic', 'members'] as const).find((f) => found[f]);
    if (first) {
      document.getElementById(FIELD_IDS[first])?.focus();
      return;
    }
    setBusy(true);
    try {
      const c = await api.create(createBody(form, chosenIds(chosen)));
      onCreated(c);
    } catch (err) {
      const ui = toUiError(err, Date.now());
      const field = errorField(ui);
      const key = groupErrorKey(ui, 'create');
      if (field && key) {
        setProblems({ [field]: { key } });
        document.getElementById(FIELD_IDS[field])?.focus();
      } else {
        setError(groupErrorText(ui, 'create', locale.get()));
      }
      setBusy(false);
    }
  };

  return (
    <Modal id={ID} title={t('groups.new_title')} onClose={onClose} initialFocus={nameRef}>
      <form class="form grp-form" onSubmit={submit} noValidate>
        <div class="grp-field-wrap">
          <Field
            id={FIELD_IDS.name}
            label={t('groups.name')}
            value={form.name}
            onInput={(name) => set({ name })}
            maxLength={MAX_NAME}
            invalid={!!problems.name}
            describedBy={problems.name ? `${ID}-name-error` : undefined}
            hint={t('autoname.hint', { max: MAX_NAME })}
            inputRef={nameRef}
          />
          <Alert id={`${ID}-name-error`} text={problemText(problems.name)} />
        </div>
        <div class="grp-field-wrap">
          <Field
            id={FIELD_IDS.topic}
            label={t('groups.topic')}
            value={form.topic}
            onInput={(topic) => set({ topic })}
            maxLength={MAX_TOPIC}
            invalid={!!problems.topic}
            describedBy={problems.topic ? `${ID}-topic-error` : undefined}
            hint={t('groups.topic_hint', { max: MAX_TOPIC })}
          />
          <Alert id={`${ID}-topic-error`} text={problemText(problems.topic)} />
        </div>
        <PeoplePicker
          id={`${ID}-members`}
          api={api}
          chosen={chosen}
          onChange={(c) => {
            setChosen(c);
            if (problems.members) setProblems((p) => ({ ...p, members: undefined }));
          }}
          exclude={exclude}
          excludeNote={t('groups.me_auto')}
          problem={problemText(problems.members)}
        />
        <PolicyFields id={`${ID}-policy`} postAdminsOnly={form.postAdminsOnly} mentionAll={form.mentionAll} onChange={set} />
        <Alert text={error} />
        <div class="form-actions">
          <button type="button" class="btn btn-secondary" onClick={onClose}>
            {t('groups.cancel')}
          </button>
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {busy ? t('groups.creating') : t('groups.create')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
