import { describe, expect, it, vi } from 'vitest';
import { registerServiceWorker } from './pwa';

function fakeNav(register = vi.fn(async () => ({ scope: '/' }) as unknown as ServiceWorkerRegistration)) {
  return { nav: { serviceWorker: { register } as unknown as ServiceWorkerContainer }, register };
}

function fakeWin(readyState: DocumentReadyState = 'complete') {
  const listeners: Record<string, () => void> = {};
  return {
    win: {
      document: { readyState },
      addEventListener: (type: string, fn: () => void) => {
        listeners[type] = fn;
      },
    } as unknown as Window,
    fire: (type: string) => listeners[type]?.(),
  };
}

describe('registerServiceWorker', () => {
  it('does nothing under Vitest by default', async () => {
    const { nav, register } = fakeNav();
    expect(await registerServiceWorker({ nav, win: fakeWin().win })).toBeUndefined();
    expect(register).not.toHaveBeenCalled();
  });

  it('does nothing where service workers are unsupported', async () => {
    expect(await registerServiceWorker({ enabled: true, nav: {} as Navigator, win: fakeWin().win })).toBeUndefined();
    expect(await registerServiceWorker({ enabled: true, nav: undefined, win: fakeWin().win })).toBeUndefined();
  });

  it('registers /sw.js for the whole site, bypassing the HTTP cache for updates', async () => {
    const { nav, register } = fakeNav();
    const reg = await registerServiceWorker({ enabled: true, nav, win: fakeWin().win });
    expect(reg).toEqual({ scope: '/' });
    expect(register).toHaveBeenCalledWith('/sw.js', { scope: '/', updateViaCache: 'none' });
  });

  it('waits for the page to load first', async () => {
    const { nav, register } = fakeNav();
    const { win, fire } = fakeWin('loading');
    const pending = registerServiceWorker({ enabled: true, nav, win });
    await Promise.resolve();
    expect(register).not.toHaveBeenCalled();
    fire('load');
    await pending;
    expect(register).toHaveBeenCalledOnce();
  });

  it('swallows a failed registration', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { nav } = fakeNav(vi.fn(async () => Promise.reject(new Error('SecurityError'))));
    expect(await registerServiceWorker({ enabled: true, nav, win: fakeWin().win })).toBeUndefined();
    expect(warn).toHaveBeenCalled();
    warn.mockRestore();
  });
});
