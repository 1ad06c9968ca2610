// The text of a failed notice action: the codes of notices get their own words, the rest
// the app's usual ones.

import { describeError, type UiError } from '../errors';
import { translate, type Locale } from '../i18n';
import { NOTICE_WITHDRAWN, STALE_REVISION } from './types';

export function noticeErrorText(e: UiError, locale: Locale): string {
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
