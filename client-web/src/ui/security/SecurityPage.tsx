// 保密管理 (/security/…): the security officer's pages as tabs — 托管密钥 (the escrow key,
// 案件调取), 密级设置 (the ladder and channel ceilings) and 法律保全 (holds). The auditor
// reaches 法律保全 alone (/security/holds), to countersign releases.

import type { Request } from '../../api';
import { t, type MessageKey } from '../../i18n';
import type { SecurityTab } from '../../router';
import type { SecrecyStore } from '../../secrecy/store';
import { useLocale } from '../hooks';
import { TabBar } from '../TabBar';
import { EscrowSections } from './EscrowPage';
import { DlpTab } from '../dlp/DlpTab';
import { HoldsTab } from './HoldsTab';
import { LevelsTab } from './LevelsTab';
import { securityTabs } from './tabs';
import { RecoveryTab } from '../recovery/RecoveryTab';
import './escrow.css';
import './secrecy-admin.css';

const TAB_KEYS: Record<SecurityTab, MessageKey> = {
  escrow: 'secrecy.tab_escrow',
  levels: 'secrecy.tab_levels',
  holds: 'secrecy.tab_holds',
  dlp: 'dlp.tab',
  recovery: 'recadmin.tab',
};


interface Props {
  request: Request;
  role: string;
  meId: number;
  tab: SecurityTab;
  onTab: (tab: SecurityTab) => void;
  secrecy: SecrecyStore;
}

export function SecurityPage(p: Props) {
  useLocale();
  const tabs = securityTabs(p.role);
  const title = p.role === 'auditor' ? t('secrecy.holds_title') : t('escrow.title');
  if (!tabs.includes(p.tab)) {
    // Reached by typing the address: the server would refuse every action anyway.
    return (
      <section class="panel sec-page" aria-labelledby="sec-title">
        <h1 id="sec-title" class="page-title">
          {title}
        </h1>
        <p>{t('secrecy.not_allowed')}</p>
      </section>
    );
  }
  return (
    <section class="panel esc-page sec-page" aria-labelledby="sec-title">
      <h1 id="sec-title" class="page-title">
        {title}
      </h1>
      {tabs.length > 1 ? <TabBar tabs={tabs} tab={p.tab} onTab={p.onTab} prefix="sec" label={t('secrecy.tabs')} title={(x) => t(TAB_KEYS[x])} /> : null}
      <div class="sec-panel" role={tabs.length > 1 ? 'tabpanel' : undefined} id={`sec-panel-${p.tab}`} aria-labelledby={tabs.length > 1 ? `sec-tab-${p.tab}` : undefined}>
        {p.tab === 'escrow' ? (
          <EscrowSections request={p.request} />
        ) : p.tab === 'recovery' ? (
          <RecoveryTab request={p.request} />
        ) : p.tab === 'levels' ? (
          <LevelsTab request={p.request} secrecy={p.secrecy} />
        ) : p.tab === 'dlp' ? (
          <DlpTab request={p.request} secrecy={p.secrecy} />
        ) : (
          <HoldsTab request={p.request} meId={p.meId} canManage={p.role === 'security'} />
        )}
      </div>
    </section>
  );
}

