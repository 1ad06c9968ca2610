import { describe, expect, it } from 'vitest';
import { noticeErrorText } from './errors';

describe('noticeErrorText', () => {
  it('words the codes of notices, and leaves the rest to the app', () => {
    expect(noticeErrorText({ code: 'stale_revision', at: 0 }, 'zh-CN')).toContain('已被修改');
    expect(noticeErrorText({ code: 'notice_withdrawn', at: 0 }, 'en')).toBe('This notice has been withdrawn.');
    expect(noticeErrorText({ code: 'rate_limited', at: 0, retryAfter: 600 }, 'zh-CN')).toContain('10 分钟');
  });
});
