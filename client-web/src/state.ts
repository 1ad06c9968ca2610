// The application's state machine, kept apart from the components so it can be tested
// with a fake fetch. Screens:
//
//   loading ──/me ok──────────────▶ (route by the user's flags)
//      │  └──/me 401─▶ login:credentials ──totp_required──▶ login:totp
//      └─other error─▶ load_failed          │    ▲                 │
//                                           │    └──back / locked──┘
//                                           ▼ ok                   ▼ ok
//   route(me): must_change_password ─▶ change_password ─ok─▶ route(new me)
//              totp_setup_required  ─▶ totp_setup ─enabled─▶ route(GET /me)
//              otherwise            ─▶ shell, at the page the URL names
//
// Any call that answers `unauthenticated` after login drops back to the login screen.
// Inside the shell, the route follows the URL (router.ts) and the browser's back button.

import type { Api, Info, Me, TotpSetup } from './api';
import { newCredential, wireCredential, type Credential } from './e2e/credential';
import { localError, LOCAL_CODES, policyError, toUiError, type UiError } from './errors';
import { currentCredential, prepareLogin, withTotp, type KeySecret, type Prepared } from './login/login';
import { checkPassword } from './login/policy';
import { matchLocale, type LocaleStore } from './i18n';
import type { Tabs } from './tabs';
import { HOME, memoryHistory, parseRoute, pathFor, sameRoute, type History, type Route } from './router';

export type Screen =
  | { name: 'loading' }
  | { name: 'load_failed'; error: UiError }
  | { name: 'login'; step: 'credentials' | 'totp'; username: string; busy: boolean; error?: UiError }
  // `knowsCurrent`: the password typed at login moments ago (a one-time password) is still
  // in memory, so the form does not ask for it again.
  | { name: 'change_password'; me: Me; busy: boolean; error?: UiError; knowsCurrent?: boolean }
  | { name: 'totp_setup'; me: Me; setup?: TotpSetup; busy: boolean; error?: UiError }
  // `session` counts the sessions of this page's life: a password changed in 我 opens a new
  // one (the server revokes the old), and the shell reconnects with it.
  | { name: 'shell'; me: Me; route: Route; session?: number };

export interface AppState {
  info?: Info;
  screen: Screen;
}

export interface StoreOptions {
  api: Api;
  now?: () => number;
  /** When given, the server's default_locale applies unless the user chose a language. */
  locale?: LocaleStore;
  /** The browser's history; an in-memory one when absent (tests). */
  history?: History;
  /** The browser's other tabs, told of a logout here and telling us of theirs. */
  tabs?: Tabs;
}

export { PASSWORD_MIN, PASSWORD_MAX } from './login/policy';
const TOTP_RE = /^\d{6}$/;

/** Strips spaces people type or paste into a code ("123 456"). */
export function normaliseCode(code: string): string {
  return code.replace(/[\s-]/g, '');
}

/** Where a freshly known user goes first: the page the URL names, if they may see it. */
export function routeFor(me: Me, path = '/'): Screen {
  if (me.must_change_password) return { name: 'change_password', me, busy: false };
  if (me.totp_setup_required) return { name: 'totp_setup', me, busy: false };
  return { name: 'shell', me, route: allowed(me, parseRoute(path)) };
}

/** Admin pages are for the system administrator; others land on their channels. */
export function allowed(me: Me, r: Route): Route {
  return r.section === 'admin' && me.role !== 'admin' ? HOME : r;
}

export type AppStore = ReturnType<typeof createAppStore>;

export function createAppStore(opts: StoreOptions) {
  const { api } = opts;
  const now = opts.now ?? Date.now;
  const hist = opts.history ?? memoryHistory();
  let state: AppState = { screen: { name: 'loading' } };
  const listeners = new Set<(s: AppState) => void>();
  // The login's derived body between the two login steps (the auth hash; a legacy
  // account's password too). Only in memory, only until the second step ends.
  let pending: { username: string; prepared: Prepared } | undefined;
  // The one-time password's credential, kept (only in memory) until the forced change it
  // is for is done, so that change does not ask for the password a second time.
  let oneTime: Credential | undefined;
  // The credential that opened this session (or the new one of the forced change), kept
  // only in memory until the shell takes it to unlock the person's encryption key
  // (src/files/keyring-impl.ts): a reload never has it.
  let fresh: { userId: number; secret: KeySecret } | undefined;
  let session = 0;

  function set(next: Partial<AppState>) {
    state = { ...state, ...next };
    listeners.forEach((fn) => fn(state));
  }
  function screen(s: Screen) {
    // Keep the address bar in step with the page shown.
    if (s.name === 'shell') {
      const p = pathFor(s.route);
      if (hist.path() !== p) hist.replace(p);
    }
    set({ screen: s });
  }
  function routed(me: Me): Screen {
    const s = routeFor(me, hist.path());
    if (s.name === 'change_password' && oneTime !== undefined) return { ...s, knowsCurrent: true };
    if (s.name !== 'change_password') oneTime = undefined;
    return s;
  }
  /** After a login: remember the credential only when the account must change it. */
  function loggedIn(me: Me, secret: KeySecret): Screen {
    oneTime = me.must_change_password ? secret.cred : undefined;
    fresh = { userId: me.id, secret };
    return routed(me);
  }
  opts.tabs?.onLogout(() => {
    const s = state.screen;
    if (s.name === 'login' || s.name === 'loading') return;
    toLogin(localError(LOCAL_CODES.loggedOutElsewhere, now()), 'me' in s ? s.me.username : '');
    hist.replace('/');
  });
  opts.tabs?.onSession(() => {
    // Another tab changed the password: this browser's cookie is the new session already.
    if (state.screen.name !== 'shell') return;
    void api.me().then(
      (me) => renew(me),
      () => undefined, // a lost session shows itself at the next call
    );
  });
  hist.onPop(() => {
    const s = state.screen;
    if (s.name === 'shell') set({ screen: { ...s, route: allowed(s.me, parseRoute(hist.path())) } });
  });
  function toLogin(error?: UiError, username = '') {
    pending = undefined;
    oneTime = undefined;
    fresh = undefined;
    screen({ name: 'login', step: 'credentials', username, busy: false, error });
  }
  /** Handles an error of a call made after login; true when it sent us to the login page. */
  function sessionLost(e: UiError): boolean {
    if (e.code !== 'unauthenticated') return false;
    toLogin(e);
    return true;
  }

  async function start(): Promise<void> {
    screen({ name: 'loading' });
    const [info, me] = await Promise.allSettled([api.info(), api.me()]);
    if (info.status === 'fulfilled') {
      set({ info: info.value });
      const l = matchLocale(info.value.default_locale);
      if (opts.locale && l && !opts.locale.chosen()) opts.locale.set(l, false);
    }
    if (me.status === 'fulfilled') {
      screen(routed(me.value));
      return;
    }
    const e = toUiError(me.reason, now());
    if (e.code === 'unauthenticated') toLogin();
    else screen({ name: 'load_failed', error: e });
  }

  async function login(username: string, password: string): Promise<void> {
    const s = state.screen;
    if (s.name !== 'login' || s.busy) return;
    const user = username.trim();
    if (!user || !password) {
      screen({ ...s, step: 'credentials', username: user, error: localError('bad_request', now()) });
      return;
    }
    screen({ name: 'login', step: 'credentials', username: user, busy: true });
    let prepared: Prepared | undefined;
    try {
      // One PBKDF2 here (a moment on an office PC): the auth hash and the wrap key.
      prepared = await prepareLogin(api.prelogin, user, password);
      const res = await api.login(prepared.body);
      pending = undefined;
      screen(loggedIn(res.user, prepared.secret));
    } catch (err) {
      const e = toUiError(err, now());
      if (e.code === 'totp_required' && prepared) {
        pending = { username: user, prepared };
        screen({ name: 'login', step: 'totp', username: user, busy: false });
      } else {
        toLogin(e, user);
      }
    }
  }

  async function submitTotp(rawCode: string): Promise<void> {
    const s = state.screen;
    if (s.name !== 'login' || s.step !== 'totp' || s.busy) return;
    if (!pending) {
      toLogin(undefined, s.username);
      return;
    }
    const code = normaliseCode(rawCode);
    if (!TOTP_RE.test(code)) {
      screen({ ...s, error: localError(LOCAL_CODES.totpFormat, now()) });
      return;
    }
    screen({ ...s, busy: true, error: undefined });
    const { username, prepared } = pending;
    try {
      const res = await api.login(withTotp(prepared.body, code));
      pending = undefined;
      screen(loggedIn(res.user, prepared.secret));
    } catch (err) {
      const e = toUiError(err, now());
      // A wrong code, or a passing fault: stay on this step and let them retry.
      const stay = ['totp_invalid', 'totp_required', 'bad_request', 'rate_limited', 'network', 'unavailable', 'internal'];
      if (stay.includes(e.code)) screen({ name: 'login', step: 'totp', username, busy: false, error: e });
      else toLogin(e, username); // locked, disabled, password changed meanwhile…
    }
  }

  function cancelTotp(): void {
    const s = state.screen;
    if (s.name !== 'login') return;
    toLogin(undefined, s.username);
  }

  async function changePassword(current: string, next: string, confirm: string): Promise<void> {
    const s = state.screen;
    if (s.name !== 'change_password' || s.busy) return;
    const known = s.knowsCurrent ? oneTime : undefined;
    if (!known && !current) {
      screen({ ...s, error: localError('bad_request', now()) });
      return;
    }
    if (next !== confirm) {
      screen({ ...s, error: localError(LOCAL_CODES.passwordMismatch, now()) });
      return;
    }
    // The server sees only the new auth hash: the policy is checked here (PROTOCOL.md §4.3).
    const reason = checkPassword(next, s.me.username, known ? undefined : current);
    if (reason) {
      screen({ ...s, error: policyError(reason, now()) });
      return;
    }
    screen({ ...s, busy: true, error: undefined });
    try {
      const cur = known ?? (await currentCredential(api.prelogin, s.me.username, current));
      const cred = await newCredential(next);
      const res = await api.changePassword({ current_auth_hash: cur.authHash, new: wireCredential(cred) });
      oneTime = undefined;
      fresh = { userId: res.user.id, secret: { cred } };
      screen(routed(res.user));
    } catch (err) {
      const e = toUiError(err, now());
      if (sessionLost(e)) return;
      // The remembered password no longer works (an administrator reset it meanwhile):
      // from now on the form asks for the current one.
      if (e.code === 'invalid_credentials') oneTime = undefined;
      screen({ ...s, busy: false, error: e, knowsCurrent: oneTime !== undefined });
    }
  }

  /** The person changed their password inside the shell (我): the server revoked every
   * session and answered with a new one; the shell reconnects with it. */
  function sessionRenewed(me: Me): void {
    if (renew(me)) opts.tabs?.announceSession();
  }
  function renew(me: Me): boolean {
    const s = state.screen;
    if (s.name !== 'shell') return false;
    session++;
    set({ screen: { ...s, me, session } });
    return true;
  }

  /** The person's account changed inside the shell (a second factor turned on or off). */
  function meChanged(me: Me): void {
    const s = state.screen;
    if (s.name === 'shell') set({ screen: { ...s, me } });
  }

  async function loadTotpSetup(): Promise<void> {
    const s = state.screen;
    if (s.name !== 'totp_setup' || s.busy) return;
    screen({ ...s, busy: true, error: undefined });
    try {
      const setup = await api.totpSetup();
      const cur = state.screen;
      if (cur.name === 'totp_setup') screen({ ...cur, setup, busy: false });
    } catch (err) {
      const e = toUiError(err, now());
      if (!sessionLost(e)) screen({ ...s, busy: false, error: e });
    }
  }

  async function enableTotp(rawCode: string): Promise<void> {
    const s = state.screen;
    if (s.name !== 'totp_setup' || s.busy || !s.setup) return;
    const code = normaliseCode(rawCode);
    if (!TOTP_RE.test(code)) {
      screen({ ...s, error: localError(LOCAL_CODES.totpFormat, now()) });
      return;
    }
    screen({ ...s, busy: true, error: undefined });
    try {
      await api.totpEnable(code);
      const me = await api.me();
      screen(routed(me));
    } catch (err) {
      const e = toUiError(err, now());
      if (!sessionLost(e)) screen({ ...s, busy: false, error: e });
    }
  }

  async function logout(): Promise<void> {
    const s = state.screen;
    const username = 'me' in s ? s.me.username : '';
    opts.tabs?.announceLogout();
    try {
      await api.logout();
    } catch {
      // Whatever the server says, this page forgets the user. The cookie is HttpOnly;
      // an expired or revoked session is already logged out.
    }
    hist.replace('/');
    toLogin(undefined, username);
  }

  /** The session ended while in use (socket closed 4001, a REST 401). */
  function sessionExpired(): void {
    if (state.screen.name === 'login') return;
    sessionLost({ code: 'unauthenticated', at: now() });
  }

  function navigate(route: Route): void {
    const s = state.screen;
    if (s.name !== 'shell') return;
    const r = allowed(s.me, route);
    if (sameRoute(r, s.route)) return;
    hist.push(pathFor(r));
    set({ screen: { ...s, route: r } });
  }

  /** The credential of the password typed moments ago, once (the shell unlocks the
   * encryption key with it); undefined after a reload, or when it was for someone else. */
  function takeSecret(userId: number): KeySecret | undefined {
    const f = fresh;
    fresh = undefined;
    return f && f.userId === userId ? f.secret : undefined;
  }

  return {
    getState: () => state,
    takeSecret,
    subscribe(fn: (s: AppState) => void): () => void {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    start,
    login,
    submitTotp,
    cancelTotp,
    changePassword,
    loadTotpSetup,
    enableTotp,
    logout,
    sessionExpired,
    sessionRenewed,
    meChanged,
    navigate,
  };
}
