import { describe, expect, it } from 'vitest';
import {
  createLocaleStore,
  definedKeys,
  LOCALE_STORAGE_KEY,
  matchLocale,
  MESSAGE_KEYS,
  roleKey,
  translate,
} from './i18n';
import { memoryStorage } from './testing';

describe('translate', () => {
  it('looks keys up in the chosen locale', () => {
    expect(translate('zh-CN', 'login.submit')).toBe('登录');
    expect(translate('en', 'login.submit')).toBe('Sign in');
  });

  it('fills {params} and leaves unknown placeholders alone', () => {
    expect(translate('zh-CN', 'chat.welcome', { name: '王建国' })).toBe('王建国，您好');
    expect(translate('en', 'error.unknown', { code: 'teapot' })).toBe('The operation failed (error code: teapot).');
    expect(translate('en', 'chat.welcome')).toBe('Hello, {name}');
  });

  it('falls back to Chinese, then to the key', () => {
    // A key English does not define shows Chinese rather than nothing.
    expect(translate('en', 'no.such.key')).toBe('no.such.key');
    const zhOnly = MESSAGE_KEYS.filter((k) => !definedKeys('en').includes(k));
    for (const k of zhOnly) expect(translate('en', k)).toBe(translate('zh-CN', k));
  });

  it('has an English text for every Chinese key, and no extras', () => {
    expect([...definedKeys('en')].sort()).toEqual([...MESSAGE_KEYS].sort());
  });

  it('has no empty texts', () => {
    for (const k of MESSAGE_KEYS) {
      expect(translate('zh-CN', k).trim(), k).not.toBe('');
      expect(translate('en', k).trim(), k).not.toBe('');
    }
  });

  it('labels every role, and unknown roles generically', () => {
    expect(translate('zh-CN', roleKey('staff'))).toBe('干部职工');
    expect(translate('zh-CN', roleKey('leader'))).toBe('领导');
    expect(translate('zh-CN', roleKey('security'))).toBe('保密员');
    expect(translate('zh-CN', roleKey('auditor'))).toBe('审计员');
    expect(translate('zh-CN', roleKey('admin'))).toBe('系统管理员');
    expect(translate('en', roleKey('admin'))).toBe('System administrator');
    expect(translate('zh-CN', roleKey('root'))).toBe('用户');
  });
});

describe('matchLocale', () => {
  it('maps tags to supported locales', () => {
    expect(matchLocale('zh-CN')).toBe('zh-CN');
    expect(matchLocale('zh-Hans-CN')).toBe('zh-CN');
    expect(matchLocale('zh')).toBe('zh-CN');
    expect(matchLocale('en-US')).toBe('en');
    expect(matchLocale('fr-FR')).toBeUndefined();
    expect(matchLocale('')).toBeUndefined();
  });
});

describe('locale store', () => {
  it('defaults to Chinese', () => {
    const s = createLocaleStore(memoryStorage());
    expect(s.get()).toBe('zh-CN');
    expect(s.chosen()).toBe(false);
  });

  it('persists the user’s choice and tells subscribers', () => {
    const storage = memoryStorage();
    const s = createLocaleStore(storage);
    const seen: string[] = [];
    s.subscribe((l) => seen.push(l));
    s.set('en');
    expect(s.get()).toBe('en');
    expect(s.chosen()).toBe(true);
    expect(storage.data.get(LOCALE_STORAGE_KEY)).toBe('en');
    expect(seen).toEqual(['en']);
    // A new page load reads it back.
    expect(createLocaleStore(storage).get()).toBe('en');
  });

  it('does not persist a default applied from the server', () => {
    const storage = memoryStorage();
    const s = createLocaleStore(storage);
    s.set('en', false);
    expect(s.get()).toBe('en');
    expect(s.chosen()).toBe(false);
    expect(storage.data.size).toBe(0);
  });

  it('ignores garbage in storage and survives a storage that throws', () => {
    expect(createLocaleStore(memoryStorage({ [LOCALE_STORAGE_KEY]: 'xx' })).get()).toBe('zh-CN');
    const broken = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
    };
    const s = createLocaleStore(broken);
    expect(s.get()).toBe('zh-CN');
    s.set('en');
    expect(s.get()).toBe('en');
  });

  it('works without any storage (node, private mode)', () => {
    const s = createLocaleStore(undefined);
    s.set('en');
    expect(s.get()).toBe('en');
  });
});
