import { describe, expect, it } from 'vitest';
import type { User } from './types';
import { createBody, emptyForm, formField, formFromUser, patchBody, validateUser, type UserFormValues } from './userForm';

const form = (over: Partial<UserFormValues> = {}): UserFormValues => ({
  ...emptyForm(),
  username: 'liming',
  display_name: '李明',
  ...over,
});

const user: User = {
  id: 21,
  username: 'liming',
  display_name: '李明',
  title: '科员',
  role: 'staff',
  disabled: false,
  created_at: '2026-11-23T14:03:49.508Z',
  departments: [],
};

describe('validateUser', () => {
  it.each([
    { name: 'a good form', v: form(), want: {} },
    { name: 'capitals and spaces are normalised', v: form({ username: '  LiMing ' }), want: {} },
    { name: 'missing username', v: form({ username: ' ' }), want: { username: { kind: 'required' } } },
    { name: 'Chinese username', v: form({ username: '李明' }), want: { username: { kind: 'invalid_username' } } },
    { name: 'one-letter username', v: form({ username: 'a' }), want: { username: { kind: 'invalid_username' } } },
    { name: 'leading dot', v: form({ username: '.liming' }), want: { username: { kind: 'invalid_username' } } },
    { name: '33 characters', v: form({ username: 'a'.repeat(33) }), want: { username: { kind: 'invalid_username' } } },
    { name: 'missing name', v: form({ display_name: '' }), want: { display_name: { kind: 'required' } } },
    { name: 'name over 32 characters', v: form({ display_name: '李'.repeat(33) }), want: { display_name: { kind: 'too_long', max: 32 } } },
    { name: '32 Chinese characters are fine', v: form({ display_name: '李'.repeat(32) }), want: {} },
    { name: 'direction override', v: form({ title: 'a\u202eb' }), want: { title: { kind: 'control_characters' } } },
    { name: 'line break in phone', v: form({ phone: '138\n0' }), want: { phone: { kind: 'control_characters' } } },
    { name: 'bad email', v: form({ email: 'not an email' }), want: { email: { kind: 'invalid_email' } } },
  ])('$name', ({ v, want }) => {
    expect(validateUser(v, true)).toEqual(want);
  });

  it('does not check the username of an existing account', () => {
    expect(validateUser(form({ username: 'X' }), false)).toEqual({});
  });
});

describe('request bodies', () => {
  it('creates with only the filled fields and no password', () => {
    expect(createBody(form({ username: ' LiMing ', title: ' 科员 ', role: 'staff' }))).toEqual({
      username: 'liming',
      display_name: '李明',
      title: '科员',
    });
    expect(createBody(form({ role: 'leader' })).role).toBe('leader');
  });

  it('patches only what changed, clearing with ""', () => {
    const v = { ...formFromUser(user), title: '', position: '预算编制岗', disabled: true };
    expect(patchBody(user, v)).toEqual({ title: '', position: '预算编制岗', disabled: true });
    expect(patchBody(user, formFromUser(user))).toEqual({});
    expect(patchBody(user, { ...formFromUser(user), role: 'leader' })).toEqual({ role: 'leader' });
  });

  it('maps server fields to form fields', () => {
    expect(formField('display_name')).toBe('display_name');
    expect(formField('departments')).toBeUndefined();
    expect(formField(undefined)).toBeUndefined();
  });
});
