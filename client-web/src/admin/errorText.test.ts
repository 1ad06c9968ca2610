import { describe, expect, it } from 'vitest';
import type { UiError } from '../errors';
import { translate } from '../i18n';
import { adminErrorText, type Action } from './errorText';

const e = (code: string, field?: string): UiError => ({ code, at: 0, field });

describe('adminErrorText', () => {
  it.each<[string, UiError, Action, string]>([
    ['watcher refusal on a person', e('forbidden'), 'user_change', 'admin.error.forbidden_user'],
    ['watcher refusal on memberships', e('forbidden'), 'memberships', 'admin.error.forbidden_user'],
    ['username taken', e('conflict'), 'user_create', 'admin.error.username_taken'],
    ['sibling name or cycle', e('conflict'), 'tree_save', 'admin.error.tree_conflict'],
    ['not empty', e('conflict'), 'tree_delete', 'admin.error.delete_conflict'],
    ['raced import', e('conflict'), 'import', 'admin.error.import_conflict'],
    ['bad departments', e('bad_request', 'departments'), 'memberships', 'admin.problem.departments'],
    ['bad party role', e('bad_request', 'party_role'), 'user_create', 'admin.problem.party_role'],
  ])('%s', (_, err, action, key) => {
    expect(adminErrorText(err, action, 'zh-CN')).toBe(translate('zh-CN', key));
  });

  it('names the field the server refused', () => {
    expect(adminErrorText(e('bad_request', 'display_name'), 'user_change', 'zh-CN')).toBe('“姓名”的内容不符合要求，请检查后重试。');
    expect(adminErrorText(e('bad_request', 'name'), 'tree_save', 'en')).toBe('“Name” is not acceptable. Please check it and try again.');
  });

  it('falls back to the app wording', () => {
    expect(adminErrorText(e('forbidden'), 'tree_save', 'zh-CN')).toBe(translate('zh-CN', 'error.forbidden'));
    expect(adminErrorText(e('network'), 'import', 'en')).toBe(translate('en', 'error.network'));
  });
});
