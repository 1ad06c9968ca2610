import { useEffect, useRef, useState } from 'preact/hooks';
import type { Request } from '../../api';
import { loadOrg } from '../../directory/load';
import { EMPTY_ORG, indexOrg, type OrgIndex } from '../../directory/org';
import type { Scope } from '../../directory/people';
import type { Person } from '../../directory/types';
import { toUiError, type UiError } from '../../errors';
import { t } from '../../i18n';
import { ErrorText, Field } from '../common';
import { useLocale, usePeopleSearch } from '../hooks';
import { OrgTreeView } from './OrgTreeView';
import { PeoplePane } from './PeoplePane';
import { PersonCard } from './PersonCard';
import './directory.css';

const SEARCH_DELAY_MS = 300;
/** Below these widths (keep in step with directory.css) the card replaces the list,
 * and on phones the trees fold away above the list. */
const STACKED = '(max-width: 1099.98px)';
const PHONE = '(max-width: 720px)';

function matches(query: string): boolean {
  return typeof matchMedia === 'function' && matchMedia(query).matches;
}

/** 通讯录: the department and party trees, the people in them, a search across the
 * organisation, and a person's card with a button to write to them. */
export function DirectoryPage({ request, meId, onMessage }: { request: Request; meId: number; onMessage: (userId: number) => void }) {
  useLocale();
  const [org, setOrg] = useState<OrgIndex>();
  const [orgError, setOrgError] = useState<UiError>();
  const [scope, setScope] = useState<Scope>({ kind: 'all' });
  const [sub, setSub] = useState(true);
  // No find function: the people pane pages through the settled query itself.
  const search = usePeopleSearch<Person>(undefined, SEARCH_DELAY_MS);
  const { text, query: q } = search;
  const [selected, setSelected] = useState<Person>();
  const [presence, setPresence] = useState<ReadonlyMap<number, boolean>>(new Map());
  const [navOpen, setNavOpen] = useState(false);
  const cardHeading = useRef<HTMLHeadingElement>(null);
  const sectionRef = useRef<HTMLElement>(null);
  const navToggle = useRef<HTMLButtonElement>(null);
  const focusAfter = useRef<'card' | 'toggle' | 'search' | { person: number }>();

  const fetchOrg = () => {
    setOrgError(undefined);
    loadOrg(request).then(
      (o) => setOrg(indexOrg(o)),
      (e) => setOrgError(toUiError(e, Date.now())),
    );
  };
  useEffect(fetchOrg, [request]);

  // Focus moves after the render that makes its target exist.
  useEffect(() => {
    const f = focusAfter.current;
    if (!f) return;
    focusAfter.current = undefined;
    if (f === 'card') cardHeading.current?.focus();
    else if (f === 'toggle') navToggle.current?.focus();
    else if (f === 'search') sectionRef.current?.querySelector<HTMLElement>('#dir-search')?.focus();
    else sectionRef.current?.querySelector<HTMLElement>(`[data-person="${f.person}"]`)?.focus();
  });

  const pickScope = (s: Scope) => {
    setScope(s);
    search.clear();
    if (matches(PHONE) && navOpen) {
      setNavOpen(false);
      focusAfter.current = 'toggle';
    }
  };

  const clearSearch = () => {
    search.clear();
    focusAfter.current = 'search';
  };

  const pickPerson = (p: Person) => {
    setSelected(p);
    if (matches(STACKED)) focusAfter.current = 'card';
  };

  const closeCard = () => {
    if (selected) focusAfter.current = { person: selected.id };
    setSelected(undefined);
  };

  const mergePresence = (m: Map<number, boolean>) =>
    setPresence((prev) => {
      const next = new Map(prev);
      m.forEach((on, id) => next.set(id, on));
      return next;
    });

  const index = org ?? EMPTY_ORG;
  return (
    <section class="dir-page" aria-labelledby="dir-title" ref={sectionRef}>
      <h1 id="dir-title" class="page-title">
        {t('dir.title')}
      </h1>
      <div class="dir-search">
        <div class="dir-search-row">
          <Field id="dir-search" label={t('dir.search')} value={text} onInput={search.setText} describedBy="dir-search-hint" maxLength={64} autocomplete="off" />
          {text ? (
            <button type="button" class="btn btn-secondary dir-search-clear" onClick={clearSearch}>
              {t('dir.search_clear')}
            </button>
          ) : null}
        </div>
        <p id="dir-search-hint" class="field-hint">
          {t('dir.search_hint')}
        </p>
      </div>
      <div class={selected ? 'dir-layout has-card' : 'dir-layout'}>
        <div class={navOpen ? 'dir-nav is-open' : 'dir-nav'}>
          <h2 id="dir-nav-title" class="visually-hidden">
            {t('dir.nav')}
          </h2>
          <button
            type="button"
            ref={navToggle}
            class="btn btn-secondary dir-nav-toggle"
            aria-expanded={navOpen}
            aria-controls="dir-trees"
            onClick={() => setNavOpen(!navOpen)}
          >
            {navOpen ? t('dir.nav_hide') : t('dir.nav_show')}
          </button>
          <div id="dir-trees" class="dir-trees">
            <ErrorText id="dir-org-error" error={orgError} />
            {orgError ? (
              <button type="button" class="btn btn-secondary" onClick={fetchOrg}>
                {t('app.retry')}
              </button>
            ) : null}
            <button type="button" class="dir-all" aria-current={scope.kind === 'all' && !q ? 'true' : undefined} onClick={() => pickScope({ kind: 'all' })}>
              {t('dir.all')}
            </button>
            {org ? (
              <Trees org={org} scope={q ? undefined : scope} onPick={pickScope} />
            ) : orgError ? null : (
              <p class="muted">{t('dir.loading')}</p>
            )}
          </div>
        </div>
        <div class="dir-list">
          <PeoplePane
            request={request}
            org={index}
            view={{ q, scope, sub }}
            onSub={setSub}
            meId={meId}
            selectedId={selected?.id}
            onPick={pickPerson}
            presence={presence}
            onPresence={mergePresence}
          />
        </div>
        <div class="dir-detail">
          {selected ? (
            <PersonCard
              person={selected}
              depts={index.depts}
              partyOrgs={index.partyOrgs}
              online={presence.get(selected.id)}
              isMe={selected.id === meId}
              headingRef={cardHeading}
              onBack={closeCard}
              onMessage={onMessage}
            />
          ) : (
            <p class="dir-pick muted">{t('dir.pick')}</p>
          )}
        </div>
      </div>
    </section>
  );
}

function Trees({ org, scope, onPick }: { org: OrgIndex; scope: Scope | undefined; onPick: (s: Scope) => void }) {
  return (
    <>
      <h3 id="dir-dept-title" class="dir-tree-title">
        {t('dir.departments')}
      </h3>
      {org.deptTree.roots.length ? (
        <OrgTreeView
          idPrefix="dir-dept"
          labelledBy="dir-dept-title"
          tree={org.deptTree}
          selectedId={scope?.kind === 'dept' ? scope.id : undefined}
          onSelect={(id) => onPick({ kind: 'dept', id })}
        />
      ) : (
        <p class="muted">{t('dir.no_departments')}</p>
      )}
      <h3 id="dir-party-title" class="dir-tree-title">
        {t('dir.party_orgs')}
      </h3>
      {org.partyTree.roots.length ? (
        <OrgTreeView
          idPrefix="dir-party"
          labelledBy="dir-party-title"
          tree={org.partyTree}
          selectedId={scope?.kind === 'party' ? scope.id : undefined}
          onSelect={(id) => onPick({ kind: 'party', id })}
          expandRoots
        />
      ) : (
        <p class="muted">{t('dir.no_party_orgs')}</p>
      )}
    </>
  );
}
