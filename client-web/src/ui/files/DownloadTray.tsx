import type { Downloads, DownloadJob } from '../../files/download';
import { middleEllipsis } from '../../files/display';
import { openErrorText } from '../../files/open';
import { locale, t } from '../../i18n';
import { useLocale, useStore } from '../hooks';

function statusText(j: DownloadJob): string {
  const l = locale.get();
  switch (j.state) {
    case 'preparing':
      return t('filesview.dl_preparing');
    case 'running':
      return t('filesview.dl_running', { pct: j.total > 0 ? Math.min(100, Math.floor((j.received / j.total) * 100)) : 0 });
    case 'done':
      return t('filesview.dl_done');
    case 'cancelled':
      return t('filesview.dl_cancelled');
    case 'failed':
      return j.error?.code === 'damaged' ? t('filesview.dl_damaged') : t('filesview.dl_failed', { reason: j.error ? openErrorText(j.error, l) : '' });
  }
}

/** The downloads of the session, bottom right (at phone width, along the bottom): each with
 * its progress and 取消 while it runs, then what became of it until dismissed. */
export function DownloadTray({ downloads }: { downloads: Downloads }) {
  useLocale();
  const jobs = useStore(downloads);
  return (
    <section class="fv-tray" aria-label={t('filesview.dl_tray')} hidden={jobs.length === 0}>
      <ul class="fv-tray-list">
        {jobs.map((j) => {
          const active = j.state === 'preparing' || j.state === 'running';
          const pct = j.total > 0 ? Math.min(100, Math.floor((j.received / j.total) * 100)) : 0;
          return (
            <li key={j.id} class={`fv-job fv-job-${j.state}`}>
              <div class="fv-job-text">
                <span class="fv-job-name" title={j.name} dir="auto">
                  {middleEllipsis(j.name || '…', 30)}
                </span>
                <span class="fv-job-status" role={j.state === 'failed' ? 'alert' : 'status'}>
                  {statusText(j)}
                </span>
                {active ? <progress class="fv-job-bar" max={100} value={j.state === 'running' ? pct : undefined} aria-label={statusText(j)} /> : null}
              </div>
              {active ? (
                <button type="button" class="btn btn-quiet btn-small" aria-label={t('filesview.dl_cancel_name', { name: j.name })} onClick={() => downloads.cancel(j.id)}>
                  {t('filesview.dl_cancel')}
                </button>
              ) : (
                <button type="button" class="btn btn-quiet btn-small" onClick={() => downloads.dismiss(j.id)}>
                  {t('filesview.dl_dismiss')}
                </button>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
