// Error texts of the admin pages: the app's wording per code, made more precise where
// the admin action tells what the server's refusal means.

import { describeError, type UiError } from '../errors';
import { translate, type Locale, type MessageKey } from '../i18n';

export type Action = 'user_create' | 'user_change' | 'memberships' | 'tree_save' | 'tree_delete' | 'import';

/** The label of a request field the server named, for "“{field}” is not acceptable". */
const FIELD_LABELS: Record<string, MessageKey> = {
  username: 'admin.field.username',
  display_name: 'admin.field.display_name',
  title: 'admin.field.title',
  position: 'admin.field.position',
  phone: 'admin.field.phone',
  email: 'admin.field.email',
  role: 'admin.field.role',
  name: 'admin.tree.name',
  parent_id: 'admin.tree.parent',
  sort_order: 'admin.tree.sort',
};

const MEMBERSHIP_FIELDS: Record<string, MessageKey> = {
  departments: 'admin.problem.departments',
  party: 'admin.problem.party',
  party_role: 'admin.problem.party_role',
};

const CONFLICTS: Partial<Record<Action, MessageKey>> = {
  user_create: 'admin.error.username_taken',
  tree_save: 'admin.error.tree_conflict',
  tree_delete: 'admin.error.delete_conflict',
  import: 'admin.error.import_conflict',
};

export function fieldLabel(field: string, locale: Locale): string {
  const k = FIELD_LABELS[field];
  return k ? translate(locale, k) : field;
}

export function adminErrorText(e: UiError, action: Action, locale: Locale): string {
  const tr = (k: MessageKey, p?: Record<string, string | number>) => translate(locale, k, p);
  if (e.code === 'forbidden' && (action === 'user_create' || action === 'user_change' || action === 'memberships')) {
    return tr('admin.error.forbidden_user');
  }
  if (e.code === 'conflict') {
    const k = CONFLICTS[action];
    if (k) return tr(k);
  }
  if (e.code === 'bad_request' && e.field) {
    const m = MEMBERSHIP_FIELDS[e.field];
    if (m) return tr(m);
    return tr('admin.problem.server_field', { field: fieldLabel(e.field, locale) });
  }
  return describeError(e, locale);
}
