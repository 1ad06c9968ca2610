// The installable web app: registers the service worker (public/sw.js, served at /sw.js)
// that lets the installed app open offline. Push notifications come later, with quiet hours.

export interface RegisterOptions {
  /** Defaults to the browser's navigator. */
  nav?: Pick<Navigator, 'serviceWorker'> | undefined;
  /** Defaults to window; registration waits for its load event so it never slows the start. */
  win?: Pick<Window, 'addEventListener'> & { document: Pick<Document, 'readyState'> };
  /** Defaults to true outside Vitest and the Vite dev server. */
  enabled?: boolean;
}

/** Whether this build should register a worker: not under Vitest, not under `vite` (dev). */
function enabledByDefault(): boolean {
  const env = import.meta.env;
  return !env.VITEST && !env.DEV && env.MODE !== 'test';
}

/**
 * Registers /sw.js for the whole site once the page has loaded. Resolves with the
 * registration, or undefined when service workers are unsupported (old browsers, plain
 * http on a non-local address), disabled (tests, dev server) or the registration failed,
 * which only costs the offline start, so it is logged and otherwise ignored.
 */
export async function registerServiceWorker(opts: RegisterOptions = {}): Promise<ServiceWorkerRegistration | undefined> {
  const enabled = opts.enabled ?? enabledByDefault();
  const nav = 'nav' in opts ? opts.nav : typeof navigator === 'undefined' ? undefined : navigator;
  const win = opts.win ?? (typeof window === 'undefined' ? undefined : window);
  if (!enabled || !nav || !('serviceWorker' in nav) || !nav.serviceWorker || !win) return undefined;
  if (win.document.readyState !== 'complete') {
    await new Promise<void>((resolve) => win.addEventListener('load', () => resolve(), { once: true }));
  }
  try {
    // updateViaCache 'none': the browser always asks the server for a newer sw.js.
    return await nav.serviceWorker.register('/sw.js', { scope: '/', updateViaCache: 'none' });
  } catch (err) {
    console.warn('govchat: service worker not registered', err);
    return undefined;
  }
}
