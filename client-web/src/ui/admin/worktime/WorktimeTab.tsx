import type { Request } from '../../../api';
import { t } from '../../../i18n';

/** The organisation's working time: weekly schedule, holiday calendar, duty roster. */
export function WorktimeTab(_p: { request: Request }) {
  return <h2 class="page-title">{t('admin.tab_worktime')}</h2>;
}
