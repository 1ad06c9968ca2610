// 新增人员: creates an account; the server makes the one-time password.

import { useState } from 'preact/hooks';
import type { AdminApi } from '../../admin/api';
import { createBody, emptyForm, formField, hasProblems, validateUser, type FormProblems } from '../../admin/userForm';
import { toUiError, type UiError } from '../../errors';
import { t } from '../../i18n';
import { AdminError, ViewHeading } from './shared';
import { UserFields } from './UserFields';

export function NewUserForm(p: { api: AdminApi; onCancel: () => void; onCreated: (id: number, otp?: string) => void }) {
  const [values, setValues] = useState(emptyForm());
  const [problems, setProblems] = useState<FormProblems>({});
  const [error, setError] = useState<UiError>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    const found = validateUser(values, true);
    setProblems(found);
    setError(undefined);
    if (hasProblems(found)) {
      focusFirstInvalid('adm-new');
      return;
    }
    setBusy(true);
    try {
      const r = await p.api.createUser(createBody(values));
      p.onCreated(r.user.id, r.one_time_password);
    } catch (err) {
      const ui = toUiError(err, Date.now());
      setError(ui);
      const f = formField(ui.field);
      if (f) document.getElementById(`adm-new-${f}`)?.focus();
      setBusy(false);
    }
  };

  return (
    <div class="adm-stack">
      <div>
        <button type="button" class="btn btn-quiet adm-back" onClick={p.onCancel}>
          ← {t('admin.user.back')}
        </button>
      </div>
      <form class="form panel adm-form" onSubmit={(e) => void submit(e)} aria-labelledby="adm-new-heading" noValidate>
        <ViewHeading id="adm-new-heading">{t('admin.user.new_title')}</ViewHeading>
        <p class="muted">{t('admin.user.create_hint')}</p>
        <UserFields prefix="adm-new" values={values} onChange={setValues} problems={problems} creating />
        <AdminError id="adm-new-error" error={error} action="user_create" />
        <div class="form-actions">
          <button type="button" class="btn btn-secondary" onClick={p.onCancel} disabled={busy}>
            {t('admin.cancel')}
          </button>
          <button type="submit" class="btn btn-primary" disabled={busy} aria-busy={busy}>
            {busy ? t('admin.user.creating') : t('admin.user.create')}
          </button>
        </div>
      </form>
    </div>
  );
}

/** After a refused submit, the cursor goes to the first field that is wrong. */
export function focusFirstInvalid(prefix: string) {
  setTimeout(() => {
    const el = document.querySelector<HTMLElement>(`[id^="${prefix}-"][aria-invalid="true"]`);
    el?.focus();
  }, 0);
}
