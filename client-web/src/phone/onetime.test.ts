import { describe, expect, it, vi } from 'vitest';
import { createApi } from '../api';
import { createAppStore, type AppState } from '../state';
import { memoryTabs } from '../tabs';
import { err, fakeFetch, hashOf, INFO, loginOk, me, PRELOGIN } from '../testing';

// Each login derives with PBKDF2 (600,000 rounds): slow on a busy machine.
vi.setConfig({ testTimeout: 30_000 });

const NOW = Date.UTC(2026, 10, 23, 6, 5);

type PwBody = { current_auth_hash: string; new: { salt: string; iterations: number; auth_hash: string } };
function setup(password: (b: PwBody) => ReturnType<typeof loginOk> | { status: number; body: unknown } | Promise<{ status: number; body: unknown }>) {
  let current = me({ must_change_password: true });
  const server = fakeFetch({
    'GET /api/v1/info': () => ({ status: 200, body: INFO }),
    'GET /api/v1/me': () => ({ status: 401, body: err('unauthenticated') }),
    'POST /api/v1/auth/prelogin': () => ({ status: 200, body: PRELOGIN }),
    'POST /api/v1/auth/login': () => loginOk(current),
    'POST /api/v1/me/password': async (b) => {
      const r = await password(b as PwBody);
      if (r.status === 200) current = { ...current, must_change_password: false };
      return r.status === 200 ? loginOk(current) : r;
    },
    'POST /api/v1/auth/logout': () => ({ status: 204 }),
  });
  const store = createAppStore({ api: createApi(server.fetch), now: () => NOW });
  return { store, calls: server.calls };
}
const screen = (s: { getState(): AppState }) => s.getState().screen;
const bodies = (calls: { url: string; body?: unknown }[]) => calls.filter((c) => c.url.endsWith('/me/password')).map((c) => c.body);

describe('the first change after a one-time password', () => {
  it('does not ask for the one-time password again: the one typed at login is sent', async () => {
    const { store, calls } = setup(async (b) => (b.current_auth_hash === (await hashOf('OneTime#123')) ? { status: 200, body: {} } : { status: 401, body: err('invalid_credentials') }));
    await store.start();
    await store.login('wangjianguo', 'OneTime#123');
    expect(screen(store)).toMatchObject({ name: 'change_password', knowsCurrent: true });
    await store.changePassword('', 'LongEnough#1', 'LongEnough#1');
    expect(screen(store).name).toBe('shell');
    // The login's hash of the one-time password; one prelogin (the login's), no second derivation.
    expect(bodies(calls)).toMatchObject([{ current_auth_hash: await hashOf('OneTime#123'), new: { iterations: 600000 } }]);
    expect(calls.filter((c) => c.url.endsWith('/prelogin'))).toHaveLength(1);
    expect(JSON.stringify(calls.map((c) => c.body))).not.toMatch(/OneTime#123|LongEnough#1/);
  });

  it('asks for it after a reload (the password is only ever in memory)', async () => {
    // A page opened on a live session: /me says the password must change, nobody typed it here.
    const s2 = createAppStore({
      api: createApi(
        fakeFetch({
          'GET /api/v1/info': () => ({ status: 200, body: INFO }),
          'GET /api/v1/me': () => ({ status: 200, body: me({ must_change_password: true }) }),
        }).fetch,
      ),
      now: () => NOW,
    });
    await s2.start();
    expect(screen(s2)).toMatchObject({ name: 'change_password' });
    expect((screen(s2) as { knowsCurrent?: boolean }).knowsCurrent).toBeFalsy();
    await s2.changePassword('', 'LongEnough#1', 'LongEnough#1');
    expect(screen(s2)).toMatchObject({ name: 'change_password', error: { code: 'bad_request' } });
  });

  it('asks for it when the remembered one no longer works (reset again meanwhile)', async () => {
    const { store } = setup(() => ({ status: 401, body: err('invalid_credentials') }));
    await store.start();
    await store.login('wangjianguo', 'OneTime#123');
    await store.changePassword('', 'LongEnough#1', 'LongEnough#1');
    expect(screen(store)).toMatchObject({ name: 'change_password', knowsCurrent: false, error: { code: 'invalid_credentials' } });
  });

  it('forgets it on logout and never keeps it for an account without the duty', async () => {
    const { store } = setup(() => ({ status: 200, body: {} }));
    await store.start();
    await store.login('wangjianguo', 'OneTime#123');
    await store.logout();
    expect(screen(store).name).toBe('login');
    expect(JSON.stringify(store.getState())).not.toContain('OneTime#123');
  });
});

describe('a password changed inside the shell', () => {
  it('renews the session (the shell reconnects) and keeps the page', async () => {
    const server = fakeFetch({
      'GET /api/v1/info': () => ({ status: 200, body: INFO }),
      'GET /api/v1/me': () => ({ status: 200, body: me() }),
    });
    const store = createAppStore({ api: createApi(server.fetch), now: () => NOW });
    await store.start();
    store.navigate({ section: 'me' });
    store.sessionRenewed(me({ display_name: '王建国' }));
    expect(screen(store)).toMatchObject({ name: 'shell', session: 1, route: { section: 'me' } });
    store.meChanged(me({ totp_enabled: true }));
    expect(screen(store)).toMatchObject({ name: 'shell', session: 1, me: { totp_enabled: true } });
  });

  it('tells the other tabs of this browser, which reconnect with the new session', async () => {
    const tabs = memoryTabs();
    const make = () => {
      const server = fakeFetch({
        'GET /api/v1/info': () => ({ status: 200, body: INFO }),
        'GET /api/v1/me': () => ({ status: 200, body: me() }),
      });
      return { store: createAppStore({ api: createApi(server.fetch), now: () => NOW, tabs: tabs.tab() }), calls: server.calls };
    };
    const a = make();
    const b = make();
    await a.store.start();
    await b.store.start();
    const before = b.calls.length;
    a.store.sessionRenewed(me());
    await vi.waitFor(() => expect(screen(b.store)).toMatchObject({ name: 'shell', session: 1 }));
    expect(b.calls.slice(before).map((c) => c.url)).toEqual(['/api/v1/me']);
    expect(screen(a.store)).toMatchObject({ session: 1 });
  });
});
