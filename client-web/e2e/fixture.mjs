// The one setup of a browser test file (harness.mjs has the parts): a fresh govchat server
// and one headless chromium for the file, both stopped when it ends; fresh pages on that
// server, logged in through the real form when asked.
//
//   const e2e = fixture();                      // at the top of the file (before/after hooks)
//   before(async () => { … }, …)                // a file's own setup: e2e.open/person wait
//                                               // for the server and browser
//   test('…', async (t) => {
//     const a = await e2e.person(t, 'lihua', { online: true });   // { context, page, problems }
//     const b = await e2e.open(t, { viewport: { width: 360, height: 740 } });  // not logged in
//     e2e.server.baseURL, e2e.server.restart(), e2e.browser   // once the file's tests run
//   });
//
// fixture(opts) takes startServer's options (harness.mjs). Pages close when their test ends
// (with a screenshot when it failed); one opened without `t` is the caller's to close.

import { after, before } from 'node:test';
import { launchBrowser, login, openPage, startServer } from './harness.mjs';

export function fixture(serverOptions = {}) {
  let server;
  let browser;
  // Node 20 starts a file's top-level before hooks together without awaiting one another,
  // so what needs the server (a file's own before hook too) waits for this.
  let ready;

  before(
    () => {
      ready = (async () => {
        server = await startServer(serverOptions);
        browser = await launchBrowser();
      })();
      return ready;
    },
    { timeout: 90_000 },
  );

  after(
    async () => {
      await browser?.close().catch(() => {});
      await server?.stop();
    },
    { timeout: 20_000 },
  );

  /** A fresh context and page on the server; options go to openPage (viewport, locale, …). */
  const open = async (t, options = {}) => {
    await ready;
    return openPage(browser, { baseURL: server.baseURL, t, ...options });
  };

  return {
    get server() {
      return server;
    },
    get browser() {
      return browser;
    },
    open,
    /**
     * A fresh page logged in as `username`, on the shell — again after a pause when the
     * server's login rate limit says 操作过于频繁 (a file may sign many people in within a
     * minute). `permissions` are granted first (e.g. ['notifications']); `online` also
     * waits for the chat connection; `noPicker` takes the save picker away (headless
     * Chromium cannot show one), so a download goes through the service worker as on a
     * phone.
     */
    async person(t, username, { online = false, permissions, noPicker = false, ...options } = {}) {
      const p = await open(t, options);
      if (permissions) await p.context.grantPermissions(permissions, { origin: server.baseURL });
      if (noPicker) {
        await p.context.addInitScript(() => {
          delete (/** @type {any} */ (window).showSaveFilePicker);
        });
      }
      for (let i = 0; ; i++) {
        try {
          await login(p.page, server.baseURL, username);
          break;
        } catch (err) {
          if (i >= 5 || !/操作过于频繁/.test(String(err))) throw err;
          await new Promise((r) => setTimeout(r, 2000));
        }
      }
      if (online) await p.page.locator('.chat[data-conn="online"]').waitFor();
      return p;
    },
  };
}
