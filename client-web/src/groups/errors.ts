// Server errors of the group screens in words that fit them: the field at fault, the
// last administrator who may not leave (409), a member who is gone. Anything else gets
// the app's general text.

import { describeError, type UiError } from '../errors';
import { translate, type Locale, type MessageKey } from '../i18n';
import type { FormField } from './form';

export type GroupAction = 'create' | 'update' | 'add' | 'remove' | 'leave' | 'role' | 'load';

const LAST_ADMIN: Partial<Record<GroupAction, MessageKey>> = {
  leave: 'groups.err_last_admin_leave',
  remove: 'groups.err_last_admin_remove',
  role: 'groups.err_last_admin_role',
};

const FIELD_KEYS: Record<string, MessageKey> = {
  name: 'groups.err_name',
  topic: 'groups.err_topic',
  members: 'groups.err_members',
  user_ids: 'groups.err_members',
  user: 'groups.err_member_gone',
};

/** The group-specific text key for an error, if there is one. */
export function groupErrorKey(e: UiError, action: GroupAction): MessageKey | undefined {
  switch (e.code) {
    case 'conflict':
      return LAST_ADMIN[action];
    case 'bad_request':
      return e.field ? FIELD_KEYS[e.field] : undefined;
    case 'forbidden':
      return action === 'create' || action === 'load' || action === 'leave' ? undefined : 'groups.err_not_admin';
    case 'not_member':
      return 'groups.err_not_member';
    case 'not_found':
      return action === 'remove' ? 'groups.err_member_gone' : undefined;
    default:
      return undefined;
  }
}

export function groupErrorText(e: UiError, action: GroupAction, locale: Locale): string {
  const key = groupErrorKey(e, action);
  return key ? translate(locale, key) : describeError(e, locale);
}

/** The form field a server error points at, so the form can mark it. */
export function errorField(e: UiError): FormField | undefined {
  if (e.code !== 'bad_request') return undefined;
  if (e.field === 'name' || e.field === 'topic') return e.field;
  if (e.field === 'members' || e.field === 'user_ids') return 'members';
  return undefined;
}
