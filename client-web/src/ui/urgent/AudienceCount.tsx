// The publish dialog's people count ("共 37 人", not the number of targets ticked) and
// what quiet hours will do to the notice, both from the server (POST /notices/audience):
// an urgent notice that will break through says so, one held by the used-up weekly cap
// says that.

import { useEffect, useState } from 'preact/hooks';
import type { Request } from '../../api';
import { locale, t } from '../../i18n';
import type { Audience } from '../../notices/types';
import { fetchSummary, SUMMARY_DELAY_MS, summaryKey } from '../../urgent/audience';
import type { NoticeAudienceSummary } from '../../urgent/types';
import { offDutyHint, peopleText } from '../../urgent/words';
import './urgent.css';

type Answer = { key: string; summary?: NoticeAudienceSummary; failed?: boolean };

export function AudienceCount({ id, request, audience, urgent }: { id: string; request: Request; audience: Audience; urgent: boolean }) {
  const key = summaryKey(audience, urgent);
  const [answer, setAnswer] = useState<Answer>({ key: '' });
  useEffect(() => {
    if (!key) return undefined;
    let live = true;
    const h = setTimeout(() => {
      fetchSummary(request, audience, urgent).then(
        (summary) => live && setAnswer({ key, summary }),
        () => live && setAnswer({ key, failed: true }),
      );
    }, SUMMARY_DELAY_MS);
    return () => {
      live = false;
      clearTimeout(h);
    };
  }, [key]);

  const l = locale.get();
  const current = answer.key === key ? answer : undefined;
  const hint = current?.summary ? offDutyHint(current.summary, l) : '';
  return (
    <div id={id} class="urgent-count" aria-live="polite">
      <p class="urgent-people ntc-count">
        {!key ? t('urgent.people_none') : current?.summary ? peopleText(current.summary, l) : current?.failed ? t('urgent.people_failed') : t('urgent.people_counting')}
      </p>
      {hint ? <p class={`urgent-offhint urgent-offhint-${current!.summary!.breakthrough}`}>{hint}</p> : null}
    </div>
  );
}
