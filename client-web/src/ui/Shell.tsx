import { useEffect, useRef } from 'preact/hooks';
import type { Me } from '../api';
import { formatDateTimeWeekday } from '../format';
import { locale, roleKey, t, type MessageKey } from '../i18n';
import { SECTIONS, type AppStore, type Section } from '../state';
import { LanguageSwitch } from './common';
import { useNow } from './hooks';

const NAV_KEYS: Record<Exclude<Section, 'home'>, MessageKey> = {
  channels: 'nav.channels',
  notices: 'nav.notices',
  directory: 'nav.directory',
};

export function Shell({ store, me, org, section }: { store: AppStore; me: Me; org: string; section: Section }) {
  const mainRef = useRef<HTMLElement>(null);
  const first = useRef(true);
  // After a navigation, move focus to the new content so keyboard and screen-reader
  // users land where the page changed.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    mainRef.current?.focus();
  }, [section]);

  const role = t(roleKey(me.role));
  // Title and position, without repeating the role label (a 保密员 is often also titled so).
  const subtitle = [...new Set([me.title, me.position])].filter((x) => x && x !== role).join(' · ');
  return (
    <div class="shell">
      <a class="skip-link" href="#main">
        {t('shell.skip')}
      </a>
      <header class="topbar">
        <button type="button" class="topbar-org" onClick={() => store.navigate('home')}>
          {org}
        </button>
        <div class="topbar-user" aria-label={t('shell.user_menu')}>
          <span class="user-name">{me.display_name || me.username}</span>
          {subtitle ? <span class="user-title">{subtitle}</span> : null}
          <span class={`role-badge role-${roleKey(me.role).slice(5)}`}>{role}</span>
        </div>
        <div class="topbar-actions">
          <LanguageSwitch />
          <button type="button" class="btn btn-quiet" onClick={() => void store.logout()}>
            {t('shell.logout')}
          </button>
        </div>
      </header>
      <div class="shell-body">
        <nav class="sidenav" aria-label={t('shell.nav')}>
          <ul>
            {SECTIONS.map((s) => (
              <li key={s}>
                <button
                  type="button"
                  class="nav-item"
                  aria-current={section === s ? 'page' : undefined}
                  onClick={() => store.navigate(s)}
                >
                  {t(NAV_KEYS[s])}
                </button>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" class="content" tabIndex={-1} ref={mainRef}>
          {section === 'home' ? <Home me={me} org={org} /> : <ComingSoon name={t(NAV_KEYS[section])} />}
        </main>
      </div>
    </div>
  );
}

function Home({ me, org }: { me: Me; org: string }) {
  const now = useNow();
  const l = locale.get();
  return (
    <section class="panel" aria-labelledby="home-title">
      <h1 id="home-title" class="page-title">
        {t('home.welcome', { name: me.display_name || me.username })}
      </h1>
      <p class="lead">{t('home.intro', { org })}</p>
      <p class="muted">{t('home.now', { time: formatDateTimeWeekday(now, l) })}</p>
      {me.departments.length > 0 || me.party ? (
        <dl class="facts">
          {me.departments.length > 0 ? (
            <>
              <dt>{t('home.departments')}</dt>
              <dd>
                <ul class="plain-list">
                  {me.departments.map((d) => (
                    <li key={d.id}>
                      {d.path || d.name}
                      {d.primary && me.departments.length > 1 ? <span class="tag">{t('home.primary')}</span> : null}
                    </li>
                  ))}
                </ul>
              </dd>
            </>
          ) : null}
          {me.party ? (
            <>
              <dt>{t('home.party')}</dt>
              <dd>
                {me.party.path || me.party.name}
                {me.party.party_role ? ` · ${me.party.party_role}` : ''}
              </dd>
            </>
          ) : null}
        </dl>
      ) : null}
    </section>
  );
}

function ComingSoon({ name }: { name: string }) {
  return (
    <section class="panel" aria-labelledby="section-title">
      <h1 id="section-title" class="page-title">
        {name}
      </h1>
      <p class="placeholder">{t('nav.coming', { name })}</p>
    </section>
  );
}
