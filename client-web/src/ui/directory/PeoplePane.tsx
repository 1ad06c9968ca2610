import { useEffect, useRef, useState } from 'preact/hooks';
import type { Request } from '../../api';
import { loadEveryone, loadPeople, loadPresence } from '../../directory/load';
import { arrangePeople, scopePath, type OrgIndex, type View } from '../../directory/org';
import { inPartyOrgs, mergePeople } from '../../directory/people';
import { subtreeIds } from '../../directory/tree';
import type { Person } from '../../directory/types';
import { toUiError, type UiError } from '../../errors';
import { t } from '../../i18n';
import { ErrorText } from '../common';
import { PeopleList, type ListGroup } from './PeopleList';

const PRESENCE_EVERY_MS = 60_000;

interface ListState {
  people: Person[];
  nextOffset: number;
  done: boolean;
  loading: boolean;
  error?: UiError;
}

const START: ListState = { people: [], nextOffset: 0, done: false, loading: true };

interface Props {
  request: Request;
  org: OrgIndex;
  view: View;
  onSub: (sub: boolean) => void;
  meId: number;
  selectedId: number | undefined;
  onPick: (p: Person) => void;
  presence: ReadonlyMap<number, boolean>;
  onPresence: (m: Map<number, boolean>) => void;
}

/** The people of the chosen department or party organisation, or of a search. */
export function PeoplePane({ request, org, view, onSub, meId, selectedId, onPick, presence, onPresence }: Props) {
  const [list, setList] = useState<ListState>(START);
  const seq = useRef(0);
  const { q, scope, sub } = view;
  // The server cannot filter by party organisation: for one, the whole organisation is
  // loaded once and filtered here, so moving between party organisations asks nothing.
  const partyMode = !q && scope.kind === 'party';

  const load = async (reset: boolean) => {
    const mine = ++seq.current;
    const from = reset ? 0 : list.nextOffset;
    setList((s) => ({ ...(reset ? START : s), loading: true, error: undefined }));
    try {
      const batch = partyMode
        ? { people: await loadEveryone(request), nextOffset: 0, done: true }
        : await loadPeople(request, q ? { q } : scope.kind === 'dept' ? { department: scope.id, sub } : {}, from);
      if (mine !== seq.current) return;
      setList((s) => ({ ...batch, people: reset ? batch.people : mergePeople(s.people, batch.people), loading: false }));
    } catch (e) {
      if (mine !== seq.current) return;
      setList((s) => ({ ...s, loading: false, error: toUiError(e, Date.now()) }));
    }
  };

  const key = q ? `q:${q}` : partyMode ? 'party' : scope.kind === 'dept' ? `dept:${scope.id}:${sub}` : 'all';
  useEffect(() => {
    void load(true);
  }, [key, request]);

  const shown = !q && scope.kind === 'party' ? inPartyOrgs(list.people, sub ? subtreeIds(org.partyTree, scope.id) : [scope.id]) : list.people;
  const ids = shown.map((p) => p.id);
  const idsKey = ids.join(',');
  useEffect(() => {
    if (!ids.length) return;
    let live = true;
    const ask = () =>
      loadPresence(request, ids).then(
        (m) => live && onPresence(m),
        () => undefined, // presence is a nicety: without it the dots stay empty
      );
    void ask();
    const timer = setInterval(ask, PRESENCE_EVERY_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [idsKey, request]);

  const arranged = arrangePeople(view, shown, org);
  const groups: ListGroup[] = arranged.groups.map((g) => ({
    key: String(g.id),
    heading: headingOf(arranged.headings, g.id, org),
    people: g.people,
  }));
  const n = shown.length;
  // The "with those below" switch matters only for a node that has something below it.
  const tree = scope.kind === 'party' ? org.partyTree : org.deptTree;
  const hasBelow = !q && scope.kind !== 'all' && (tree.byId.get(scope.id)?.children.length ?? 0) > 0;
  const title = q ? t('dir.results', { q }) : (scopePath(scope, org) ?? t('dir.all'));

  return (
    <div class="dir-pane" aria-busy={list.loading ? 'true' : undefined}>
      <div class="dir-pane-head">
        <h2 id="dir-list-title" class="dir-list-title">
          {title}
        </h2>
        <p class="dir-count muted" role="status">
          {list.loading ? t('dir.loading') : list.error ? '' : list.done ? t('dir.count', { n }) : t('dir.count_partial', { n })}
        </p>
      </div>
      {hasBelow ? (
        <label class="dir-sub">
          <input type="checkbox" checked={sub} onChange={(e) => onSub((e.currentTarget as HTMLInputElement).checked)} />
          {scope.kind === 'party' ? t('dir.sub_party') : t('dir.sub_dept')}
        </label>
      ) : null}
      <ErrorText id="dir-list-error" error={list.error} />
      {list.error ? (
        <button type="button" class="btn btn-secondary" onClick={() => void load(list.people.length === 0)}>
          {t('app.retry')}
        </button>
      ) : null}
      {!list.loading && !list.error && n === 0 ? <p class="dir-empty muted">{q ? t('dir.no_results') : t('dir.empty')}</p> : null}
      <PeopleList groups={groups} depts={org.depts} presence={presence} meId={meId} selectedId={selectedId} onPick={onPick} />
      {!list.done && !list.loading && !list.error && n > 0 ? (
        <button type="button" class="btn btn-secondary dir-more" onClick={() => void load(false)}>
          {t('dir.load_more')}
        </button>
      ) : null}
    </div>
  );
}

function headingOf(kind: 'dept' | 'party' | 'none', id: number, org: OrgIndex): string | undefined {
  if (kind === 'none') return undefined;
  if (id === 0) return t('dir.no_department');
  return kind === 'dept' ? (org.depts.get(id)?.path ?? t('dir.no_department')) : org.partyOrgs.get(id)?.path;
}
