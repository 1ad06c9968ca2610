// Screenshots of the web client for the docs: `npm run screenshots`.
//
// Starts the real server (harness.mjs; GOVCHAT_BIN defaults to ../bin/govchat, so run
// `make build` first), logs in as demo users, posts a short realistic conversation in a
// department channel over the WebSocket API, and saves PNGs into docs/screenshots/ at
// desktop (1280×800) and phone (390×844, 2× pixels) sizes:
//
//   login-{desktop,phone}.png          /                 logged out
//   channels-{desktop,phone}.png       /                 王建国 (leader)
//   channel-{desktop,phone}.png        /c/<id>           his first department channel, with
//                                                        reactions and read status
//   directory-{desktop,phone}.png      /directory        王建国
//   me-{desktop,phone}.png             /me               王建国: his card, password, second factor
//   admin-people-{desktop,phone}.png   /admin/people     周涛 (system administrator)
//   notice-pinned-{desktop,phone}.png  /c/<预算股>       张静: a notice pinned above the channel
//   notice-tally-{desktop,phone}.png   /notices/<id>     王建国: the notice and its live tally
//
// A view whose markup is not there yet is shot as it is: the script waits for <main>
// (and for the conversation in the channel view) only for a while.

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_PASSWORD, DEMO_USERS, launchBrowser, login, startServer } from './harness.mjs';
import { pdf, png } from './samples.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.join(HERE, '..', '..');
const OUT = path.join(REPO, 'docs', 'screenshots');
process.env.GOVCHAT_BIN ??= path.join(REPO, 'bin', 'govchat');

const VIEWPORTS = {
  desktop: { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 },
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
};

// The conversation, in order: `lead` is the channel's first user, `peer` another member.
const CONVERSATION = [
  ['lead', '各位：下周一上午九点召开局党组会，研究2027年部门预算编制方案，请刘局长牵头准备汇报材料。'],
  ['peer', '好的。预算股已汇总各单位上报的基础数据，周五前形成初稿报您审阅。'],
  ['lead', '县政府要求本月25日前报送，时间比较紧。涉农资金部分请提前和农业农村股对接，测算口径要统一。'],
  ['peer', '明白，我今天下午先和马亮同志碰一下，把惠农补贴的测算依据核对清楚。'],
  ['lead', '另外，国库集中支付系统月底升级，各股室要在28日前完成新系统测试，请办公室发个通知。'],
  ['peer', '收到，我让何平同志安排一次操作培训，时间定了在群里说。'],
];

const WAIT_MS = 10_000;

/** Logs in, waiting out the server's login rate limit once if it answers with one. */
async function signIn(page, baseURL, username) {
  try {
    await login(page, baseURL, username, DEMO_PASSWORD);
  } catch (err) {
    const m = /(\d+) 秒后再试/.exec(String(err.message));
    if (!m) throw err;
    await page.waitForTimeout(Number(m[1]) * 1000 + 500);
    await login(page, baseURL, username, DEMO_PASSWORD);
  }
}

/** GET of a JSON API path with the page's session (page.request shares the context's cookies). */
async function getJSON(page, baseURL, p) {
  const res = await page.request.get(baseURL + p);
  if (!res.ok()) throw new Error(`GET ${p}: HTTP ${res.status()} ${await res.text()}`);
  return res.json();
}

/**
 * Sends frames from the page's user over its own WebSocket (PROTOCOL.md §7: hello, then
 * each frame, answered by the frame with the same ref) and resolves with the answers'
 * data. Frames that are not answered with an ack (a read is answered with read) pass
 * as long as they are not refused.
 */
function exchange(page, frames) {
  return page.evaluate(
    async ({ frames, timeoutMs }) => {
      const ws = new WebSocket(location.origin.replace(/^http/, 'ws') + '/api/v1/ws');
      const pending = new Map();
      ws.onmessage = (ev) => {
        for (const line of String(ev.data).split('\n')) {
          const f = JSON.parse(line);
          const done = f.ref && pending.get(f.ref);
          if (done) {
            pending.delete(f.ref);
            done(f);
          }
        }
      };
      await new Promise((resolve, reject) => {
        ws.onopen = resolve;
        ws.onerror = () => reject(new Error('WebSocket could not connect'));
      });
      const call = (frame) =>
        new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no answer to ${frame.type}`)), timeoutMs);
          pending.set(frame.ref, (f) => {
            clearTimeout(timer);
            resolve(f);
          });
          ws.send(JSON.stringify(frame));
        });
      try {
        const welcome = await call({ v: 1, type: 'hello', ref: 'h-1' });
        if (welcome.type !== 'welcome') throw new Error(`hello: ${JSON.stringify(welcome)}`);
        const out = [];
        for (const [i, [type, data]] of frames.entries()) {
          const answer = await call({ v: 1, type, ref: `f-${i}`, data });
          if (answer.type === 'error') throw new Error(`${type}: ${JSON.stringify(answer)}`);
          out.push(answer.data);
        }
        return out;
      } finally {
        ws.close(1000);
      }
    },
    { frames, timeoutMs: WAIT_MS },
  );
}

/** Posts one message and resolves with its ack. */
async function post(page, channelId, clientId, text) {
  const [ack] = await exchange(page, [['send', { channel_id: channelId, client_id: clientId, text }]]);
  return ack;
}

/** PUT of a JSON API path with the page's session (see postJSON). */
async function putJSON(page, baseURL, p, body) {
  const res = await page.request.put(baseURL + p, { data: body, headers: { Origin: baseURL } });
  if (!res.ok()) throw new Error(`PUT ${p}: HTTP ${res.status()} ${await res.text()}`);
  return res.json();
}

/** A 秘密 working group: the leader makes it with a colleague, the security officer
 * raises its ceiling and usual level to 秘密, and two 秘密 messages are posted, so the
 * shot shows the level tags and the viewer's watermark. */
async function secretGroup(contextFor, baseURL, peer) {
  const leadCtx = await contextFor('desktop', DEMO_USERS.leader.username);
  const leadPage = await leadCtx.newPage();
  await leadPage.goto(baseURL + '/');
  const group = await postJSON(leadPage, baseURL, '/api/v1/channels', { name: '专项核查工作组', members: [peer.user_id] });
  const officerCtx = await contextFor('desktop', DEMO_USERS.security.username);
  const officerPage = await officerCtx.newPage();
  await officerPage.goto(baseURL + '/');
  await putJSON(officerPage, baseURL, `/api/v1/secrecy/channels/${group.id}`, { max_secrecy: 3, default_secrecy: 3 });
  await officerCtx.close();
  const stamp = Date.now().toString(36);
  await exchange(leadPage, [
    ['send', { channel_id: group.id, client_id: `secret-${stamp}-1`, secrecy: 3, text: '核查名单已发到本群，请勿外传、勿截图。' }],
    ['send', { channel_id: group.id, client_id: `secret-${stamp}-2`, secrecy: 3, text: '周三上午九点在三楼小会议室碰头。' }],
  ]);
  await leadCtx.close();
  return group.id;
}

/** A collection (收集): the leader asks 预算股 for their figures by a deadline, and
 * 张静 answers, so the author's view shows who has and has not. */
async function publishCollection(contextFor, baseURL, budgetId) {
  const leadCtx = await contextFor('desktop', DEMO_USERS.leader.username);
  const leadPage = await leadCtx.newPage();
  await leadPage.goto(baseURL + '/');
  const c = await postJSON(leadPage, baseURL, '/api/v1/collections', {
    kind: 'form',
    title: '2027年部门预算基数表',
    description: '请各股室于周五前填报，数字以万元计。',
    fields: [
      { id: 'unit', label: '填报股室', type: 'text', required: true },
      { id: 'amount', label: '2027年预算数（万元）', type: 'number', required: true },
      { id: 'note', label: '说明', type: 'text' },
    ],
    audience: { channels: [budgetId] },
    deadline: new Date(Date.now() + 3 * 86400_000).toISOString(),
  });
  await leadCtx.close();
  const staffCtx = await contextFor('desktop', 'zhangjing');
  const staffPage = await staffCtx.newPage();
  await staffPage.goto(baseURL + '/');
  await postJSON(staffPage, baseURL, `/api/v1/collections/${c.id}/submission`, {
    values: { unit: '预算股', amount: 1280.5, note: '含两项新增专项' },
  });
  await staffCtx.close();
  return c.id;
}

/** POST of a JSON API path with the page's session; the Origin header is what a browser
 * page would send (the server refuses cookie writes from elsewhere). */
async function postJSON(page, baseURL, p, body) {
  const res = await page.request.post(baseURL + p, { data: body, headers: { Origin: baseURL } });
  if (!res.ok()) throw new Error(`POST ${p}: HTTP ${res.status()} ${await res.text()}`);
  return res.json();
}

/** Publishes a notice to 预算股 (with its groups) and 国库股 as the leader, and has two
 * recipients confirm it, so the tally has something to show. */
async function publishNotice(contextFor, baseURL) {
  const leader = await contextFor('desktop', DEMO_USERS.leader.username);
  const page = await leader.newPage();
  await page.goto(baseURL + '/');
  const { departments } = await getJSON(page, baseURL, '/api/v1/org');
  const dept = (name) => departments.find((d) => d.name === name)?.id;
  const deadline = new Date(Date.now() + 3 * 86_400_000).toISOString();
  const notice = await postJSON(page, baseURL, '/api/v1/notices', {
    title: '关于报送2027年部门预算草案的通知',
    body: '各股室：\n请于本周五17:00前将本股室2027年部门预算草案（含基本支出和项目支出测算表）报送预算股。\n逾期未报的，按上年基数安排。',
    priority: 'urgent',
    deadline,
    audience: { departments: [{ id: dept('预算股'), sub: true }, { id: dept('国库股') }] },
  });
  await leader.close();
  for (const username of ['lihua', 'wuqiang']) {
    const ctx = await contextFor('desktop', username);
    const p = await ctx.newPage();
    await p.goto(baseURL + '/');
    await postJSON(p, baseURL, `/api/v1/notices/${notice.id}/seen`, { revision: 1 });
    await postJSON(p, baseURL, `/api/v1/notices/${notice.id}/confirm`, { revision: 1, reply: '收到，按时报送' });
    await ctx.close();
  }
  console.log(`published notice ${notice.id} to ${notice.recipients} people`);
  return notice;
}

/**
 * Waits until the signed-in person's key is unlocked in this browser: its device copy is
 * in IndexedDB (src/files/device.ts), so later pages of the context open files without
 * asking for the password.
 */
async function waitForKey(page) {
  const held = () =>
    page.evaluate(
      () =>
        new Promise((resolve) => {
          const r = indexedDB.open('govchat-keys');
          r.onerror = () => resolve(false);
          r.onsuccess = () => {
            const db = r.result;
            if (!db.objectStoreNames.contains('device')) return db.close(), resolve(false);
            const c = db.transaction('device').objectStore('device').count();
            c.onsuccess = () => (db.close(), resolve(c.result > 0));
            c.onerror = () => (db.close(), resolve(false));
          };
        }),
    );
  for (let i = 0; i < 150; i++) {
    if (await held()) return;
    await page.waitForTimeout(200);
  }
  throw new Error('the key was not unlocked after signing in');
}

/**
 * The leader sends a photo of a signed page and a PDF to a colleague in their direct chat,
 * through the composer as a person does (both have signed in, so both have keys); answers
 * the direct channel's id.
 */
async function sendFiles(contextFor, baseURL, peer) {
  const context = await contextFor('desktop', DEMO_USERS.leader.username);
  const page = await context.newPage();
  await page.goto(baseURL + '/');
  const res = await page.request.post(`${baseURL}/api/v1/direct/${peer.user_id}`, { headers: { Origin: baseURL } });
  if (!res.ok()) throw new Error(`open the direct chat: HTTP ${res.status()} ${await res.text()}`);
  const { id } = await res.json();
  await page.goto(`${baseURL}/c/${id}`);
  await page.locator('.chat[data-conn="online"]').waitFor({ timeout: WAIT_MS });
  const sent = async (input, file) => {
    const before = await page.locator('.timeline .msg').count();
    await page.locator(input).setInputFiles(file);
    for (let i = 0; i < 300 && (await page.locator('.timeline .msg').count()) <= before; i++) await page.waitForTimeout(200);
    for (let i = 0; i < 150 && (await page.locator('.upload-item').count()) > 0; i++) await page.waitForTimeout(200);
  };
  await sent('.composer input[type="file"][accept="image/*"]:not([capture])', { name: '签字页.png', mimeType: 'image/png', buffer: png(1200, 1600, { band: [180, 40, 40] }) });
  await sent('.composer input[type="file"]:not([accept])', { name: '关于做好2027年预算编制工作的通知.pdf', mimeType: 'application/pdf', buffer: pdf('2027 budget - govchat') });
  await context.close();
  console.log(`sent a picture and a PDF to ${peer.display_name} (/c/${id})`);
  return id;
}

/** Opens a route, lets the app settle, and saves docs/screenshots/<name>-<size>.png. */
async function shoot(page, baseURL, route, name, size, { waitText, waitSelector } = {}) {
  await page.goto(baseURL + route);
  await page.locator('main').first().waitFor({ timeout: WAIT_MS }).catch(() => {});
  if (waitText) await page.getByText(waitText).first().waitFor({ timeout: WAIT_MS }).catch(() => {});
  if (waitSelector) await page.locator(waitSelector).first().waitFor({ timeout: WAIT_MS }).catch(() => {});
  await page.waitForLoadState('networkidle', { timeout: WAIT_MS }).catch(() => {});
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(300); // transitions, focus rings
  const file = path.join(OUT, `${name}-${size}.png`);
  await page.screenshot({ path: file });
  console.log(`wrote ${path.relative(REPO, file)}`);
}

async function main() {
  await mkdir(OUT, { recursive: true });
  const server = await startServer();
  const browser = await launchBrowser();
  const { baseURL } = server;
  try {
    // A fresh sign-in per context: the person's file key is unlocked by the password (or
    // by this browser's device copy, which a copied session does not carry), and a
    // context without it would show the unlock prompt in every shot.
    const contextFor = async (size, username) => {
      const context = await browser.newContext({ ...VIEWPORTS[size], locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
      const page = await context.newPage();
      await signIn(page, baseURL, username);
      await waitForKey(page);
      await page.close();
      return context;
    };

    // The conversation, posted before any shot so the channel list shows it too.
    const lead = DEMO_USERS.leader.username;
    const leadCtx = await contextFor('desktop', lead);
    const leadPage = await leadCtx.newPage();
    await leadPage.goto(baseURL + '/');
    const { channels } = await getJSON(leadPage, baseURL, '/api/v1/channels');
    const channel = channels.find((c) => c.kind === 'department' && !c.archived);
    if (!channel) throw new Error(`${lead} has no department channel: ${JSON.stringify(channels)}`);
    const { members } = await getJSON(leadPage, baseURL, `/api/v1/channels/${channel.id}/members`);
    const peerMember = members.find((m) => m.username !== lead);
    let peerPage = null;
    if (peerMember) {
      const peerCtx = await contextFor('desktop', peerMember.username);
      peerPage = await peerCtx.newPage();
      await peerPage.goto(baseURL + '/');
    }
    const stamp = Date.now().toString(36);
    const acks = [];
    for (const [i, [who, text]] of CONVERSATION.entries()) {
      const page = who === 'peer' && peerPage ? peerPage : leadPage;
      acks.push(await post(page, channel.id, `shots-${stamp}-${who}-${i}`, text));
    }
    // The peer reads to the end and answers the leader's instruction with 收到, as staff do.
    if (peerPage) {
      const last = acks.at(-1).seq;
      const instruction = acks[CONVERSATION.findLastIndex(([who]) => who === 'lead')].seq;
      await exchange(peerPage, [
        ['read', { channel_id: channel.id, seq: last }],
        ['react', { channel_id: channel.id, seq: instruction, reaction: '收到', on: true }],
      ]);
    }
    await peerPage?.context().close();
    await leadCtx.close();
    console.log(`posted ${CONVERSATION.length} messages in ${channel.name} (/c/${channel.id})${peerMember ? `, with ${peerMember.display_name}` : ''}`);

    const direct = peerMember ? await sendFiles(contextFor, baseURL, peerMember) : null;
    const notice = await publishNotice(contextFor, baseURL);
    const secret = peerMember ? await secretGroup(contextFor, baseURL, peerMember) : null;
    const staffCtx = await contextFor('desktop', 'zhangjing');
    const staffPage = await staffCtx.newPage();
    await staffPage.goto(baseURL + '/');
    const budget = (await getJSON(staffPage, baseURL, '/api/v1/channels')).channels.find((c) => c.name === '预算股');
    await staffCtx.close();
    const collection = budget ? await publishCollection(contextFor, baseURL, budget.id) : null;

    for (const size of Object.keys(VIEWPORTS)) {
      const anon = await browser.newContext({ ...VIEWPORTS[size], locale: 'zh-CN' });
      const anonPage = await anon.newPage();
      await anonPage.goto(baseURL + '/');
      await anonPage.locator('#username').waitFor({ timeout: WAIT_MS }).catch(() => {});
      await shoot(anonPage, baseURL, '/', 'login', size);
      await anon.close();

      const leader = await contextFor(size, lead);
      const page = await leader.newPage();
      await shoot(page, baseURL, '/', 'channels', size);
      await shoot(page, baseURL, `/c/${channel.id}`, 'channel', size, { waitText: CONVERSATION.at(-1)[1] });
      await shoot(page, baseURL, '/directory', 'directory', size);
      await shoot(page, baseURL, '/me', 'me', size, { waitText: '账号与安全' });
      if (secret) await shoot(page, baseURL, `/c/${secret}`, 'secret-channel', size, { waitText: '周三上午九点' });
      await leader.close();

      const staff = await contextFor(size, 'zhangjing');
      const staffShots = await staff.newPage();
      if (budget) await shoot(staffShots, baseURL, `/c/${budget.id}`, 'notice-pinned', size, { waitText: notice.title });
      await shoot(staffShots, baseURL, '/todos', 'todos', size, { waitText: notice.title });
      await staff.close();
      const author = await contextFor(size, lead);
      const authorPage = await author.newPage();
      await shoot(authorPage, baseURL, `/notices/${notice.id}`, 'notice-tally', size, { waitText: '确认情况' });
      if (collection) await shoot(authorPage, baseURL, `/collect/${collection}`, 'collection', size, { waitText: '2027年部门预算基数表' });
      await author.close();

      if (direct) {
        const peer = await contextFor(size, peerMember.username);
        const peerShots = await peer.newPage();
        await shoot(peerShots, baseURL, `/c/${direct}`, 'files', size, { waitSelector: '.fv-thumb img' });
        await peer.close();
      }

      const officer = await contextFor(size, DEMO_USERS.security.username);
      const officerPage = await officer.newPage();
      await shoot(officerPage, baseURL, '/security/levels', 'secrecy-levels', size, { waitText: '秘密' });
      await shoot(officerPage, baseURL, '/security/holds', 'holds', size, { waitText: '法律保全' });
      // 审计台 (the audit console): the trail, and the export with the verifier key.
      await shoot(officerPage, baseURL, '/audit/trail', 'audit-trail', size, { waitSelector: '.aud-row, .aud-card' });
      await shoot(officerPage, baseURL, '/audit/export', 'audit-export', size, { waitText: '验证密钥' });
      await officer.close();

      const admin = await contextFor(size, DEMO_USERS.admin.username);
      const adminPage = await admin.newPage();
      await shoot(adminPage, baseURL, '/admin/people', 'admin-people', size);
      await admin.close();
    }
  } finally {
    await browser.close().catch(() => {});
    await server.stop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`screenshots: ${err.stack || err}`);
    process.exit(1);
  },
);
