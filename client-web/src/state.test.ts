import { describe, expect, it, vi } from 'vitest';
import { createApi } from './api';
import { createLocaleStore } from './i18n';
import { createAppStore, type AppState } from './state';
import { memoryHistory } from './router';
import { memoryTabs } from './tabs';
import { err, fakeFetch, hashOf, INFO, loginOk, me, memoryStorage, PRELOGIN, type Handler } from './testing';
import { deriveCredential } from './e2e/credential';

// Each login derives with PBKDF2 (600,000 rounds): slow on a busy machine.
vi.setConfig({ testTimeout: 30_000 });

const NOW = Date.UTC(2026, 10, 23, 6, 5);

function setup(
  routes: Record<string, Handler>,
  opts: { locale?: ReturnType<typeof createLocaleStore>; history?: ReturnType<typeof memoryHistory> } = {},
) {
  const server = fakeFetch({
    'GET /api/v1/info': () => ({ status: 200, body: INFO }),
    'GET /api/v1/me': () => ({ status: 401, body: err('unauthenticated') }),
    'POST /api/v1/auth/prelogin': () => ({ status: 200, body: PRELOGIN }),
    ...routes,
  });
  const store = createAppStore({ api: createApi(server.fetch), now: () => NOW, locale: opts.locale, history: opts.history });
  const seen: AppState[] = [];
  store.subscribe((s) => seen.push(s));
  return { store, calls: server.calls, seen };
}

const screen = (s: { getState(): AppState }) => s.getState().screen;

describe('start', () => {
  it('shows the login page when not logged in, with the org name', async () => {
    const { store } = setup({});
    expect(screen(store).name).toBe('loading');
    await store.start();
    expect(screen(store)).toEqual({ name: 'login', step: 'credentials', username: '', busy: false, error: undefined });
    expect(store.getState().info?.org_name).toBe('示范县财政局');
  });

  it('goes straight to the shell with a live session', async () => {
    const { store } = setup({ 'GET /api/v1/me': () => ({ status: 200, body: me() }) });
    await store.start();
    expect(screen(store)).toMatchObject({ name: 'shell', route: { section: 'channels' }, me: { display_name: '王建国' } });
  });

  it('shows a retryable failure when the server is unreachable', async () => {
    let up = false;
    const { store } = setup({
      'GET /api/v1/me': () => (up ? { status: 200, body: me() } : new TypeError('Failed to fetch')),
    });
    await store.start();
    expect(screen(store)).toMatchObject({ name: 'load_failed', error: { code: 'network' } });
    up = true;
    await store.start();
    expect(screen(store).name).toBe('shell');
  });

  it('still works when /info fails', async () => {
    const { store } = setup({ 'GET /api/v1/info': () => ({ status: 500, body: err('internal') }) });
    await store.start();
    expect(screen(store).name).toBe('login');
    expect(store.getState().info).toBeUndefined();
  });

  it('applies the server default locale unless the user chose one', async () => {
    const free = createLocaleStore(memoryStorage());
    await setup({ 'GET /api/v1/info': () => ({ status: 200, body: { ...INFO, default_locale: 'en' } }) }, { locale: free }).store.start();
    expect(free.get()).toBe('en');

    const chosen = createLocaleStore(memoryStorage({ 'govchat.locale': 'zh-CN' }));
    await setup({ 'GET /api/v1/info': () => ({ status: 200, body: { ...INFO, default_locale: 'en' } }) }, { locale: chosen }).store.start();
    expect(chosen.get()).toBe('zh-CN');
  });
});

describe('login flow', () => {
  it('credentials → shell', async () => {
    const { store, calls, seen } = setup({ 'POST /api/v1/auth/login': () => loginOk() });
    await store.start();
    const p = store.login('  wangjianguo ', 'Govchat#2026');
    expect(screen(store)).toMatchObject({ name: 'login', busy: true });
    await p;
    expect(screen(store)).toMatchObject({ name: 'shell', me: { username: 'wangjianguo' } });
    // The auth hash of the password under the account's salt, and never the password.
    expect(calls.at(-1)!.body).toEqual({ username: 'wangjianguo', auth_hash: await hashOf('Govchat#2026') });
    expect(calls.map((c) => c.url)).toEqual(['/api/v1/info', '/api/v1/me', '/api/v1/auth/prelogin', '/api/v1/auth/login']);
    expect(JSON.stringify(calls.map((c) => c.body))).not.toContain('Govchat#2026');
    // The token in the body is never kept in state.
    expect(JSON.stringify(seen)).not.toContain('secret-token');
  });

  it('credentials → totp step → shell', async () => {
    const { store, calls, seen } = setup({
      'POST /api/v1/auth/login': (b) => {
        const body = b as { totp_code?: string };
        if (!body.totp_code) return { status: 401, body: err('totp_required') };
        return body.totp_code === '123456' ? loginOk() : { status: 401, body: err('totp_invalid') };
      },
    });
    await store.start();
    await store.login('lisi', 'pw-lisi-123');
    expect(screen(store)).toEqual({ name: 'login', step: 'totp', username: 'lisi', busy: false });

    await store.submitTotp('12'); // too short: checked locally, nothing sent
    expect(screen(store)).toMatchObject({ step: 'totp', error: { code: 'totp_format' } });
    expect(calls.filter((c) => c.url.endsWith('/auth/login'))).toHaveLength(1);

    await store.submitTotp('654321');
    expect(screen(store)).toMatchObject({ name: 'login', step: 'totp', error: { code: 'totp_invalid' } });

    await store.submitTotp('123 456');
    expect(screen(store).name).toBe('shell');
    expect(calls.at(-1)!.body).toEqual({ username: 'lisi', auth_hash: await hashOf('pw-lisi-123'), totp_code: '123456' });
    // One derivation for both steps; the password is never sent nor part of the observable state.
    expect(calls.filter((c) => c.url.endsWith('/prelogin'))).toHaveLength(1);
    expect(JSON.stringify(calls.map((c) => c.body))).not.toContain('pw-lisi-123');
    expect(JSON.stringify(seen)).not.toContain('pw-lisi-123');
  });

  it('back from the totp step forgets the password', async () => {
    const { store } = setup({ 'POST /api/v1/auth/login': () => ({ status: 401, body: err('totp_required') }) });
    await store.start();
    await store.login('lisi', 'pw');
    store.cancelTotp();
    expect(screen(store)).toEqual({ name: 'login', step: 'credentials', username: 'lisi', busy: false, error: undefined });
    await store.submitTotp('123456'); // ignored: not on the totp step
    expect(screen(store)).toMatchObject({ step: 'credentials' });
  });

  it('invalid credentials stay on the login page with the error', async () => {
    const { store } = setup({ 'POST /api/v1/auth/login': () => ({ status: 401, body: err('invalid_credentials') }) });
    await store.start();
    await store.login('wangjianguo', 'wrong');
    expect(screen(store)).toEqual({
      name: 'login',
      step: 'credentials',
      username: 'wangjianguo',
      busy: false,
      error: { code: 'invalid_credentials', at: NOW, requestId: 'req-1', retryAfter: undefined, field: undefined },
    });
  });

  it('locked accounts carry retry_after and the moment it was said', async () => {
    const { store } = setup({
      'POST /api/v1/auth/login': () => ({ status: 429, body: err('account_locked', { retry_after: 900 }) }),
    });
    await store.start();
    await store.login('wangjianguo', 'wrong');
    expect(screen(store)).toMatchObject({ name: 'login', step: 'credentials', error: { code: 'account_locked', retryAfter: 900, at: NOW } });
  });

  it('a lock during the totp step goes back to the first step', async () => {
    let n = 0;
    const { store } = setup({
      'POST /api/v1/auth/login': () =>
        ++n === 1 ? { status: 401, body: err('totp_required') } : { status: 429, body: err('account_locked', { retry_after: 60 }) },
    });
    await store.start();
    await store.login('lisi', 'pw');
    await store.submitTotp('000000');
    expect(screen(store)).toMatchObject({ name: 'login', step: 'credentials', username: 'lisi', error: { code: 'account_locked' } });
  });

  it('disabled accounts and network failures are reported', async () => {
    let reply: Handler = () => ({ status: 403, body: err('account_disabled') });
    const { store } = setup({ 'POST /api/v1/auth/login': (b, c) => reply(b, c) });
    await store.start();
    await store.login('u', 'p');
    expect(screen(store)).toMatchObject({ error: { code: 'account_disabled' } });
    reply = () => new TypeError('offline');
    await store.login('u', 'p');
    expect(screen(store)).toMatchObject({ name: 'login', error: { code: 'network' } });
  });

  it('empty fields are refused without a request', async () => {
    const { store, calls } = setup({});
    await store.start();
    await store.login('  ', 'pw');
    expect(screen(store)).toMatchObject({ error: { code: 'bad_request' } });
    expect(calls.some((c) => c.url.endsWith('/auth/login'))).toBe(false);
  });

  it('ignores a second submit while one is in flight', async () => {
    let release!: () => void;
    const { store, calls } = setup({
      'POST /api/v1/auth/login': () => new Promise((r) => (release = () => r(loginOk()))),
    });
    await store.start();
    const first = store.login('u', 'p');
    await store.login('u', 'p');
    await vi.waitFor(() => expect(release).toBeDefined(), { timeout: 5000 });
    release();
    await first;
    expect(calls.filter((c) => c.url.endsWith('/auth/login'))).toHaveLength(1);
  });
});

describe('first-login duties', () => {
  it('must_change_password → change password → totp setup → shell', async () => {
    let current = me({ role: 'security', must_change_password: true, totp_setup_required: true });
    const { store, calls } = setup({
      'POST /api/v1/auth/login': () => loginOk(current),
      'POST /api/v1/me/password': async (b) => {
        const body = b as { current_auth_hash: string; new: { salt: string; iterations: number; auth_hash: string } };
        if (body.current_auth_hash !== (await hashOf('OneTime#123'))) return { status: 401, body: err('invalid_credentials') };
        if (body.new.salt === PRELOGIN.salt) return { status: 400, body: err('bad_request', { field: 'new.salt' }) };
        const want = await deriveCredential('LongEnough#1', { salt: body.new.salt, iterations: body.new.iterations });
        if (body.new.auth_hash !== want.authHash) return { status: 400, body: err('bad_request', { field: 'new.auth_hash' }) };
        current = { ...current, must_change_password: false };
        return loginOk(current);
      },
      'POST /api/v1/me/totp/setup': () => ({
        status: 200,
        body: { secret: 'JBSWY3DPEHPK3PXPJBSWY3DP', otpauth_url: 'otpauth://totp/x', qr_png: 'data:image/png;base64,AAAA' },
      }),
      'POST /api/v1/me/totp/enable': (b) => {
        if ((b as { code: string }).code !== '246810') return { status: 401, body: err('totp_invalid') };
        current = { ...current, totp_enabled: true, totp_setup_required: false };
        return { status: 204 };
      },
      'GET /api/v1/me': () => ({ status: 200, body: current }),
    });
    await store.start(); // a session exists already: /me answers with the flags
    expect(screen(store).name).toBe('change_password');

    // The policy is the browser's now (the server never sees the new password): each rule
    // refused here, with its reason, and nothing sent.
    await store.changePassword('OneTime#123', 'short', 'short');
    expect(screen(store)).toMatchObject({ name: 'change_password', error: { code: 'password_policy', reason: 'too_short', field: 'new_password' } });
    await store.changePassword('OneTime#123', 'password1234', 'password1234');
    expect(screen(store)).toMatchObject({ error: { code: 'password_policy', reason: 'too_simple' } });
    await store.changePassword('OneTime#123', 'Wangjianguo', 'Wangjianguo');
    expect(screen(store)).toMatchObject({ error: { code: 'password_policy', reason: 'same_as_username' } });
    await store.changePassword('OneTime#123', 'OneTime#123', 'OneTime#123');
    expect(screen(store)).toMatchObject({ error: { code: 'password_policy', reason: 'same_as_current' } });
    await store.changePassword('OneTime#123', 'LongEnough#1', 'LongEnough#2');
    expect(screen(store)).toMatchObject({ error: { code: 'password_mismatch' } });
    expect(calls.some((c) => c.url.endsWith('/me/password'))).toBe(false);

    await store.changePassword('nope-nope-1', 'LongEnough#1', 'LongEnough#1');
    expect(screen(store)).toMatchObject({ name: 'change_password', error: { code: 'invalid_credentials' } });

    await store.changePassword('OneTime#123', 'LongEnough#1', 'LongEnough#1');
    expect(screen(store)).toMatchObject({ name: 'totp_setup', busy: false });
    expect(JSON.stringify(calls.map((c) => c.body))).not.toMatch(/OneTime#123|LongEnough#1/);

    await store.enableTotp('123456'); // nothing loaded yet: ignored
    await store.loadTotpSetup();
    expect(screen(store)).toMatchObject({ name: 'totp_setup', setup: { secret: 'JBSWY3DPEHPK3PXPJBSWY3DP' } });

    await store.enableTotp('abc');
    expect(screen(store)).toMatchObject({ error: { code: 'totp_format' } });
    await store.enableTotp('111111');
    expect(screen(store)).toMatchObject({ name: 'totp_setup', error: { code: 'totp_invalid' } });
    await store.enableTotp('246810');
    expect(screen(store)).toMatchObject({ name: 'shell', me: { totp_enabled: true } });
   }, 30_000);

  it('a login answer with totp_setup_required goes to enrolment', async () => {
    const { store } = setup({ 'POST /api/v1/auth/login': () => loginOk(me({ role: 'admin', totp_setup_required: true })) });
    await store.start();
    await store.login('admin', 'pw');
    expect(screen(store).name).toBe('totp_setup');
  });

  it('an expired session during a duty drops back to login', async () => {
    const { store } = setup({
      'POST /api/v1/auth/login': () => loginOk(me({ must_change_password: true })),
      'POST /api/v1/me/password': () => ({ status: 401, body: err('unauthenticated') }),
    });
    await store.start();
    await store.login('wangjianguo', 'pw');
    await store.changePassword('', 'LongEnough#1', 'LongEnough#1');
    expect(screen(store)).toMatchObject({ name: 'login', step: 'credentials', error: { code: 'unauthenticated' } });
  });
});

describe('shell', () => {
  it('navigates between sections and logs out', async () => {
    const { store, calls } = setup({
      'GET /api/v1/me': () => ({ status: 200, body: me() }),
      'POST /api/v1/auth/logout': () => ({ status: 204 }),
    });
    await store.start();
    store.navigate({ section: 'notices', view: 'pending' });
    expect(screen(store)).toMatchObject({ name: 'shell', route: { section: 'notices' } });
    await store.logout();
    expect(calls.at(-1)).toMatchObject({ method: 'POST', url: '/api/v1/auth/logout' });
    expect(screen(store)).toMatchObject({ name: 'login', step: 'credentials', username: 'wangjianguo' });
  });

  it('logs out locally even when the server call fails', async () => {
    const { store } = setup({
      'GET /api/v1/me': () => ({ status: 200, body: me() }),
      'POST /api/v1/auth/logout': () => new TypeError('offline'),
    });
    await store.start();
    await store.logout();
    expect(screen(store).name).toBe('login');
  });

  it('opens the page the address names, after logging in too', async () => {
    const history = memoryHistory('/c/12');
    const { store } = setup({ 'POST /api/v1/auth/login': () => loginOk() }, { history });
    await store.start();
    await store.login('wangjianguo', 'pw');
    expect(screen(store)).toMatchObject({ name: 'shell', route: { section: 'channels', channelId: 12 } });
    expect(history.path()).toBe('/c/12');
  });

  it('keeps admin pages to the administrator', async () => {
    const history = memoryHistory('/admin/import');
    const { store } = setup({ 'GET /api/v1/me': () => ({ status: 200, body: me({ role: 'staff' }) }) }, { history });
    await store.start();
    expect(screen(store)).toMatchObject({ route: { section: 'channels' } });
    expect(history.path()).toBe('/');
    store.navigate({ section: 'admin', tab: 'people' });
    expect(screen(store)).toMatchObject({ route: { section: 'channels' } });

    const h2 = memoryHistory('/admin/import');
    const admin = setup({ 'GET /api/v1/me': () => ({ status: 200, body: me({ role: 'admin' }) }) }, { history: h2 });
    await admin.store.start();
    expect(screen(admin.store)).toMatchObject({ route: { section: 'admin', tab: 'import' } });
  });

  it('pushes each navigation so the back button works', async () => {
    const history = memoryHistory('/');
    const { store } = setup({ 'GET /api/v1/me': () => ({ status: 200, body: me() }) }, { history });
    await store.start();
    store.navigate({ section: 'channels', channelId: 3 });
    store.navigate({ section: 'directory' });
    expect(history.stack).toEqual(['/', '/c/3', '/directory']);
  });

  it('goes to the login page when the session ends in use', async () => {
    const { store } = setup({ 'GET /api/v1/me': () => ({ status: 200, body: me() }) });
    await store.start();
    store.sessionExpired();
    expect(screen(store)).toMatchObject({ name: 'login', error: { code: 'unauthenticated' } });
  });

  it('a logout in one tab logs out the others of this browser', async () => {
    const tabs = memoryTabs();
    const routes = { 'GET /api/v1/me': () => ({ status: 200, body: me() }), 'POST /api/v1/auth/logout': () => ({ status: 204 }) };
    const one = createAppStore({ api: createApi(fakeFetch(routes).fetch), now: () => NOW, tabs: tabs.tab() });
    const two = createAppStore({ api: createApi(fakeFetch(routes).fetch), now: () => NOW, tabs: tabs.tab() });
    await one.start();
    await two.start();
    await one.logout();
    expect(one.getState().screen).toMatchObject({ name: 'login', error: undefined });
    expect(two.getState().screen).toMatchObject({ name: 'login', username: 'wangjianguo', error: { code: 'logged_out_elsewhere' } });
  });
});

describe('the credential for the encryption key', () => {
  it('is handed to the shell once after a login, never after a reload', async () => {
    const { store } = setup({ 'POST /api/v1/auth/login': () => loginOk() });
    await store.start();
    await store.login('wangjianguo', 'Govchat#2026');
    expect(screen(store).name).toBe('shell');
    expect(store.takeSecret(2)).toBeUndefined(); // someone else's shell: nothing
    const again = setup({ 'POST /api/v1/auth/login': () => loginOk() });
    await again.store.start();
    await again.store.login('wangjianguo', 'Govchat#2026');
    const secret = again.store.takeSecret(1)!;
    expect(secret.cred).toMatchObject({ salt: PRELOGIN.salt, iterations: 600000, authHash: await hashOf('Govchat#2026') });
    expect(secret.cred.wrapKey.extractable).toBe(false);
    expect(secret.legacyPassword).toBeUndefined();
    expect(again.store.takeSecret(1)).toBeUndefined();
    const reload = setup({ 'GET /api/v1/me': () => ({ status: 200, body: me() }) });
    await reload.store.start();
    expect(reload.store.takeSecret(1)).toBeUndefined();
  });

  it('after the two steps of a login with a second factor', async () => {
    const { store } = setup({
      'POST /api/v1/auth/login': (b) => ((b as { totp_code?: string }).totp_code ? loginOk() : { status: 401, body: err('totp_required') }),
    });
    await store.start();
    await store.login('wangjianguo', 'Govchat#2026');
    await store.submitTotp('123456');
    expect(store.takeSecret(1)?.cred.authHash).toBe(await hashOf('Govchat#2026'));
  });

  it('a legacy account sends the password once, with the upgrade credential under a fresh salt', async () => {
    const { store, calls } = setup({
      'POST /api/v1/auth/prelogin': () => ({ status: 200, body: { ...PRELOGIN, legacy: true } }),
      'POST /api/v1/auth/login': (b) => ((b as { totp_code?: string }).totp_code ? loginOk() : { status: 401, body: err('totp_required') }),
    });
    await store.start();
    await store.login('wangjianguo', 'Govchat#2026');
    await store.submitTotp('123456');
    const logins = calls.filter((c) => c.url.endsWith('/auth/login')).map((c) => c.body as { password: string; upgrade: { salt: string; iterations: number; auth_hash: string } });
    expect(logins).toHaveLength(2);
    expect(logins[1]).toEqual({ ...logins[0], totp_code: '123456' }); // the same upgrade both times
    const up = logins[0]!.upgrade;
    expect(logins[0]!.password).toBe('Govchat#2026');
    expect(up.salt).not.toBe(PRELOGIN.salt);
    expect(up.auth_hash).toBe((await deriveCredential('Govchat#2026', up)).authHash);
    const secret = store.takeSecret(1)!;
    expect(secret).toMatchObject({ legacyPassword: 'Govchat#2026', cred: { salt: up.salt, authHash: up.auth_hash } });
  });

  it('after a forced change it is the new credential; a logout forgets it', async () => {
    let current = me({ must_change_password: true });
    let sent: { new: { auth_hash: string; salt: string }; current_auth_hash: string } | undefined;
    const { store } = setup({
      'POST /api/v1/auth/login': () => loginOk(current),
      'POST /api/v1/me/password': (b) => {
        sent = b as typeof sent;
        current = { ...current, must_change_password: false };
        return loginOk(current);
      },
      'POST /api/v1/auth/logout': () => ({ status: 204 }),
    });
    await store.start();
    await store.login('wangjianguo', 'OneTime#123');
    await store.changePassword('', 'LongEnough#1', 'LongEnough#1');
    expect(screen(store).name).toBe('shell');
    // The one-time password's hash from the login, not asked again nor derived again.
    expect(sent!.current_auth_hash).toBe(await hashOf('OneTime#123'));
    expect(store.takeSecret(1)?.cred).toMatchObject({ authHash: sent!.new.auth_hash, salt: sent!.new.salt });
    await store.login('x', 'y'); // not on the login page: ignored
    current = me();
    await store.logout();
    await store.login('wangjianguo', 'Govchat#2026');
    await store.logout();
    expect(store.takeSecret(1)).toBeUndefined();
  });
});
