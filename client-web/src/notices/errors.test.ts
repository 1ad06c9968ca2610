import { describe, expect, it } from 'vitest';
import { noticeErrorText } from './errors';

describe('noticeErrorText', () => {
  it('words the codes of notices, and leaves the rest to the app', () => {
    expect(noticeErrorText({ code: 'stale_revision', at: 0 }, 'zh-CN')).toContain('已被修改');
    expect(noticeErrorText({ code: 'notice_withdrawn', at: 0 }, 'en')).toBe('This notice has been withdrawn.');
    expect(noticeErrorText({ code: 'rate_limited', at: 0, retryAfter: 600 }, 'zh-CN')).toContain('10 分钟');
  });
  it('words a refusal about an attachment as one, not as the notice’s', () => {
    expect(noticeErrorText({ code: 'attachment_failed', at: 0 }, 'zh-CN')).toBe('有附件未能上传，请点“重试”或将其移除后再发布。');
    expect(noticeErrorText({ code: 'key_missing', at: 0, field: 'attachments[1]' }, 'zh-CN')).toContain('再点一次“发布”');
    expect(noticeErrorText({ code: 'not_found', at: 0, field: 'attachments[0].blob_id' }, 'zh-CN')).toContain('附件已失效');
    expect(noticeErrorText({ code: 'not_found', at: 0 }, 'en')).not.toContain('attachment');
    expect(noticeErrorText({ code: 'upload_incomplete', at: 0, field: 'attachments[0].thumb_blob_id' }, 'en')).toContain('not finished uploading');
  });
});
