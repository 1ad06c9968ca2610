// 基本信息: name, title, position, contact, role and the disabled switch (PATCH).

import { useEffect, useState } from 'preact/hooks';
import type { AdminApi } from '../../admin/api';
import type { User } from '../../admin/types';
import { formField, formFromUser, hasProblems, patchBody, validateUser, type FormProblems } from '../../admin/userForm';
import { toUiError, type UiError } from '../../errors';
import { t } from '../../i18n';
import { focusFirstInvalid } from './NewUserForm';
import { AdminError, StatusLine } from './shared';
import { UserFields } from './UserFields';

export function ProfileForm(p: { api: AdminApi; user: User; readOnly: boolean; onSaved: (u: User) => void }) {
  const [values, setValues] = useState(() => formFromUser(p.user));
  const [problems, setProblems] = useState<FormProblems>({});
  const [error, setError] = useState<UiError>();
  const [status, setStatus] = useState<string>();
  const [busy, setBusy] = useState(false);
  useEffect(() => setValues(formFromUser(p.user)), [p.user.id]);

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setStatus(undefined);
    const found = validateUser(values, false);
    setProblems(found);
    if (hasProblems(found)) {
      focusFirstInvalid('adm-edit');
      return;
    }
    const body = patchBody(p.user, values);
    if (!Object.keys(body).length) {
      setStatus(t('admin.user.no_changes'));
      return;
    }
    setBusy(true);
    try {
      const r = await p.api.updateUser(p.user.id, body);
      p.onSaved(r.user);
      setValues(formFromUser(r.user));
      setStatus(t('admin.user.saved'));
    } catch (err) {
      const ui = toUiError(err, Date.now());
      setError(ui);
      const f = formField(ui.field);
      if (f) document.getElementById(`adm-edit-${f}`)?.focus();
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="form panel adm-form" onSubmit={(e) => void submit(e)} aria-labelledby="adm-profile-title" noValidate>
      <h3 id="adm-profile-title" class="adm-h3">
        {t('admin.user.profile')}
      </h3>
      <fieldset class="adm-fieldset" disabled={p.readOnly || busy}>
        <UserFields prefix="adm-edit" values={values} onChange={setValues} problems={problems} creating={false} />
        <div class="adm-check-field">
          <label class="adm-check">
            <input
              type="checkbox"
              id="adm-edit-disabled"
              checked={values.disabled}
              aria-describedby="adm-edit-disabled-hint"
              onChange={(e) => setValues({ ...values, disabled: (e.currentTarget as HTMLInputElement).checked })}
            />
            {t('admin.field.disabled')}
          </label>
          <p id="adm-edit-disabled-hint" class="field-hint">
            {t('admin.field.disabled_hint')}
          </p>
        </div>
      </fieldset>
      <AdminError id="adm-edit-error" error={error} action="user_change" />
      <StatusLine text={status} />
      {p.readOnly ? null : (
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={busy} aria-busy={busy}>
            {busy ? t('admin.user.saving') : t('admin.user.save')}
          </button>
        </div>
      )}
    </form>
  );
}
