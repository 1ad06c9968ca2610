// The phone layout: which width is a phone, and which bottom tab a page belongs to. At
// phone width the navigation is a tab bar at the bottom (消息 / 通知 / 待办 / 通讯录 / 我) and
// 设置 and 系统管理 are reached from 我; on a desk the side navigation keeps them.

import type { MessageKey } from '../i18n';
import type { Route, Section } from '../router';

/** The widest screen laid out for one hand (the CSS uses the same number). */
export const PHONE_MAX_WIDTH = 720;
export const PHONE_QUERY = `(max-width: ${PHONE_MAX_WIDTH}px)`;

export interface NavEntry {
  section: Section;
  key: MessageKey;
  route: Route;
}

const CHANNELS: NavEntry = { section: 'channels', key: 'nav.channels', route: { section: 'channels' } };
const NOTICES: NavEntry = { section: 'notices', key: 'nav.notices', route: { section: 'notices', view: 'pending' } };
const TODOS: NavEntry = { section: 'todos', key: 'nav.todos', route: { section: 'todos', view: 'mine' } };
const DIRECTORY: NavEntry = { section: 'directory', key: 'nav.directory', route: { section: 'directory' } };
const SETTINGS: NavEntry = { section: 'settings', key: 'nav.settings', route: { section: 'settings' } };
const ADMIN: NavEntry = { section: 'admin', key: 'nav.admin', route: { section: 'admin', tab: 'people' } };
const SECURITY: NavEntry = { section: 'security', key: 'escrow.nav', route: { section: 'security', tab: 'escrow' } };
const HOLDS: NavEntry = { section: 'security', key: 'secrecy.nav_holds', route: { section: 'security', tab: 'holds' } };
const AUDIT: NavEntry = { section: 'audit', key: 'audit.nav', route: { section: 'audit', tab: 'trail' } };
const ME: NavEntry = { section: 'me', key: 'phone.tab_me', route: { section: 'me' } };

/** The navigation's entries: five tabs on a phone, the side list on a desk — with
 * 系统管理 for the administrator, 保密管理 for the security officer and 法律保全 for the
 * auditor (who countersigns the release of a hold). */
export function navEntries(phone: boolean, isAdmin: boolean, isSecurity = false, isAuditor = false): NavEntry[] {
  if (phone) return [CHANNELS, NOTICES, TODOS, DIRECTORY, ME];
  if (isAdmin) return [CHANNELS, NOTICES, TODOS, DIRECTORY, SETTINGS, ADMIN];
  // 审计台 (the audit console) for the security officer and the auditor.
  if (isSecurity) return [CHANNELS, NOTICES, TODOS, DIRECTORY, SETTINGS, SECURITY, AUDIT];
  return isAuditor ? [CHANNELS, NOTICES, TODOS, DIRECTORY, SETTINGS, HOLDS, AUDIT] : [CHANNELS, NOTICES, TODOS, DIRECTORY, SETTINGS];
}

/** The entry a page belongs to: on a phone, 设置, 系统管理, 保密管理 and 我 are all under 我. */
export function currentSection(route: Route, phone: boolean): Section {
  // Collections are reached from 通知 (its 收集 tab).
  if (route.section === 'collect') return 'notices';
  if (phone && (route.section === 'settings' || route.section === 'admin' || route.section === 'security' || route.section === 'audit')) return 'me';
  return route.section;
}

/** The tab bar is hidden inside an open channel, as in WeChat: the header's back
 * control returns to the list. */
export function showTabBar(route: Route): boolean {
  return !(route.section === 'channels' && route.channelId);
}

/** A badge's text: 99+ past 99, nothing at 0. */
export function badgeText(n: number): string {
  return n <= 0 ? '' : n > 99 ? '99+' : String(n);
}
