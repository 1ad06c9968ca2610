// The author's view of what the server did to alert each recipient (the tally's `push`,
// PROTOCOL.md §4.10): a summary line above the people, and one line per person. The
// dispatcher decides a moment after publication, so while some are undecided the tally
// is asked again a few times.

import { useEffect, useRef } from 'preact/hooks';
import { locale, t } from '../../i18n';
import type { NoticeTally, TallyPerson } from '../../notices/types';
import { pushSummary, pushText } from '../../urgent/words';
import './urgent.css';

const RECHECK_MS = [1500, 4000, 10_000];

/** The counts by push outcome, and the re-asking while some are undecided. */
export function PushSummary({ tally, refresh }: { tally: NoticeTally; refresh: () => void }) {
  const tries = useRef(0);
  const undecided = !tally.push_counts || tally.push_counts.undecided > 0;
  useEffect(() => {
    if (!undecided || tries.current >= RECHECK_MS.length) return undefined;
    const h = setTimeout(() => {
      tries.current++;
      refresh();
    }, RECHECK_MS[tries.current]);
    return () => clearTimeout(h);
  }, [tally, undecided]);
  const rows = pushSummary(tally.push_counts, locale.get());
  if (!rows.length) return null;
  return (
    <ul class="urgent-push-summary" aria-label={t('urgent.push.summary_label')}>
      {rows.map((r) => (
        <li key={r.outcome} class={`urgent-push-${r.outcome}`}>
          {r.text}
        </li>
      ))}
    </ul>
  );
}

/** One person's push status, in the words of what the server did. */
export function PersonPush({ p }: { p: TallyPerson }) {
  const o = p.push ?? 'undecided';
  return <span class={`urgent-push urgent-push-${o}`}>{pushText(p.push, locale.get())}</span>;
}
