// "3/5 已确认" on a notice the reader wrote, from the count the server adds to lists.

import { locale } from '../../i18n';
import type { Notice } from '../../notices/types';
import { confirmedOf } from '../../urgent/words';
import './urgent.css';

export function ConfirmedOf({ n }: { n: Pick<Notice, 'confirmed' | 'recipients' | 'needs_confirm'> }) {
  const text = confirmedOf(n, locale.get());
  return text ? <span class="urgent-confirmed-of">{text}</span> : null;
}
