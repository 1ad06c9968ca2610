// 审计台 (/audit/…): the console of the security officer and the auditor, as tabs —
// 审计记录 (the trail with its filters), 调查 (file trace, a person's activity, a notice's
// readers), 告警 and 导出. Above the tabs: how far back the trail goes and its latest signed
// checkpoint (GET /audit/status). Each role sees what it may do: only the officer
// acknowledges alerts and opens escrowed files; everything else is read-only for both.

import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Request } from '../../api';
import { mayAudit } from '../../audit/roles';
import type { AlertBadge } from '../../audit/alerts';
import { auditStatus, trailPage } from '../../audit/api';
import { createPager } from '../../audit/pager';
import { EMPTY_FILTER, filterParams, type TrailFilter } from '../../audit/query';
import type { AuditEvent, AuditStatus } from '../../audit/types';
import { loadEveryone, loadOrg } from '../../directory/load';
import type { Department } from '../../directory/types';
import { formatDateTime } from '../../format';
import { t, type MessageKey } from '../../i18n';
import { AUDIT_TABS, type AuditTab, type Investigation, type Route } from '../../router';
import { useLocale, useStore } from '../hooks';
import { Modal } from '../groups/Modal';
import { usePhone } from '../phone/usePhone';
import { TabBar } from '../TabBar';
import { AlertsTab } from './AlertsTab';
import { EventList } from './EventList';
import { ExportTab } from './ExportTab';
import { FilterForm } from './FilterForm';
import { InvestigateTab } from './InvestigateTab';
import '../security/escrow.css';
import './audit.css';

const TAB_KEYS: Record<AuditTab, MessageKey> = {
  trail: 'audit.tab_trail',
  investigate: 'audit.tab_investigate',
  alerts: 'audit.tab_alerts',
  export: 'audit.tab_export',
};


interface Props {
  request: Request;
  role: string;
  tab: AuditTab;
  inv?: Investigation;
  navigate: (r: Route) => void;
  badge: AlertBadge;
}

export function AuditPage(p: Props) {
  useLocale();
  if (!mayAudit(p.role)) {
    // Reached by typing the address: the server refuses every read anyway.
    return (
      <section class="panel aud-page" aria-labelledby="aud-title">
        <h1 id="aud-title" class="page-title">
          {t('audit.title')}
        </h1>
        <p data-testid="audit-refused">{t('audit.not_allowed')}</p>
      </section>
    );
  }
  return <Console {...p} />;
}

function Console(p: Props) {
  const phone = usePhone();
  const [status, setStatus] = useState<AuditStatus | undefined | null>(undefined);
  const [departments, setDepartments] = useState<Department[]>([]);
  const [names, setNames] = useState<Map<number, string>>(new Map());
  const nameOf = useMemo(() => (id: number) => names.get(id), [names]);
  // The trail's filter and pages live as long as the console is shown, so a visit to
  // 调查 or 导出 (which exports this filter) comes back to the same list.
  const [filter, setFilter] = useState<TrailFilter>(EMPTY_FILTER);
  const pager = useMemo(() => createPager<AuditEvent>(), []);
  const deptPath = useMemo(() => {
    const m = new Map(departments.map((d) => [d.id, d.path || d.name]));
    return (id: number) => m.get(id);
  }, [departments]);

  useEffect(() => {
    auditStatus(p.request).then(setStatus, () => setStatus(null));
    loadOrg(p.request).then(
      (o) => setDepartments([...o.departments].sort((a, b) => (a.path || a.name).localeCompare(b.path || b.name, 'zh-CN'))),
      () => undefined,
    );
    // Display names for the trail, which records usernames (a few hundred people).
    loadEveryone(p.request).then(
      (all) => setNames(new Map(all.map((x) => [x.id, x.display_name || x.username]))),
      () => undefined,
    );
  }, [p.request]);
  useEffect(() => {
    void pager.reset((before) => trailPage(p.request, filter, { beforeId: before }));
  }, [pager, filter, p.request]);

  const onPerson = (id: number) => p.navigate({ section: 'audit', tab: 'investigate', inv: { kind: 'person', personId: id } });
  const badge = useStore(p.badge);

  return (
    <section class="panel aud-page" aria-labelledby="aud-title">
      <h1 id="aud-title" class="page-title">
        {t('audit.title')}
      </h1>
      <StatusLine status={status} />
      <TabBar
        tabs={AUDIT_TABS}
        tab={p.tab}
        onTab={(tab) => p.navigate({ section: 'audit', tab })}
        prefix="aud"
        label={t('audit.tabs')}
        title={(x) => (x === 'alerts' && badge.open > 0 ? `${t(TAB_KEYS[x])} (${badge.open > 99 ? '99+' : badge.open})` : t(TAB_KEYS[x]))}
      />
      <div class="aud-panel" role="tabpanel" id={`aud-panel-${p.tab}`} aria-labelledby={`aud-tab-${p.tab}`}>
        {p.tab === 'trail' ? (
          <TrailTab request={p.request} filter={filter} setFilter={setFilter} departments={departments} phone={phone} pager={pager} deptPath={deptPath} onPerson={onPerson} nameOf={nameOf} />
        ) : p.tab === 'investigate' ? (
          <InvestigateTab request={p.request} role={p.role} inv={p.inv} navigate={p.navigate} phone={phone} deptPath={deptPath} nameOf={nameOf} />
        ) : p.tab === 'alerts' ? (
          <AlertsTab request={p.request} canAck={p.role === 'security'} badge={p.badge} onPerson={onPerson} />
        ) : (
          <ExportTab request={p.request} filter={filter} status={status ?? undefined} />
        )}
      </div>
    </section>
  );
}

function StatusLine({ status }: { status: AuditStatus | undefined | null }) {
  const l = useLocale();
  if (status === undefined)
    return (
      <p class="muted aud-status" role="status">
        {t('audit.loading')}
      </p>
    );
  if (status === null) return <p class="muted aud-status">{t('audit.status_failed')}</p>;
  const cp = status.checkpoint;
  return (
    <p class="aud-status" data-testid="audit-status">
      <span>{status.oldest_at ? t('audit.status_since', { time: formatDateTime(status.oldest_at, l) }) : t('audit.status_empty')}</span>
      <span>{t('audit.status_count', { n: status.events.toLocaleString(l) })}</span>
      {status.retention_days ? <span>{t('audit.status_retention', { days: status.retention_days })}</span> : null}
      <span>{cp ? t('audit.status_checkpoint', { size: cp.size.toLocaleString(l), time: formatDateTime(cp.at, l) }) : t('audit.status_no_checkpoint')}</span>
    </p>
  );
}

function TrailTab(p: {
  request: Request;
  filter: TrailFilter;
  setFilter: (f: TrailFilter) => void;
  departments: Department[];
  phone: boolean;
  pager: ReturnType<typeof createPager<AuditEvent>>;
  deptPath: (id: number) => string | undefined;
  onPerson: (id: number) => void;
  nameOf: (id: number) => string | undefined;
}) {
  const [sheet, setSheet] = useState(false);
  const n = [...filterParams(p.filter).keys()].filter((k) => k !== 'target_id').length;
  const form = (idPrefix: string) => (
    <FilterForm
      key={JSON.stringify(p.filter)}
      request={p.request}
      filter={p.filter}
      departments={p.departments}
      idPrefix={idPrefix}
      onApply={(f) => {
        setSheet(false);
        p.setFilter(f);
      }}
    />
  );
  return (
    <>
      {p.phone ? (
        <div class="aud-row-tools">
          <button type="button" class="btn btn-secondary aud-filter-open" aria-haspopup="dialog" onClick={() => setSheet(true)}>
            {n ? t('audit.filter_open_n', { n }) : t('audit.filter_open')}
          </button>
        </div>
      ) : (
        form('aud-f')
      )}
      {sheet ? (
        <Modal id="aud-sheet" title={t('audit.filters')} onClose={() => setSheet(false)}>
          {form('aud-s')}
        </Modal>
      ) : null}
      <EventList pager={p.pager} phone={p.phone} department={p.deptPath} onPerson={p.onPerson} nameOf={p.nameOf} label={t('audit.tab_trail')} />
    </>
  );
}
