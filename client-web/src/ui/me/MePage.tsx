import { useState } from 'preact/hooks';
import type { Me, Request } from '../../api';
import { roleKey, t } from '../../i18n';
import type { Route } from '../../router';
import { Avatar } from '../chat/Avatar';
import { LanguageSwitch } from '../common';
import { AccountSection } from './AccountSection';
import { KeySection } from '../files/send/KeySection';
import { LogoutDialog } from './LogoutDialog';
import './me.css';

interface Props {
  request: Request;
  me: Me;
  navigate: (r: Route) => void;
  onLogout: () => void;
  onSessionRenewed: (me: Me) => void;
  onMeChanged: (me: Me) => void;
}

/** 我: who I am, my account's security, the way to 设置 (and 系统管理), the language, and 退出登录. */
export function MePage(p: Props) {
  const { me } = p;
  const [confirming, setConfirming] = useState(false);
  const name = me.display_name || me.username;
  const titles = [...new Set([me.title, me.position])].filter(Boolean).join(' · ');
  const depts = [...me.departments].sort((a, b) => Number(b.primary) - Number(a.primary));
  return (
    <section class="panel me-page" aria-labelledby="me-title">
      <h1 id="me-title" class="page-title">
        {t('me.title')}
      </h1>
      <section class="me-card" aria-label={t('me.card')}>
        <Avatar id={me.id} name={name} />
        <div class="me-card-text">
          <p class="me-name">{name}</p>
          {titles ? <p class="me-titles">{titles}</p> : null}
          <p class="me-dept">{depts.length ? depts.map((d) => d.path || d.name).join('；') : t('me.no_department')}</p>
          <p class="muted me-small">
            {t('me.username')}：{me.username} · {t(roleKey(me.role))}
            {me.party ? ` · ${me.party.path || me.party.name}` : ''}
          </p>
        </div>
      </section>

      <AccountSection request={p.request} me={me} onSessionRenewed={p.onSessionRenewed} onMeChanged={p.onMeChanged} />
      <KeySection />

      <section class="me-section" aria-labelledby="me-more-title">
        <h2 id="me-more-title" class="me-heading">
          {t('me.more')}
        </h2>
        <ul class="me-links">
          <li>
            <a
              class="me-link"
              href="/settings"
              onClick={(e) => {
                if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
                e.preventDefault();
                p.navigate({ section: 'settings' });
              }}
            >
              <span class="me-link-title">{t('nav.settings')}</span>
              <span class="me-link-hint">{t('me.settings_hint')}</span>
            </a>
          </li>
          {me.role === 'admin' ? (
            <li>
              <a
                class="me-link"
                href="/admin/people"
                onClick={(e) => {
                  if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
                  e.preventDefault();
                  p.navigate({ section: 'admin', tab: 'people' });
                }}
              >
                <span class="me-link-title">{t('me.admin')}</span>
                <span class="me-link-hint">{t('me.admin_hint')}</span>
              </a>
            </li>
          ) : null}
          {me.role === 'security' ? (
            <li>
              <a
                class="me-link"
                href="/security/escrow"
                onClick={(e) => {
                  if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
                  e.preventDefault();
                  p.navigate({ section: 'security', tab: 'escrow' });
                }}
              >
                <span class="me-link-title">{t('escrow.nav')}</span>
                <span class="me-link-hint">{t('escrow.me_hint')}</span>
              </a>
            </li>
          ) : null}
          {me.role === 'auditor' ? (
            <li>
              <a
                class="me-link"
                href="/security/holds"
                onClick={(e) => {
                  if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
                  e.preventDefault();
                  p.navigate({ section: 'security', tab: 'holds' });
                }}
              >
                <span class="me-link-title">{t('secrecy.nav_holds')}</span>
                <span class="me-link-hint">{t('secrecy.holds_me_hint')}</span>
              </a>
            </li>
          ) : null}
          {me.role === 'security' || me.role === 'auditor' ? (
            <li>
              <a
                class="me-link"
                href="/audit/trail"
                onClick={(e) => {
                  if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
                  e.preventDefault();
                  p.navigate({ section: 'audit', tab: 'trail' });
                }}
              >
                <span class="me-link-title">{t('audit.nav')}</span>
                <span class="me-link-hint">{t('audit.me_hint')}</span>
              </a>
            </li>
          ) : null}
          <li class="me-row">
            <span class="me-link-title">{t('me.language')}</span>
            <LanguageSwitch />
          </li>
        </ul>
      </section>

      <button type="button" class="btn btn-secondary btn-block me-logout" onClick={() => setConfirming(true)}>
        {t('shell.logout')}
      </button>
      {confirming ? (
        <LogoutDialog
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            p.onLogout();
          }}
        />
      ) : null}
    </section>
  );
}
