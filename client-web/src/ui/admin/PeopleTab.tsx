// 人员: the list of accounts with search, filters and paging; a person opens in place.

import { useEffect, useMemo, useState } from 'preact/hooks';
import { PAGE_SIZE, type AdminApi, type UserQuery } from '../../admin/api';
import { buildForest, flatten, indentLabel } from '../../admin/tree';
import { ALL_ROLES, type OrgTree, type User } from '../../admin/types';
import { toUiError, type UiError } from '../../errors';
import { roleKey, t } from '../../i18n';
import { ErrorText } from '../common';
import { NewUserForm } from './NewUserForm';
import { PeopleTable } from './PeopleTable';
import { SelectField } from './shared';
import { UserDetail } from './UserDetail';

type View = { name: 'list' } | { name: 'new' } | { name: 'user'; id: number; otp?: string };

export function PeopleTab({ api, org }: { api: AdminApi; org: OrgTree }) {
  const [view, setView] = useState<View>({ name: 'list' });
  const [query, setQuery] = useState<UserQuery>({ limit: PAGE_SIZE, offset: 0 });

  if (view.name === 'new') {
    return <NewUserForm api={api} onCancel={() => setView({ name: 'list' })} onCreated={(id, otp) => setView({ name: 'user', id, otp })} />;
  }
  if (view.name === 'user') {
    return <UserDetail api={api} org={org} id={view.id} otp={view.otp} onBack={() => setView({ name: 'list' })} />;
  }
  return <PeopleList api={api} org={org} query={query} onQuery={setQuery} onOpen={(id) => setView({ name: 'user', id })} onNew={() => setView({ name: 'new' })} />;
}

function PeopleList(p: {
  api: AdminApi;
  org: OrgTree;
  query: UserQuery;
  onQuery: (q: UserQuery) => void;
  onOpen: (id: number) => void;
  onNew: () => void;
}) {
  const { query } = p;
  const [users, setUsers] = useState<User[]>();
  const [error, setError] = useState<UiError>();
  const [busy, setBusy] = useState(false);
  // The filter fields as typed; applied on submit (and at once for the selects).
  const [q, setQ] = useState(query.q ?? '');

  useEffect(() => {
    let live = true;
    setBusy(true);
    setError(undefined);
    p.api.listUsers(query).then(
      (us) => {
        if (!live) return;
        setUsers(us);
        setBusy(false);
      },
      (e: unknown) => {
        if (!live) return;
        setError(toUiError(e, Date.now()));
        setBusy(false);
      },
    );
    return () => {
      live = false;
    };
  }, [p.api, query]);

  const deptOptions = useMemo(
    () => [
      { value: '', label: t('admin.people.any_department') },
      ...flatten(buildForest(p.org.departments)).map((n) => ({ value: String(n.item.id), label: indentLabel(n.item.name, n.depth) })),
    ],
    [p.org],
  );
  const roleOptions = [{ value: '', label: t('admin.people.any_role') }, ...ALL_ROLES.map((r) => ({ value: r, label: t(roleKey(r)) }))];
  const apply = (over: Partial<UserQuery>) => p.onQuery({ ...query, q, ...over, offset: 0 });

  const from = query.offset + 1;
  const count = users?.length ?? 0;
  return (
    <div class="adm-stack">
      <form
        class="adm-filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          apply({});
        }}
      >
        <div class="field adm-filter-q">
          <label htmlFor="adm-q">{t('admin.people.search')}</label>
          <input id="adm-q" name="q" type="search" class="input" value={q} maxLength={64} onInput={(e) => setQ((e.currentTarget as HTMLInputElement).value)} />
        </div>
        <SelectField id="adm-role" label={t('admin.people.role')} value={query.role ?? ''} options={roleOptions} onChange={(v) => apply({ role: v || undefined })} />
        <SelectField
          id="adm-dept"
          label={t('admin.people.department')}
          value={query.department ? String(query.department) : ''}
          options={deptOptions}
          onChange={(v) => apply({ department: v ? Number(v) : undefined })}
        />
        <label class="adm-check">
          <input type="checkbox" checked={!!query.sub} disabled={!query.department} onChange={(e) => apply({ sub: (e.currentTarget as HTMLInputElement).checked })} />
          {t('admin.people.sub')}
        </label>
        <div class="adm-filter-actions">
          <button type="submit" class="btn btn-secondary">
            {t('admin.people.apply')}
          </button>
          <button type="button" class="btn btn-primary" onClick={p.onNew}>
            {t('admin.people.new')}
          </button>
        </div>
      </form>
      <p class="muted adm-small">{t('admin.people.watcher_note')}</p>
      <ErrorText id="adm-people-error" error={error} />
      {users === undefined ? (
        busy ? <p class="muted">{t('admin.loading')}</p> : null
      ) : count === 0 ? (
        <p class="adm-empty">{t('admin.people.empty')}</p>
      ) : (
        <PeopleTable users={users} org={p.org} busy={busy} onOpen={p.onOpen} />
      )}
      {users && (query.offset > 0 || count >= query.limit) ? (
        <nav class="adm-pager" aria-label={t('admin.people.list')}>
          <button
            type="button"
            class="btn btn-secondary"
            disabled={busy || query.offset === 0}
            onClick={() => p.onQuery({ ...query, offset: Math.max(0, query.offset - query.limit) })}
          >
            {t('admin.people.page_prev')}
          </button>
          <span class="muted">{count ? t('admin.people.page_info', { from, to: query.offset + count }) : ''}</span>
          <button
            type="button"
            class="btn btn-secondary"
            disabled={busy || count < query.limit}
            onClick={() => p.onQuery({ ...query, offset: query.offset + query.limit })}
          >
            {t('admin.people.page_next')}
          </button>
        </nav>
      ) : null}
    </div>
  );
}
