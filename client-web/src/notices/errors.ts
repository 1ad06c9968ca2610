// The text of a failed notice action: the codes of notices get their own words, the rest
// the app's usual ones.

import { describeError, type UiError } from '../errors';
import { ATTACHMENT_FAILED, KEY_MISSING } from '../files/noticeDraft';
import { translate, type Locale } from '../i18n';
import { NOTICE_WITHDRAWN, STALE_REVISION } from './types';

export function noticeErrorText(e: UiError, locale: Locale): string {
  if (e.code === ATTACHMENT_FAILED) return translate(locale, 'noticefiles.err_failed');
  // A refusal about an attachment (attachments[i]…) says so, not "通知不存在".
  if (e.field?.startsWith('attachments')) {
    switch (e.code) {
      case KEY_MISSING:
        return translate(locale, 'noticefiles.err_key_missing');
      case 'upload_incomplete':
        return translate(locale, 'noticefiles.err_incomplete');
      case 'blob_not_yours':
        return translate(locale, 'noticefiles.err_not_yours');
      case 'not_found':
        return translate(locale, 'noticefiles.err_gone');
    }
  }
  switch (e.code) {
    case STALE_REVISION:
      return translate(locale, 'notices.error_stale');
    case NOTICE_WITHDRAWN:
      return translate(locale, 'notices.error_withdrawn');
    case 'not_found':
      return translate(locale, 'notices.error_not_found');
    case 'forbidden':
      return translate(locale, 'notices.error_forbidden');
    default:
      return describeError(e, locale);
  }
}
