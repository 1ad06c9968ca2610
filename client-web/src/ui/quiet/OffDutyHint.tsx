// The off-duty hint a sender reads beside the people they are writing to: nothing when
// all are at work; "休息中，08:30 提醒" for one person; "12 人休息中，将在上班时提醒" with a
// list of names and times for several. Text only, Beijing time. Asks POST /reachability,
// cached for about a minute per set of people and shared by every hint on the page.

import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Request } from '../../api';
import { t } from '../../i18n';
import { useLocale } from '../hooks';
import { namesFor, type Names } from '../../quiet/names';
import { reachabilityCache, REACHABILITY_TTL_MS, setKey, summarize } from '../../quiet/reachability';
import type { Reachability } from '../../quiet/types';
import './offduty.css';

let seq = 0;

export function OffDutyHint({ request, userIds, now, names: given }: { request: Request; userIds: readonly number[]; now?: Date; /** Names the caller already knows, by user id. */ names?: ReadonlyMap<number, string> }) {
  const lang = useLocale();
  const key = setKey(userIds);
  const cache = reachabilityCache(request);
  const [entries, setEntries] = useState<Reachability[] | undefined>(() => cache.peek(userIds));
  const [names, setNames] = useState<Names>(given ?? new Map());
  const [open, setOpen] = useState(false);
  const [tick, setTick] = useState(0);
  const [id] = useState(() => `offduty-${++seq}`);

  // Ask for the set, and again once the cached answer is stale (the hint may stay open).
  useEffect(() => {
    if (!key) {
      setEntries(undefined);
      return undefined;
    }
    let live = true;
    setEntries(cache.peek(key.split(',').map(Number)));
    cache.get(key.split(',').map(Number)).then(
      (r) => live && setEntries(r),
      () => live && setEntries(undefined), // no hint rather than a wrong one
    );
    const timer = setTimeout(() => setTick((n) => n + 1), REACHABILITY_TTL_MS + 1000);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [key, cache, tick]);

  const offIds = useMemo(() => (entries ?? []).filter((e) => !e.reachable).map((e) => e.user_id), [entries]);
  // Names are needed only for the people off duty whom the caller did not name.
  const missing = offIds.some((uid) => !given?.has(uid));
  useEffect(() => {
    if (given) setNames(given);
    if (!missing) return undefined;
    let live = true;
    namesFor(request).then(
      (all) => live && setNames(given ? new Map([...all, ...given]) : all),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [missing, request, given]);

  if (!entries) return null;
  const s = summarize(entries, now ?? new Date(), lang, names);
  if (s.kind === 'none') return null;
  if (s.kind === 'one') {
    return (
      <p class="offduty" role="status">
        <span class="offduty-dot" aria-hidden="true" />
        {s.text}
      </p>
    );
  }
  const listId = `${id}-list`;
  return (
    <div class="offduty" role="status">
      <p class="offduty-line">
        <span class="offduty-dot" aria-hidden="true" />
        {s.text}
        {s.people.length > 1 ? (
          <button type="button" class="offduty-toggle" aria-expanded={open} aria-controls={listId} onClick={() => setOpen((o) => !o)}>
            {open ? t('quiet.reach.hide') : t('quiet.reach.show')}
          </button>
        ) : null}
      </p>
      {s.people.length > 1 && open ? (
        <ul id={listId} class="offduty-list" aria-label={t('quiet.reach.list')}>
          {s.people.map((p) => (
            <li key={p.userId}>
              <span class="offduty-name">{p.name}</span>
              <span class="offduty-when">{p.text}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
