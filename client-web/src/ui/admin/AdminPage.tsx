// 系统管理: the system administrator's pages — people, departments, party organisations
// and the CSV import. The lead's shell renders this inside its <main>.

import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Request } from '../../api';
import { createAdminApi } from '../../admin/api';
import { createImporter, type Importer } from '../../admin/importApi';
import type { OrgTree } from '../../admin/types';
import { toUiError, type UiError } from '../../errors';
import { t, type MessageKey } from '../../i18n';
import { ErrorText } from '../common';
import { TabBar } from '../TabBar';
import { ImportTab } from './ImportTab';
import { OrgTreeTab } from './OrgTreeTab';
import { ADMIN_TABS, type AdminTab } from '../../router';
import { PeopleTab } from './PeopleTab';
import { QuietTab } from './quiet/QuietTab';
import './admin.css';

export type { AdminTab };

const TABS = ADMIN_TABS;
const TAB_KEYS: Record<AdminTab, MessageKey> = {
  people: 'admin.tab.people',
  departments: 'admin.tab.departments',
  party: 'admin.tab.party',
  import: 'admin.tab.import',
  worktime: 'admin.tab_quiet',
};

export function AdminPage(props: { request: Request; tab: AdminTab; onTab: (tab: AdminTab) => void; importer?: Importer }) {
  const api = useMemo(() => createAdminApi(props.request), [props.request]);
  const importer = useMemo(() => props.importer ?? createImporter(props.request), [props.importer, props.request]);
  const org = useOrgTree(api.orgTree);

  return (
    <section class="adm" aria-labelledby="adm-title">
      <h1 id="adm-title" class="page-title">
        {t('admin.title')}
      </h1>
      <TabBar tabs={TABS} tab={props.tab} onTab={props.onTab} prefix="adm" label={t('admin.tabs')} title={(x) => t(TAB_KEYS[x])} />
      <div class="adm-panel" role="tabpanel" id={`adm-panel-${props.tab}`} aria-labelledby={`adm-tab-${props.tab}`}>
        {props.tab === 'import' ? (
          <ImportTab importer={importer} onImported={org.reload} />
        ) : props.tab === 'worktime' ? (
          <QuietTab request={props.request} />
        ) : !org.tree ? (
          <OrgLoading error={org.error} onRetry={org.reload} />
        ) : props.tab === 'people' ? (
          <PeopleTab api={api} org={org.tree} />
        ) : (
          <OrgTreeTab key={props.tab} which={props.tab as 'departments' | 'party'} api={api} org={org.tree} onChanged={org.reload} />
        )}
      </div>
    </section>
  );
}

function OrgLoading({ error, onRetry }: { error?: UiError; onRetry: () => void }) {
  if (!error) return <p class="muted">{t('admin.loading')}</p>;
  return (
    <div class="adm-stack">
      <ErrorText id="adm-org-error" error={error} />
      <div>
        <button type="button" class="btn btn-secondary" onClick={onRetry}>
          {t('admin.retry')}
        </button>
      </div>
    </div>
  );
}

/** Both org trees, loaded once for every tab and reloaded after a change. The previous
 * tree stays on screen while a reload runs. */
function useOrgTree(load: () => Promise<OrgTree>) {
  const [tree, setTree] = useState<OrgTree>();
  const [error, setError] = useState<UiError>();
  const seq = useRef(0);
  const reload = useCallback(() => {
    const n = ++seq.current;
    setError(undefined);
    load().then(
      (t) => n === seq.current && setTree(t),
      (e: unknown) => n === seq.current && setError(toUiError(e, Date.now())),
    );
  }, [load]);
  useEffect(reload, [reload]);
  return { tree, error, reload };
}
