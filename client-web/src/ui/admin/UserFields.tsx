// The fields of a person, shared by the create and the edit form.

import { ASSIGNABLE_ROLES, isWatcherRole } from '../../admin/types';
import { LIMITS, USERNAME_MAX, type FormProblems, type UserField, type UserFormValues } from '../../admin/userForm';
import { roleKey, t, type MessageKey } from '../../i18n';
import { Field } from '../common';
import { FieldProblemText, problemText, SelectField } from './shared';

export function UserFields(p: {
  prefix: string;
  values: UserFormValues;
  onChange: (v: UserFormValues) => void;
  problems: FormProblems;
  creating: boolean;
}) {
  const v = p.values;
  const set = (f: keyof UserFormValues) => (x: string) => p.onChange({ ...v, [f]: x });
  const text = (f: UserField, max: number, extra: { autocomplete?: string; required?: boolean; hint?: string; inputMode?: 'numeric' | 'text' } = {}) => {
    const id = `${p.prefix}-${f}`;
    const problem = p.problems[f];
    const label = t(`admin.field.${f}` as MessageKey);
    return (
      <div class="adm-field-wrap">
        <Field
          id={id}
          label={label}
          value={v[f]}
          onInput={set(f)}
          maxLength={max}
          required={extra.required}
          autocomplete={extra.autocomplete ?? 'off'}
          hint={extra.hint}
          invalid={!!problem}
          describedBy={problem ? `${id}-problem` : undefined}
        />
        <FieldProblemText id={`${id}-problem`} text={problem ? problemText(problem, label) : undefined} />
      </div>
    );
  };
  // A watcher's role is shown as it is; it cannot be given over the API.
  const roles = isWatcherRole(v.role) ? [v.role] : [...ASSIGNABLE_ROLES];
  return (
    <div class="adm-grid">
      {p.creating ? text('username', USERNAME_MAX, { required: true, hint: t('admin.field.username_hint') }) : null}
      {text('display_name', LIMITS.display_name, { required: true })}
      {text('title', LIMITS.title)}
      {text('position', LIMITS.position)}
      {text('phone', LIMITS.phone, { autocomplete: 'off' })}
      {text('email', LIMITS.email)}
      <SelectField
        id={`${p.prefix}-role`}
        label={t('admin.field.role')}
        value={v.role}
        options={roles.map((r) => ({ value: r, label: t(roleKey(r)) }))}
        onChange={set('role')}
        hint={p.creating ? t('admin.field.role_hint') : undefined}
      />
    </div>
  );
}
