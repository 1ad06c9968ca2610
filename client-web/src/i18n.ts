// A small typed dictionary: zh-CN is the source of truth (every key must exist there),
// English may lag behind and falls back to Chinese, then to the key itself. The texts of
// the larger screens live beside this file in messages/, one module per area.

import * as adminMessages from './messages/admin';
import * as chatMessages from './messages/chat';
import * as directoryMessages from './messages/directory';
import * as groupMessages from './messages/groups';
import * as forwardMessages from './messages/forward';
import * as noticeMessages from './messages/notices';
import * as settingsMessages from './messages/settings';
import * as pwaMessages from './messages/pwa';
import * as quietMessages from './messages/quiet';
import * as groupLineMessages from './messages/grouplines';
import * as phoneMessages from './messages/phone';
import * as searchMessages from './messages/search';
import * as urgentMessages from './messages/urgent';
import * as todoMessages from './messages/todo';
import * as readsMessages from './messages/reads';
import * as reactionMessages from './messages/reactions';
import * as filesMessages from './messages/files';
import * as filesViewMessages from './messages/filesview';
import * as escrowMessages from './messages/escrow';
import * as reshareMessages from './messages/reshare';
import * as noticeFilesMessages from './messages/noticefiles';
import * as secrecyMessages from './messages/secrecy';
import * as protectMessages from './messages/protect';
import * as collectMessages from './messages/collect';
import * as auditMessages from './messages/audit';
import * as dlpMessages from './messages/dlp';
import * as keyRecoveryMessages from './messages/keyrecovery';

export type Locale = 'zh-CN' | 'en';
export const LOCALES: readonly Locale[] = ['zh-CN', 'en'];
export const DEFAULT_LOCALE: Locale = 'zh-CN';

const coreZh = {
  'app.name': 'govchat',
  'app.tagline': '安全办公通讯平台',
  'app.loading': '正在加载…',
  'app.page_failed': '页面加载失败，请刷新后重试。',
  'app.load_failed': '无法加载页面数据。',
  'app.retry': '重试',

  'lang.switch_label': '切换语言',
  // The switch shows the *other* language in its own script.
  'lang.other': 'English',

  'login.title': '登录',
  'login.username': '用户名',
  'login.password': '密码',
  'login.submit': '登录',
  'login.submitting': '正在登录…',
  'login.totp_title': '两步验证',
  'login.totp_hint': '请打开身份验证器应用，输入其中显示的 6 位动态验证码。',
  'login.totp_code': '动态验证码',
  'login.totp_submit': '验证',
  'login.back': '返回',
  'login.footer': '本系统仅限内部工作人员使用，所有操作均有审计记录。',

  'pw.title': '修改密码',
  'pw.intro': '为了账号安全，请先设置新密码后再继续使用。',
  'pw.current': '当前密码',
  'pw.new': '新密码',
  'pw.confirm': '再次输入新密码',
  'pw.hint': '密码长度为 10 至 128 个字符，请勿使用常见密码或与用户名相同的密码。',
  'pw.submit': '保存新密码',
  'pw.mismatch': '两次输入的新密码不一致。',

  'totp.title': '设置两步验证',
  'totp.intro': '您的账号需要启用两步验证。请用手机上的身份验证器应用扫描下方二维码，或手动输入密钥。',
  'totp.qr_alt': '两步验证二维码',
  'totp.secret': '密钥',
  'totp.loading': '正在生成密钥…',
  'totp.code': '应用中显示的 6 位验证码',
  'totp.submit': '启用两步验证',
  'totp.code_format': '请输入 6 位数字验证码。',

  'shell.skip': '跳到主要内容',
  'shell.nav': '主导航',
  'shell.logout': '退出登录',
  'shell.logged_out_elsewhere': '您已在本浏览器的其他窗口退出登录。',
  'shell.user_menu': '当前用户',
  'nav.channels': '消息',
  'nav.notices': '通知',
  'nav.directory': '通讯录',
  'nav.admin': '系统管理',
  'nav.settings': '设置',

  'role.staff': '干部职工',
  'role.leader': '领导',
  'role.security': '保密员',
  'role.auditor': '审计员',
  'role.admin': '系统管理员',
  'role.unknown': '用户',

  'error.bad_request': '提交的信息不完整或格式有误，请检查后重试。',
  'error.invalid_credentials': '用户名或密码错误。',
  'error.totp_required': '请输入两步验证码。',
  'error.totp_invalid': '验证码错误或已过期，请输入应用中当前显示的验证码。',
  'error.totp_setup_required': '您的账号需要先设置两步验证。',
  'error.account_locked': '登录失败次数过多，账号已临时锁定。请于 {time} 后重试（约 {duration}）。',
  'error.account_locked_no_time': '登录失败次数过多，账号已临时锁定，请稍后重试。',
  'error.account_disabled': '该账号已被停用，请联系系统管理员。',
  'error.password_policy': '新密码不符合要求：长度须为 10 至 128 个字符，且不能过于简单。',
  'error.unauthenticated': '登录已过期，请重新登录。',
  'error.forbidden': '您没有执行此操作的权限。',
  'error.not_found': '请求的内容不存在或您无权查看。',
  'error.conflict': '操作与现有数据冲突，请刷新后重试。',
  'error.too_large': '提交的内容过大。',
  'error.cross_origin': '请求来源不被允许，请直接从本系统页面操作。',
  'error.rate_limited': '操作过于频繁，请 {duration}后再试。',
  'error.rate_limited_no_time': '操作过于频繁，请稍后再试。',
  'error.unavailable': '服务暂时不可用，请稍后再试。',
  'error.internal': '服务器内部错误，请稍后再试。如问题持续，请将请求编号告知管理员。',
  'error.network': '无法连接服务器，请检查网络后重试。',
  'error.not_member': '您不是该频道的成员。',
  'error.window_expired': '已超过可撤回或编辑的时间。',
  'error.unknown': '操作失败（错误代码：{code}）。',
  'error.request_id': '请求编号：{id}',

  'duration.seconds': '{n} 秒',
  'duration.minutes': '{n} 分钟',
  'duration.hours': '{n} 小时',
  'duration.hours_minutes': '{h} 小时 {m} 分钟',
} as const;

const zhCN = { ...coreZh, ...chatMessages.zh, ...noticeMessages.zh, ...settingsMessages.zh, ...groupMessages.zh, ...directoryMessages.zh, ...adminMessages.zh, ...pwaMessages.zh, ...quietMessages.zh, ...groupLineMessages.zh, ...phoneMessages.zh, ...forwardMessages.zh, ...searchMessages.zh, ...urgentMessages.zh, ...readsMessages.zh, ...reactionMessages.zh, ...filesMessages.zh, ...filesViewMessages.zh,
  ...escrowMessages.zh,
  ...reshareMessages.zh,
  ...keyRecoveryMessages.zh,
  ...noticeFilesMessages.zh,
  ...secrecyMessages.zh,
  ...protectMessages.zh,
  ...todoMessages.zh,
  ...collectMessages.zh,
  ...auditMessages.zh,
  ...dlpMessages.zh,
} as const;

export type MessageKey = keyof typeof zhCN;
type Dictionary = Readonly<Partial<Record<MessageKey, string>>>;

const coreEn: Readonly<Partial<Record<keyof typeof coreZh, string>>> = {
  'app.name': 'govchat',
  'app.tagline': 'Secure office messaging',
  'app.loading': 'Loading…',
  'app.page_failed': 'The page could not be loaded. Reload and try again.',
  'app.load_failed': 'The page data could not be loaded.',
  'app.retry': 'Retry',

  'lang.switch_label': 'Switch language',
  'lang.other': '中文',

  'login.title': 'Sign in',
  'login.username': 'Username',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.submitting': 'Signing in…',
  'login.totp_title': 'Two-step verification',
  'login.totp_hint': 'Open your authenticator app and enter the 6-digit code it shows.',
  'login.totp_code': 'Verification code',
  'login.totp_submit': 'Verify',
  'login.back': 'Back',
  'login.footer': 'For authorised staff only. All actions are audited.',

  'pw.title': 'Change password',
  'pw.intro': 'For your account’s security, please set a new password before you continue.',
  'pw.current': 'Current password',
  'pw.new': 'New password',
  'pw.confirm': 'Repeat new password',
  'pw.hint': '10 to 128 characters. Do not use a common password or your username.',
  'pw.submit': 'Save new password',
  'pw.mismatch': 'The two new passwords do not match.',

  'totp.title': 'Set up two-step verification',
  'totp.intro': 'Your account requires two-step verification. Scan the QR code below with an authenticator app, or enter the key by hand.',
  'totp.qr_alt': 'QR code for two-step verification',
  'totp.secret': 'Key',
  'totp.loading': 'Generating a key…',
  'totp.code': '6-digit code from the app',
  'totp.submit': 'Turn on two-step verification',
  'totp.code_format': 'Enter the 6-digit code.',

  'shell.skip': 'Skip to main content',
  'shell.nav': 'Main navigation',
  'shell.logout': 'Sign out',
  'shell.logged_out_elsewhere': 'You signed out in another window of this browser.',
  'shell.user_menu': 'Signed in as',
  'nav.channels': 'Messages',
  'nav.notices': 'Notices',
  'nav.directory': 'Directory',
  'nav.admin': 'Administration',
  'nav.settings': 'Settings',

  'role.staff': 'Staff',
  'role.leader': 'Leader',
  'role.security': 'Security officer',
  'role.auditor': 'Auditor',
  'role.admin': 'System administrator',
  'role.unknown': 'User',

  'error.bad_request': 'Some information is missing or malformed. Please check and try again.',
  'error.invalid_credentials': 'Wrong username or password.',
  'error.totp_required': 'Enter your verification code.',
  'error.totp_invalid': 'The code is wrong or has expired. Enter the code the app shows now.',
  'error.totp_setup_required': 'Your account must set up two-step verification first.',
  'error.account_locked': 'Too many failed sign-ins; the account is locked. Try again after {time} (in about {duration}).',
  'error.account_locked_no_time': 'Too many failed sign-ins; the account is locked. Please try again later.',
  'error.account_disabled': 'This account has been disabled. Please contact the system administrator.',
  'error.password_policy': 'The new password does not meet the rules: 10 to 128 characters, and not too simple.',
  'error.unauthenticated': 'Your session has ended. Please sign in again.',
  'error.forbidden': 'You are not allowed to do this.',
  'error.not_found': 'Not found, or you may not see it.',
  'error.conflict': 'This conflicts with existing data. Refresh and try again.',
  'error.too_large': 'What you sent is too large.',
  'error.cross_origin': 'Request from another site refused. Please use this site’s own pages.',
  'error.rate_limited': 'Too many requests. Try again in {duration}.',
  'error.rate_limited_no_time': 'Too many requests. Please try again later.',
  'error.unavailable': 'The service is temporarily unavailable. Please try again later.',
  'error.internal': 'Internal server error. If it persists, give the request ID to your administrator.',
  'error.network': 'Cannot reach the server. Check your network and try again.',
  'error.not_member': 'You are not a member of this channel.',
  'error.window_expired': 'The time to recall or edit this message has passed.',
  'error.unknown': 'The operation failed (error code: {code}).',
  'error.request_id': 'Request ID: {id}',

  'duration.seconds': '{n} s',
  'duration.minutes': '{n} min',
  'duration.hours': '{n} h',
  'duration.hours_minutes': '{h} h {m} min',
};

const en: Dictionary = { ...coreEn, ...chatMessages.en, ...noticeMessages.en, ...settingsMessages.en, ...groupMessages.en, ...directoryMessages.en, ...adminMessages.en, ...pwaMessages.en, ...quietMessages.en, ...groupLineMessages.en, ...phoneMessages.en, ...forwardMessages.en, ...searchMessages.en, ...urgentMessages.en, ...readsMessages.en, ...reactionMessages.en, ...filesMessages.en, ...filesViewMessages.en,
  ...escrowMessages.en,
  ...reshareMessages.en,
  ...keyRecoveryMessages.en,
  ...noticeFilesMessages.en,
  ...secrecyMessages.en,
  ...protectMessages.en,
  ...todoMessages.en,
  ...collectMessages.en,
  ...auditMessages.en,
  ...dlpMessages.en,
};

const dictionaries: Record<Locale, Dictionary> = { 'zh-CN': zhCN, en };

export type Params = Readonly<Record<string, string | number>>;

/** Looks a key up in one locale, falling back to zh-CN, then to the key itself. */
export function translate(locale: Locale, key: MessageKey | string, params?: Params): string {
  const k = key as MessageKey;
  const template = dictionaries[locale]?.[k] ?? zhCN[k] ?? key;
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

export function isLocale(v: unknown): v is Locale {
  return typeof v === 'string' && (LOCALES as readonly string[]).includes(v);
}

/** Maps a server or browser locale tag (zh, zh-Hans-CN, en-US…) to a supported locale. */
export function matchLocale(tag: string | null | undefined): Locale | undefined {
  if (!tag) return undefined;
  const t = tag.toLowerCase();
  if (t === 'zh' || t.startsWith('zh-')) return 'zh-CN';
  if (t === 'en' || t.startsWith('en-')) return 'en';
  return undefined;
}

// ---- the current locale: a tiny store, persisted in localStorage ----

export const LOCALE_STORAGE_KEY = 'govchat.locale';

export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** The browser's localStorage, or undefined where there is none or policy forbids it:
 * then choices and drafts live for the page only. */
export function browserStorage(): Storage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined; // storage disabled by policy
  }
}

export interface LocaleStore {
  get(): Locale;
  /** True when the user chose a language themselves (so the server default must not override it). */
  chosen(): boolean;
  set(locale: Locale, persist?: boolean): void;
  subscribe(fn: (l: Locale) => void): () => void;
}

export function createLocaleStore(storage: KeyValueStorage | undefined = browserStorage()): LocaleStore {
  let stored: string | null = null;
  try {
    stored = storage?.getItem(LOCALE_STORAGE_KEY) ?? null;
  } catch {
    stored = null;
  }
  let current: Locale = isLocale(stored) ? stored : DEFAULT_LOCALE;
  let userChosen = isLocale(stored);
  const listeners = new Set<(l: Locale) => void>();
  return {
    get: () => current,
    chosen: () => userChosen,
    set(locale, persist = true) {
      if (persist) {
        userChosen = true;
        try {
          storage?.setItem(LOCALE_STORAGE_KEY, locale);
        } catch {
          /* quota or policy: the choice still holds for this page */
        }
      }
      if (locale === current) return;
      current = locale;
      listeners.forEach((fn) => fn(locale));
    },
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
}

/** The page's locale store; components read it through t(). */
export const locale = createLocaleStore();

/** Translates with the page's current locale. */
export function t(key: MessageKey, params?: Params): string {
  return translate(locale.get(), key, params);
}

export const ROLES = ['staff', 'leader', 'security', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function roleKey(role: string): MessageKey {
  return (ROLES as readonly string[]).includes(role) ? (`role.${role}` as MessageKey) : 'role.unknown';
}

/** Exposed for tests: every key zh-CN has. */
export const MESSAGE_KEYS = Object.keys(zhCN) as MessageKey[];
/** Exposed for tests: the keys a locale defines itself. */
export function definedKeys(l: Locale): string[] {
  return Object.keys(dictionaries[l]);
}
