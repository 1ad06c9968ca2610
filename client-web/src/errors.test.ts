import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import { describeError, toUiError } from './errors';

// 2026-11-23 14:05 Beijing time
const AT = Date.UTC(2026, 10, 23, 6, 5, 0);

describe('describeError', () => {
  it('translates every server code the client knows, in both languages', () => {
    const codes = [
      'bad_request',
      'invalid_credentials',
      'totp_required',
      'totp_invalid',
      'totp_setup_required',
      'account_disabled',
      'password_policy',
      'unauthenticated',
      'forbidden',
      'not_found',
      'conflict',
      'too_large',
      'cross_origin',
      'unavailable',
      'internal',
      'rate_limited',
      'account_locked',
      'network',
    ];
    for (const code of codes) {
      const zh = describeError({ code, at: AT }, 'zh-CN');
      const en = describeError({ code, at: AT }, 'en');
      expect(zh, code).not.toMatch(/error code|错误代码|\{/);
      expect(en, code).not.toMatch(/error code|错误代码|\{/);
      expect(zh).not.toBe(en);
    }
  });

  it('says "wrong username or password" for invalid_credentials', () => {
    expect(describeError({ code: 'invalid_credentials', at: AT }, 'zh-CN')).toBe('用户名或密码错误。');
    expect(describeError({ code: 'invalid_credentials', at: AT }, 'en')).toBe('Wrong username or password.');
  });

  it('tells a locked user when to come back, in Beijing time', () => {
    const e = { code: 'account_locked', at: AT, retryAfter: 900 };
    expect(describeError(e, 'zh-CN')).toBe('登录失败次数过多，账号已临时锁定。请于 14:20 后重试（约 15 分钟）。');
    expect(describeError(e, 'en')).toBe(
      'Too many failed sign-ins; the account is locked. Try again after 14:20 (in about 15 min).',
    );
  });

  it('gives the full date when the lock ends on another day', () => {
    const e = { code: 'account_locked', at: AT, retryAfter: 12 * 3600 };
    expect(describeError(e, 'zh-CN')).toBe(
      '登录失败次数过多，账号已临时锁定。请于 2026年11月24日 02:05 后重试（约 12 小时）。',
    );
  });

  it('copes with a lock without retry_after', () => {
    expect(describeError({ code: 'account_locked', at: AT }, 'zh-CN')).toBe(
      '登录失败次数过多，账号已临时锁定，请稍后重试。',
    );
  });

  it('rate_limited uses the wait', () => {
    expect(describeError({ code: 'rate_limited', at: AT, retryAfter: 30 }, 'zh-CN')).toBe('操作过于频繁，请 30 秒后再试。');
    expect(describeError({ code: 'rate_limited', at: AT, retryAfter: 30 }, 'en')).toBe('Too many requests. Try again in 30 s.');
  });

  it('shows unknown codes with the code and request id', () => {
    expect(describeError({ code: 'brand_new', at: AT, requestId: 'r-9' }, 'zh-CN')).toBe(
      '操作失败（错误代码：brand_new）。 请求编号：r-9',
    );
  });

  it('adds the request id to internal errors only where it helps', () => {
    expect(describeError({ code: 'internal', at: AT, requestId: 'abc' }, 'zh-CN')).toContain('请求编号：abc');
    expect(describeError({ code: 'invalid_credentials', at: AT, requestId: 'abc' }, 'zh-CN')).not.toContain('abc');
  });

  it('translates the client’s own checks', () => {
    expect(describeError({ code: 'password_mismatch', at: AT }, 'zh-CN')).toBe('两次输入的新密码不一致。');
    expect(describeError({ code: 'totp_format', at: AT }, 'en')).toBe('Enter the 6-digit code.');
  });
});

describe('toUiError', () => {
  it('keeps what the server said', () => {
    const e = toUiError(new ApiError(429, 'account_locked', 'locked', { retryAfter: 60, requestId: 'x' }), AT);
    expect(e).toEqual({ code: 'account_locked', at: AT, retryAfter: 60, requestId: 'x', field: undefined });
  });

  it('turns anything else into an unknown response', () => {
    expect(toUiError(new TypeError('boom'), AT).code).toBe('unknown_response');
  });
});
