// 工作时间: the organisation's working time — the weekly schedule, the official holiday
// calendar of this year and the next, and the duty roster. The three sections load and
// save on their own; the schedule and the calendars come from GET /work-schedule.

import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import type { Request } from '../../../api';
import { toUiError, type UiError } from '../../../errors';
import { t } from '../../../i18n';
import { ErrorText } from '../../common';
import { createQuietAdminApi } from '../../../quiet/api';
import { beijingDate } from '../../../quiet/beijing';
import { shownYears } from '../../../quiet/calendar';
import type { WeekSchedule } from '../../../quiet/types';
import { CalendarSection, type YearState } from './CalendarSection';
import { DutySection } from './DutySection';
import { ScheduleSection } from './ScheduleSection';
import './quiet.css';

/** The organisation's working time: weekly schedule, holiday calendar, duty roster. */
export function QuietTab({ request }: { request: Request }) {
  const api = useMemo(() => createQuietAdminApi(request), [request]);
  const years = useMemo(() => shownYears(beijingDate(Date.now())), []);
  const [schedule, setSchedule] = useState<{ week: WeekSchedule; zone: string }>();
  const [scheduleError, setScheduleError] = useState<UiError>();
  const [cal, setCal] = useState<YearState[]>(() => years.map((year) => ({ year, loading: true })));

  const loadYear = useCallback(
    (year: number, withSchedule: boolean) => {
      setCal((cs) => cs.map((c) => (c.year === year ? { ...c, loading: true, error: undefined } : c)));
      if (withSchedule) setScheduleError(undefined);
      api.workSchedule(year).then(
        (w) => {
          setCal((cs) => cs.map((c) => (c.year === year ? { year, calendar: w.calendar, origin: w.origin, loading: false } : c)));
          if (withSchedule) setSchedule({ week: w.schedule, zone: w.timeZone });
        },
        (e: unknown) => {
          const error = toUiError(e, Date.now());
          setCal((cs) => cs.map((c) => (c.year === year ? { ...c, loading: false, error } : c)));
          if (withSchedule) setScheduleError(error);
        },
      );
    },
    [api],
  );

  useEffect(() => {
    years.forEach((y, i) => loadYear(y, i === 0));
  }, [years, loadYear]);

  return (
    <div class="adm-stack wt">
      <p>{t('quiet.intro')}</p>
      {schedule ? (
        <ScheduleSection api={api} saved={schedule.week} timeZone={schedule.zone} onSaved={(week) => setSchedule((s) => ({ zone: s?.zone ?? 'Asia/Shanghai', week }))} />
      ) : scheduleError ? (
        <section class="quiet-section adm-stack" aria-labelledby="quiet-schedule-title">
          <h2 id="quiet-schedule-title" class="adm-h2">
            {t('quiet.schedule.title')}
          </h2>
          <ErrorText id="quiet-schedule-load-error" error={scheduleError} />
          <div>
            <button type="button" class="btn btn-secondary" onClick={() => loadYear(years[0], true)}>
              {t('quiet.retry')}
            </button>
          </div>
        </section>
      ) : (
        <p class="muted">{t('quiet.loading')}</p>
      )}
      <CalendarSection api={api} years={cal} onRetry={(y) => loadYear(y, y === years[0] && !schedule)} onUploaded={(y) => years.includes(y) && loadYear(y, false)} />
      <DutySection api={api} request={request} />
    </div>
  );
}
