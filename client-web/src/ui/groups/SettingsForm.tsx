import { useEffect, useState } from 'preact/hooks';
import type { Channel } from '../../chat/types';
import { toUiError } from '../../errors';
import type { GroupsApi } from '../../groups/api';
import { errorField, groupErrorKey, groupErrorText } from '../../groups/errors';
import { checkSettings, editable, formFromChannel, isEmptyPatch, MAX_NAME, MAX_TOPIC, settingsPatch, type FormProblems, type SettingsForm as Form } from '../../groups/form';
import { locale, t } from '../../i18n';
import { Field } from '../common';
import { Alert, problemText, Status } from './Modal';
import { PolicyFields } from './PolicyFields';

interface Props {
  id: string;
  api: GroupsApi;
  channel: Channel;
  onSaved: (c: Channel) => void;
}

const STATUS_MS = 8000;

/** The settings an administrator may change, saved as one PATCH of what changed. */
export function SettingsForm({ id, api, channel, onSaved }: Props) {
  const can = editable(channel.kind);
  const [form, setForm] = useState<Form>(() => formFromChannel(channel));
  const [problems, setProblems] = useState<FormProblems>({});
  const [error, setError] = useState<string>();
  const [status, setStatus] = useState<string>();
  const [busy, setBusy] = useState(false);
  useEffect(() => setForm(formFromChannel(channel)), [channel]);
  // A status line is news of the moment; it goes away so it does not mislead later.
  useEffect(() => {
    if (!status) return undefined;
    const timer = setTimeout(() => setStatus(undefined), STATUS_MS);
    return () => clearTimeout(timer);
  }, [status]);

  const set = (v: Partial<Form>) => {
    setForm((f) => ({ ...f, ...v }));
    setStatus(undefined);
  };
  const patch = settingsPatch(channel, form);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    setError(undefined);
    const found = checkSettings(channel, form);
    setProblems(found);
    const first = (['name', 'topic'] as const).find((f) => found[f]);
    if (first) {
      document.getElementById(`${id}-${first}`)?.focus();
      return;
    }
    if (isEmptyPatch(patch)) {
      setStatus(t('groups.no_changes'));
      return;
    }
    setBusy(true);
    try {
      const c = await api.update(channel.id, patch);
      setStatus(t('groups.saved'));
      onSaved(c);
    } catch (err) {
      const ui = toUiError(err, Date.now());
      const field = errorField(ui);
      const key = groupErrorKey(ui, 'update');
      if ((field === 'name' || field === 'topic') && key) {
        setProblems({ [field]: { key } });
        document.getElementById(`${id}-${field}`)?.focus();
      } else setError(groupErrorText(ui, 'update', locale.get()));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="form grp-form" onSubmit={submit} noValidate>
      {can.name ? (
        <div class="grp-field-wrap">
          <Field
            id={`${id}-name`}
            label={t('groups.name')}
            value={form.name}
            onInput={(name) => set({ name })}
            maxLength={MAX_NAME}
            invalid={!!problems.name}
            describedBy={problems.name ? `${id}-name-error` : undefined}
            hint={channel.auto_name ? `${t('autoname.note')} ${t('autoname.settings_hint', { max: MAX_NAME })}` : t('autoname.settings_hint', { max: MAX_NAME })}
          />
          <Alert id={`${id}-name-error`} text={problemText(problems.name)} />
        </div>
      ) : (
        <p class="muted grp-small">{t('groups.org_named')}</p>
      )}
      <div class="grp-field-wrap">
        <Field
          id={`${id}-topic`}
          label={t('groups.topic')}
          value={form.topic}
          onInput={(topic) => set({ topic })}
          maxLength={MAX_TOPIC}
          invalid={!!problems.topic}
          describedBy={problems.topic ? `${id}-topic-error` : undefined}
          hint={t('groups.topic_hint', { max: MAX_TOPIC })}
        />
        <Alert id={`${id}-topic-error`} text={problemText(problems.topic)} />
      </div>
      <PolicyFields id={`${id}-policy`} postAdminsOnly={form.postAdminsOnly} mentionAll={form.mentionAll} onChange={set} />
      {can.includeSub ? (
        <div class="grp-check-field">
          <label class="grp-check">
            <input
              type="checkbox"
              checked={form.includeSub}
              aria-describedby={`${id}-sub-hint`}
              onChange={(e) => set({ includeSub: (e.currentTarget as HTMLInputElement).checked })}
            />
            <span>{t('groups.include_sub')}</span>
          </label>
          <p id={`${id}-sub-hint`} class="field-hint">
            {t('groups.include_sub_hint')}
          </p>
        </div>
      ) : null}
      <Alert text={error} />
      <Status text={status} />
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {busy ? t('groups.saving') : t('groups.save')}
        </button>
      </div>
    </form>
  );
}

const POLICY_KEY = { everyone: 'groups.mention_everyone', admins: 'groups.mention_admins' } as const;

/** What a member who is not an administrator sees: the settings, read only. */
export function SettingsView({ channel }: { channel: Channel }) {
  return (
    <div class="grp-view">
      <p class="muted grp-small">{t('groups.read_only')}</p>
      <dl class="grp-facts">
        <dt>{t('groups.name')}</dt>
        <dd>{channel.name}</dd>
        <dt>{t('groups.topic')}</dt>
        <dd>{channel.topic || <span class="muted">{t('groups.topic_none')}</span>}</dd>
        <dt>{t('groups.post_admins')}</dt>
        <dd>{t(channel.post_policy === 'admins' ? 'groups.yes' : 'groups.no')}</dd>
        <dt>{t('groups.mention_legend')}</dt>
        <dd>{t(POLICY_KEY[channel.mention_all] ?? POLICY_KEY.everyone)}</dd>
        {channel.kind === 'department' ? (
          <>
            <dt>{t('groups.include_sub')}</dt>
            <dd>{t(channel.include_sub_departments ? 'groups.yes' : 'groups.no')}</dd>
          </>
        ) : null}
      </dl>
    </div>
  );
}
