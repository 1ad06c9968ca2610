// govchat service worker, part three: a download the page decrypts, streamed to the
// browser's own download manager. Plain JS with no imports, loaded by sw.js with
// importScripts() and by the unit tests (src/files/swDownload.test.ts); it only defines
// self.GovchatDownload. The page's half is src/files/download.ts (serviceWorkerTarget).
//
// For browsers without a save picker (showSaveFilePicker): the page decrypts the file as it
// arrives and hands the plaintext here, chunk by chunk; the worker answers a request for
// /dl/<id> with a Response whose body is that stream and `Content-Disposition: attachment`,
// so the browser saves it as a download. Nothing but the page's chunks is in the body.
//
//   page → worker (message event):  { type: 'govchat:download', id, name, size } + a port
//   worker → page (port):           ready, then started (the browser asked for /dl/<id>),
//                                   pull (send one chunk), cancel (the person cancelled
//                                   it in the browser), expired (never asked for)
//   page → worker (port):           chunk (an ArrayBuffer), end, error
//
// A chunk is sent only after a pull, so at most one is in flight (the browser's disk
// sets the pace). `error` errors the body: the browser marks the download failed and
// deletes its partial file, so nothing unverified is left on disk. A download is taken up
// once: the id is random, single-use, and forgotten if the browser does not ask for it
// within UNCLAIMED_MS.
//
// Only a file the server has just allowed to be saved is streamed: sw.js passes the page's
// GET /api/v1/files/<blob>?purpose=save through and, when the server answers it 2xx, calls
// allowSave(blob) (single use, for SAVE_WINDOW_MS). An offer must name that blob; any other
// — a view-only file (the server answered download_not_allowed), or an offer made without
// asking the server — is answered `refused` and never becomes a download.

(function (root) {
  'use strict';

  var UNCLAIMED_MS = 30000;
  var MAX_NAME = 1024;
  var ID = /^[A-Za-z0-9_-]{16,64}$/;
  var BLOB = /^[0-9a-f]{32}$/;
  var SAVE_WINDOW_MS = 120000;
  var waiting = new Map(); // id → { port, name, size, timer }
  var allowed = new Map(); // blob id → until (ms): saves the server allowed

  /** The server answered a save of this blob with 2xx (sw.js): one download may follow. */
  function allowSave(blob, now) {
    var t = typeof now === 'number' ? now : Date.now();
    if (typeof blob !== 'string' || !BLOB.test(blob)) return;
    allowed.forEach(function (until, id) {
      if (until <= t) allowed.delete(id);
    });
    allowed.set(blob, t + SAVE_WINDOW_MS);
  }

  /** Takes up an allowance of the blob (true), or finds none (false). */
  function takeAllowance(blob) {
    var until = typeof blob === 'string' ? allowed.get(blob) : undefined;
    if (until === undefined) return false;
    allowed.delete(blob);
    return until > Date.now();
  }

  /** The blob of a save request (GET /api/v1/files/<blob>?purpose=save), or null. */
  function saveRequestBlob(url) {
    var m = /^\/api\/v1\/files\/([0-9a-f]{32})$/.exec(url.pathname);
    return m && url.searchParams.get('purpose') === 'save' ? m[1] : null;
  }

  /** RFC 6266 / 8187: an ASCII fallback and the UTF-8 name (attr-char only, so ' ( ) * too). */
  function disposition(name) {
    var utf8 = encodeURIComponent(name).replace(/['()*!]/g, function (c) {
      return '%' + c.charCodeAt(0).toString(16).toUpperCase();
    });
    var ascii = name.replace(/[^\x20-\x7e]|["\\%;]/g, '_') || 'download';
    return 'attachment; filename="' + ascii + '"; filename*=UTF-8\'\'' + utf8;
  }

  /** Takes a download offered by the page; the promise settles when it is taken up or dropped. */
  function accept(data, port) {
    if (!port || !data || typeof data.id !== 'string' || !ID.test(data.id) || waiting.has(data.id)) {
      if (port) port.postMessage({ type: 'expired' });
      return Promise.resolve();
    }
    if (!takeAllowance(data.blob)) {
      port.postMessage({ type: 'refused' });
      return Promise.resolve();
    }
    var name = typeof data.name === 'string' && data.name ? data.name.slice(0, MAX_NAME) : 'download';
    var size = typeof data.size === 'number' && data.size >= 0 && Number.isSafeInteger(data.size) ? data.size : undefined;
    return new Promise(function (settled) {
      var entry = { port: port, name: name, size: size, settled: settled, timer: null };
      entry.timer = setTimeout(function () {
        if (waiting.get(data.id) !== entry) return;
        waiting.delete(data.id);
        port.postMessage({ type: 'expired' });
        port.close();
        settled();
      }, UNCLAIMED_MS);
      waiting.set(data.id, entry);
      port.postMessage({ type: 'ready' });
    });
  }

  /** The answer to GET /dl/<id>: the page's stream as an attachment, or 404. */
  function respond(id) {
    var entry = waiting.get(id);
    if (!entry) return new Response('', { status: 404, headers: { 'Content-Type': 'text/plain' } });
    waiting.delete(id);
    clearTimeout(entry.timer);
    entry.settled();
    var port = entry.port;
    var next = null; // resolves the pending pull
    var finished = false;
    var body = new ReadableStream(
      {
        start: function (ctl) {
          port.onmessage = function (e) {
            var m = e.data || {};
            if (finished) return;
            if (m.type === 'chunk' && m.chunk instanceof ArrayBuffer) {
              ctl.enqueue(new Uint8Array(m.chunk));
            } else if (m.type === 'end') {
              finished = true;
              ctl.close();
              port.close();
            } else {
              // 'error', or anything unexpected: fail the download, keep nothing.
              finished = true;
              ctl.error(new Error('download failed'));
              port.close();
            }
            if (next) {
              var n = next;
              next = null;
              n();
            }
          };
          port.postMessage({ type: 'started' });
        },
        pull: function () {
          if (finished) return undefined;
          return new Promise(function (resolve) {
            next = resolve;
            port.postMessage({ type: 'pull' });
          });
        },
        cancel: function () {
          if (finished) return;
          finished = true;
          port.postMessage({ type: 'cancel' });
          port.close();
          if (next) next();
        },
      },
      { highWaterMark: 1 },
    );
    var headers = {
      'Content-Type': 'application/octet-stream',
      'Content-Disposition': disposition(entry.name),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    };
    if (entry.size !== undefined) headers['Content-Length'] = String(entry.size);
    return new Response(body, { status: 200, headers: headers });
  }

  /** A short wait for keep-alive messages: each one keeps the worker awake a while longer. */
  function linger(ms) {
    return new Promise(function (resolve) {
      setTimeout(resolve, ms);
    });
  }

  root.GovchatDownload = {
    accept: accept,
    respond: respond,
    disposition: disposition,
    linger: linger,
    allowSave: allowSave,
    saveRequestBlob: saveRequestBlob,
    ID: ID,
  };
})(self);
