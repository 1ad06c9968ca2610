// govchat service worker, part two: what a push looks like as a notification, and which app
// path a click opens. Plain JS with no imports, loaded by sw.js with importScripts() and by
// the unit tests (src/push/swPush.test.ts); it only defines self.GovchatPush.
//
// The payload (JSON, from the server's push worker; protocol/push.go):
//   { kind: message|mention|direct|notice|reminder|escalation|digest|test|todo,
//     title, body, url (an app path: /c/12, /notices/7), tag, urgent,
//     counts?: { notices, mentions, messages } }
// Anything missing, malformed or not JSON still shows a notification (您有新消息): a push
// the person never sees is worse than a plain one, and Chrome shows its own "site updated in
// the background" note when a push shows nothing.

(function (root) {
  'use strict';

  var KINDS = ['message', 'mention', 'direct', 'notice', 'reminder', 'escalation', 'digest', 'test', 'todo'];
  var GENERIC_TITLE = 'govchat';
  var GENERIC_BODY = '您有新消息';
  var ICON = '/icons/icon-192.png';
  var BADGE = '/icons/badge-96.png';
  var MAX_TITLE = 120;
  var MAX_BODY = 400;
  var MAX_TAG = 128;

  function text(v, max) {
    if (typeof v !== 'string') return '';
    var s = v.replace(/\s+/g, ' ').trim();
    return s.length > max ? s.slice(0, max - 1) + '…' : s;
  }

  function count(v) {
    return typeof v === 'number' && isFinite(v) && v > 0 ? Math.floor(v) : 0;
  }

  /** A path inside the app, or '/' for anything else (other origins, javascript:, /api/). */
  function safePath(url, origin) {
    if (typeof url !== 'string' || url === '') return '/';
    try {
      var u = new URL(url, origin);
      if (u.origin !== origin) return '/';
      if (u.pathname === '/api' || u.pathname.indexOf('/api/') === 0) return '/';
      return u.pathname + u.search + u.hash;
    } catch (e) {
      return '/';
    }
  }

  /** The digest's own line when the server sent no body: 2 条通知待确认，1 条提及，5 条新消息. */
  function digestBody(c) {
    if (!c || typeof c !== 'object') return '';
    var parts = [];
    if (count(c.notices)) parts.push(count(c.notices) + ' 条通知待确认');
    if (count(c.mentions)) parts.push(count(c.mentions) + ' 条@我的消息');
    if (count(c.messages)) parts.push(count(c.messages) + ' 条新消息');
    return parts.join('，');
  }

  /** Reads a PushMessageData (or a string, or an already parsed object) into an object. */
  function parse(data) {
    if (data == null) return null;
    try {
      if (typeof data === 'string') return JSON.parse(data);
      if (typeof data.json === 'function') return data.json();
      if (typeof data === 'object') return data;
    } catch (e) {
      /* not JSON */
    }
    return null;
  }

  /**
   * The notification for a push: { title, options } ready for registration.showNotification.
   * Never throws.
   */
  function notificationFor(data, origin) {
    var p = parse(data);
    if (!p || typeof p !== 'object' || Array.isArray(p)) p = {};
    var kind = KINDS.indexOf(p.kind) >= 0 ? p.kind : 'message';
    var title = text(p.title, MAX_TITLE) || GENERIC_TITLE;
    var body = text(p.body, MAX_BODY) || (kind === 'digest' ? digestBody(p.counts) : '') || GENERIC_BODY;
    var tag = text(p.tag, MAX_TAG);
    var urgent = p.urgent === true;
    var options = {
      body: body,
      icon: ICON,
      badge: BADGE,
      lang: 'zh-CN',
      dir: 'auto',
      data: { url: safePath(p.url, origin), kind: kind },
      requireInteraction: urgent,
      timestamp: Date.now(),
    };
    if (tag) {
      // A newer push for the same channel or notice replaces the older one, and still alerts.
      options.tag = tag;
      options.renotify = true;
    }
    if (urgent) options.vibrate = [200, 100, 200, 100, 400];
    return { title: title, options: options };
  }

  /** The generic notification, when showing the real one failed. */
  function fallback() {
    return { title: GENERIC_TITLE, options: { body: GENERIC_BODY, icon: ICON, badge: BADGE, lang: 'zh-CN', data: { url: '/' } } };
  }

  /** The app path a clicked notification opens. */
  function targetOf(notificationData, origin) {
    return safePath(notificationData && typeof notificationData === 'object' ? notificationData.url : '', origin);
  }

  root.GovchatPush = {
    notificationFor: notificationFor,
    fallback: fallback,
    targetOf: targetOf,
    safePath: safePath,
    GENERIC_BODY: GENERIC_BODY,
  };
})(self);
