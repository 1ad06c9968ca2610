import { describe, expect, it } from 'vitest';
import type { UiError } from '../errors';
import { translate } from '../i18n';
import { errorField, groupErrorKey, groupErrorText, type GroupAction } from './errors';

const e = (code: string, field?: string): UiError => ({ code, at: 0, field });

describe('groupErrorKey', () => {
  const cases: [string, UiError, GroupAction, string | undefined][] = [
    ['the last admin leaving', e('conflict'), 'leave', 'groups.err_last_admin_leave'],
    ['removing the last admin', e('conflict'), 'remove', 'groups.err_last_admin_remove'],
    ['standing down the last admin', e('conflict'), 'role', 'groups.err_last_admin_role'],
    ['a bad name', e('bad_request', 'name'), 'create', 'groups.err_name'],
    ['a bad topic', e('bad_request', 'topic'), 'update', 'groups.err_topic'],
    ['a disabled member on create', e('bad_request', 'members'), 'create', 'groups.err_members'],
    ['a disabled member on add', e('bad_request', 'user_ids'), 'add', 'groups.err_members'],
    ['setting the role of someone gone', e('bad_request', 'user'), 'role', 'groups.err_member_gone'],
    ['removing someone gone', e('not_found'), 'remove', 'groups.err_member_gone'],
    ['no longer an admin', e('forbidden'), 'update', 'groups.err_not_admin'],
    ['no longer in the channel', e('not_member'), 'leave', 'groups.err_not_member'],
    ['a bad_request without field', e('bad_request'), 'create', undefined],
    ['the network', e('network'), 'create', undefined],
  ];
  for (const [name, err, action, want] of cases) it(name, () => expect(groupErrorKey(err, action)).toBe(want));
});

describe('groupErrorText', () => {
  it('explains the 409 on leaving in Chinese', () => {
    expect(groupErrorText(e('conflict'), 'leave', 'zh-CN')).toContain('请先指定其他管理员');
  });
  it('falls back to the general text', () => {
    expect(groupErrorText(e('network'), 'create', 'zh-CN')).toBe(translate('zh-CN', 'error.network'));
  });
});

describe('errorField', () => {
  it.each([
    [e('bad_request', 'name'), 'name'],
    [e('bad_request', 'user_ids'), 'members'],
    [e('bad_request', 'post_policy'), undefined],
    [e('conflict'), undefined],
  ])('%o → %s', (err, want) => expect(errorField(err)).toBe(want));
});
