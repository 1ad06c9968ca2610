// 审计台 in real browsers against the real server (nothing mocked): 李华 sends a document in
// 预算股 through the composer; 张静 forwards it, through the message menu, into a group with
// 何平, who was never in 预算股; 何平 downloads it. The security officer (赵敏) finds the file
// by its id in 调查 → 文件去向 and sees exactly that path — 预算股 (李华) with the forward to
// the group (张静) nested under it — and those people: received by the three, forwarded by
// 张静, downloaded by 何平; from the file she may open the escrowed file for a case. The
// auditor (孙丽) reaches the same trace from the message's address, read-only (no escrow
// open, alerts not acknowledgeable). A staff member (周海燕) has no console: no nav entry,
// the address refused, the API 403. Screenshots at 1280 and 390 px. `npm run test:browser`.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { fixture } from './fixture.mjs';
import { sendFile, shot, waitUntil } from './harness.mjs';

const TIMEOUT = 240_000;
const DESKTOP = { viewport: { width: 1280, height: 900 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const CHANNEL = '预算股';
const GROUP = '预算国库协调';
const DOC = '关于2027年预算调整事项的请示.docx';

const e2e = fixture();

async function api(page, method, url, body) {
  return page.evaluate(
    async ([method, url, body]) => {
      const r = await fetch(url, { method, headers: body ? { 'Content-Type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
      const text = await r.text();
      let parsed;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = text;
      }
      return { status: r.status, body: parsed };
    },
    [method, url, body],
  );
}

const link = (page, name) => page.locator('a.chanitem', { has: page.locator('.chanitem-name', { hasText: new RegExp(`^${name}$`) }) });

async function openChannel(page, name) {
  await link(page, name).click();
  await page.locator('#channel-title', { hasText: name }).waitFor();
  await page.locator('.chat[data-conn="online"]').waitFor();
}

async function userId(page, username) {
  const r = await api(page, 'GET', `/api/v1/org/people?q=${encodeURIComponent(username)}&limit=5`);
  return r.body.people.find((p) => p.username === username).id;
}

/** The trace as the page shows it: hops with their depth, and the four lists. */
async function readTrace(page) {
  const trace = page.getByTestId('audit-trace');
  await trace.waitFor({ timeout: 30_000 });
  const hops = await trace.locator('.aud-hop').evaluateAll((els) =>
    els.map((li) => {
      let depth = 0;
      for (let p = li.parentElement; p && !p.classList.contains('aud-tree-root'); p = p.parentElement) if (p.classList.contains('aud-tree')) depth++;
      return {
        depth,
        channel: li.querySelector(':scope > .aud-hop-card .aud-hop-channel')?.textContent,
        sender: li.querySelector(':scope > .aud-hop-card .aud-person')?.textContent,
        forwarded: /转发于/.test(li.querySelector(':scope > .aud-hop-card')?.textContent ?? ''),
      };
    }),
  );
  const names = (kind) => trace.getByTestId(`audit-${kind}`).locator('.aud-inv-person .aud-person').allInnerTexts();
  return {
    uploader: await trace.getByTestId('audit-uploader').innerText(),
    hops,
    received: (await names('received')).sort(),
    opened: (await names('opened')).sort(),
    downloaded: (await names('downloaded')).sort(),
    forwarded: (await names('forwarded')).sort(),
    events: await trace.getByTestId('audit-trace-events').innerText(),
  };
}

let blobId;
let source; // { channelId, seq } of the message 李华 sent

test('a file sent, forwarded and downloaded by three people: the officer’s 文件去向 shows exactly that path and those people', { timeout: TIMEOUT }, async (t) => {
  // A key pair is made at the first sign-in, and a file's key is wrapped only to people who
  // have one: 张静 and 何平 sign in first.
  for (const who of ['zhangjing', 'heping']) {
    const p = await e2e.person(t, who, DESKTOP);
    await waitUntil(async () => (await api(p.page, 'GET', '/api/v1/me/key')).status === 200, { timeout: 30_000, what: `${who}'s key pair` });
    await p.context.close();
  }

  // 李华 sends the document in 预算股 through the composer.
  const a = await e2e.person(t, 'lihua', DESKTOP);
  await openChannel(a.page, CHANNEL);
  await sendFile(a.page, (p) => p.locator('.composer input[type="file"]:not([accept])'), { name: DOC, mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', buffer: randomBytes(60_000) }, { timeout: 120_000 });
  const channelId = await a.page.evaluate(() => Number(location.pathname.split('/').pop()));
  const files = await api(a.page, 'GET', `/api/v1/channels/${channelId}/files?limit=10`);
  assert.equal(files.status, 200, JSON.stringify(files.body));
  blobId = files.body.files[0].attachment.blob_id;
  source = { channelId, seq: files.body.files[0].seq };
  await a.context.close();

  // 张静 makes a group with 何平 and forwards the document into it (right-click → 转发).
  const b = await e2e.person(t, 'zhangjing', { online: true, ...DESKTOP });
  const heId = await userId(b.page, 'heping');
  const group = await api(b.page, 'POST', '/api/v1/channels', { name: GROUP, members: [heId] });
  assert.equal(group.status, 201, JSON.stringify(group.body));
  await openChannel(b.page, CHANNEL);
  const msg = b.page.locator('.timeline .msg', { has: b.page.locator(`.fv-card-name[title="${DOC}"]`) });
  await msg.waitFor({ timeout: 30_000 });
  await msg.click({ button: 'right', position: { x: 5, y: 5 } });
  await b.page.getByRole('menu').getByRole('menuitem', { name: '转发' }).click();
  const dialog = b.page.getByRole('dialog', { name: '转发给' });
  await dialog.getByLabel('搜索群聊或联系人').fill(GROUP);
  await dialog.locator('.fwd-choice', { hasText: GROUP }).locator('input').check();
  await dialog.getByRole('button', { name: /^发送/ }).click();
  await dialog.waitFor({ state: 'detached', timeout: 30_000 });
  // A staff member's menu has no 查看文件去向.
  await msg.click({ button: 'right', position: { x: 5, y: 5 } });
  // Read once it is open, or the check below would pass on no menu at all.
  await b.page.getByRole('menu').getByRole('menuitem').first().waitFor();
  const items = await b.page.getByRole('menu').getByRole('menuitem').allInnerTexts();
  assert.ok(!items.some((x) => x.includes('查看文件去向')), JSON.stringify(items));
  await b.page.keyboard.press('Escape');
  assert.deepEqual(b.problems, []);
  await b.context.close();

  // 何平 downloads it in the group (through the service worker: no save picker here).
  const c = await e2e.person(t, 'heping', { online: true, noPicker: true, ...DESKTOP });
  await openChannel(c.page, GROUP);
  const card = c.page.locator('.timeline .fv-card', { has: c.page.locator(`.fv-card-name[title="${DOC}"]`) });
  await card.waitFor({ timeout: 30_000 });
  await c.page.waitForFunction(() => !!navigator.serviceWorker?.controller, null, { timeout: 20_000 });
  const [download] = await Promise.all([c.page.waitForEvent('download', { timeout: 60_000 }), card.getByRole('button', { name: `下载 ${DOC}` }).click()]);
  assert.equal(await download.failure(), null);
  await c.page.locator('.fv-tray .fv-job-done').waitFor({ timeout: 30_000 });
  assert.deepEqual(c.problems, []);
  await c.context.close();

  // The officer: 审计台 → 调查 → 文件去向, the file's id pasted.
  const officer = await e2e.person(t, 'zhaomin', DESKTOP);
  const page = officer.page;
  await page.locator('nav.sidenav').getByRole('button', { name: '审计台' }).click();
  await page.waitForURL(/\/audit\/trail$/);
  await page.getByRole('heading', { name: '审计台', level: 1 }).waitFor();
  assert.match(await page.getByTestId('audit-status').innerText(), /记录自 \d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2} 起/);
  await page.locator('.aud-table tbody tr.aud-row').first().waitFor();
  await shot(page, 'audit-trail-1280');
  await page.getByRole('tab', { name: '调查' }).click();
  await page.waitForURL(/\/audit\/investigate$/);
  await page.locator('#aud-blob').fill(`  ${blobId.toUpperCase()}\n`);
  await page.getByRole('button', { name: '查询去向' }).click();
  await page.waitForURL(new RegExp(`/audit/investigate/file/${blobId}$`));
  const seen = await readTrace(page);
  assert.equal(seen.uploader, '李华');
  // Exactly the path: sent in 预算股 by 李华, forwarded from there into the group by 张静.
  assert.deepEqual(seen.hops, [
    { depth: 0, channel: CHANNEL, sender: '李华', forwarded: false },
    { depth: 1, channel: GROUP, sender: '张静', forwarded: true },
  ]);
  // Exactly those people.
  assert.deepEqual(seen.received, ['何平', '张静', '李华'].sort());
  assert.deepEqual(seen.forwarded, ['张静']);
  assert.deepEqual(seen.downloaded, ['何平']);
  for (const n of seen.opened) assert.ok(['李华', '张静', '何平'].includes(n), `opened by ${n}`);
  assert.match(seen.events, /李华\s+file\.upload/);
  assert.match(seen.events, /何平\s+file\.download\s*保存原件/);
  assert.doesNotMatch(seen.events, new RegExp(DOC), 'never the file name');
  await shot(page, 'audit-trace-1280');

  // By department too: 何平 is not in 预算股's department.
  await page.getByRole('radio', { name: '按部门' }).click();
  await page.getByTestId('audit-received').locator('.aud-dept-name').first().waitFor();
  assert.ok((await page.getByTestId('audit-received').locator('.aud-dept-name').count()) >= 2);

  // 开启托管文件: the escrow opener, with this file filled in.
  await page.getByRole('button', { name: '开启托管文件' }).click();
  const caseForm = page.locator('.esc-section', { has: page.getByRole('heading', { name: '案件调取' }) });
  await caseForm.waitFor();
  assert.equal(await caseForm.getByLabel('文件编号').inputValue(), blobId);
  await page.getByRole('button', { name: '收起' }).click();

  // A person in the trace opens their activity: 何平's week has the download.
  await page.getByTestId('audit-downloaded').getByRole('button', { name: '何平' }).click();
  await page.waitForURL(/\/audit\/investigate\/person\/\d+$/);
  await page.getByRole('heading', { name: '何平 的活动' }).waitFor();
  await page.locator('.aud-table tbody tr.aud-row', { hasText: 'file.download' }).first().waitFor({ timeout: 20_000 });
  await shot(page, 'audit-person-1280');
  assert.deepEqual(officer.problems, []);

  // At phone width: the same trace, the trail as cards and its filters in a sheet.
  const phone = await e2e.person(t, 'zhaomin', PHONE);
  await phone.page.goto(`${e2e.server.baseURL}/audit/investigate/file/${blobId}`);
  const onPhone = await readTrace(phone.page);
  assert.deepEqual(onPhone.hops, seen.hops);
  await shot(phone.page, 'audit-trace-390');
  await phone.page.getByRole('tab', { name: '审计记录' }).click();
  await phone.page.locator('.aud-cards .aud-card').first().waitFor();
  await phone.page.getByRole('button', { name: /^筛选/ }).click();
  const sheet = phone.page.getByRole('dialog', { name: '筛选条件' });
  await sheet.getByLabel('操作', { exact: true }).fill('file.');
  await sheet.getByRole('button', { name: '查询' }).click();
  await sheet.waitFor({ state: 'detached' });
  await waitUntil(async () => {
    const actions = await phone.page.locator('.aud-cards .aud-card-action').allInnerTexts();
    return actions.length > 0 && actions.every((x) => x.startsWith('file.'));
  }, { timeout: 20_000, what: 'only file.* events' });
  await shot(phone.page, 'audit-trail-390');
  assert.deepEqual(phone.problems, []);
});

test('the auditor reaches the trace from the message, read-only; a staff member has no console', { timeout: TIMEOUT }, async (t) => {
  assert.ok(blobId && source, 'the first test sent the file');
  const aud = await e2e.person(t, 'sunli', DESKTOP);
  await aud.page.locator('nav.sidenav').getByRole('button', { name: '审计台' }).waitFor();
  // What 查看文件去向 opens: the trace of the message's file.
  await aud.page.goto(`${e2e.server.baseURL}/audit/investigate/message/${source.channelId}/${source.seq}`);
  const seen = await readTrace(aud.page);
  assert.deepEqual(seen.hops.map((h) => [h.depth, h.channel, h.sender]), [
    [0, CHANNEL, '李华'],
    [1, GROUP, '张静'],
  ]);
  assert.deepEqual(seen.downloaded, ['何平']);
  assert.equal(await aud.page.locator('#aud-blob').inputValue(), blobId);
  assert.equal(await aud.page.getByRole('button', { name: '开启托管文件' }).count(), 0, 'the auditor opens no escrowed file');
  // The list loads after the tab shows (the badge's own query asks for 100): read once it
  // has, or the check below would pass on no list at all.
  const listed = aud.page.waitForResponse((r) => r.url().includes('/api/v1/audit/alerts?state=open&limit=50'));
  await aud.page.getByRole('tab', { name: '告警' }).click();
  await aud.page.getByText('审计员只能查看告警，由保密员处理。').waitFor();
  await listed;
  await aud.page.locator('.aud-alerts p[role="status"]').waitFor({ state: 'detached' });
  assert.equal(await aud.page.getByRole('button', { name: '标记为已处理' }).count(), 0);
  await aud.page.getByRole('tab', { name: '导出' }).click();
  await aud.page.getByTestId('audit-verify-cmd').waitFor();
  assert.match(await aud.page.getByTestId('audit-verify-cmd').innerText(), /^govchat audit verify --bundle audit-bundle\.zip --vkey '.+'$/);
  // An export without a case number is not asked for.
  await aud.page.getByRole('button', { name: '下载 CSV' }).click();
  await aud.page.locator('#aud-csv-err', { hasText: '请填写此项。' }).waitFor();
  await shot(aud.page, 'audit-export-1280');
  // The CSV of a case: the browser downloads what the server streams.
  await aud.page.locator('#aud-csv-case').fill('（2026）保密字第7号');
  const [csv] = await Promise.all([aud.page.waitForEvent('download', { timeout: 30_000 }), aud.page.getByRole('button', { name: '下载 CSV' }).click()]);
  assert.match(csv.suggestedFilename(), /\.csv$/);
  assert.equal(await csv.failure(), null);
  // The signed bundle of the same case: fetched, then saved as the zip the server named.
  await aud.page.locator('#aud-bundle-case').fill('（2026）保密字第7号');
  const [zip] = await Promise.all([aud.page.waitForEvent('download', { timeout: 60_000 }), aud.page.getByRole('button', { name: '下载签名数据包' }).click()]);
  assert.match(zip.suggestedFilename(), /^govchat-audit-.*\.zip$/);
  assert.equal(await zip.failure(), null);
  assert.deepEqual(aud.problems, []);

  const staff = await e2e.person(t, 'zhouhaiyan', DESKTOP);
  assert.equal(await staff.page.locator('nav.sidenav').getByRole('button', { name: '审计台' }).count(), 0);
  await staff.page.goto(`${e2e.server.baseURL}/audit/trail`);
  await staff.page.getByTestId('audit-refused').waitFor();
  assert.equal((await api(staff.page, 'GET', '/api/v1/audit/events')).status, 403);
  assert.equal((await api(staff.page, 'GET', `/api/v1/audit/files/${blobId}/trace`)).status, 403);
  await shot(staff.page, 'audit-refused-1280');
  assert.deepEqual(staff.problems, []);
});

test('failed logins from one address raise an alert: the badge comes live, the officer acknowledges it with a note, the auditor reads it', { timeout: TIMEOUT }, async (t) => {
  const officer = await e2e.person(t, 'zhaomin', { online: true, ...DESKTOP });
  const page = officer.page;
  await page.goto(`${e2e.server.baseURL}/audit/alerts`);
  await page.locator('.chat[data-conn="online"], main').first().waitFor();
  // Ten failed logins from this address (unknown names: no account is locked).
  const stranger = await e2e.open(t, DESKTOP);
  await stranger.page.goto(e2e.server.baseURL + '/');
  // The server's login rate limit (per address) holds some back: those wait their turn.
  const codes = await stranger.page.evaluate(async () => {
    const out = [];
    for (let i = 0; out.length < 10 && i < 40; i++) {
      const r = await fetch('/api/v1/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: `nobody${out.length}`, auth_hash: 'A'.repeat(43) }) });
      if (r.status === 429) {
        await new Promise((ok) => setTimeout(ok, (Number(r.headers.get('Retry-After')) || 2) * 1000));
        continue;
      }
      out.push(r.status);
    }
    return out;
  });
  assert.deepEqual(codes, Array(10).fill(401));
  // The job scans every 30 s; the audit_alert frame bumps the nav's badge without a reload.
  const badge = page.getByTestId('audit-nav-badge');
  await badge.waitFor({ timeout: 60_000 });
  assert.equal(await badge.innerText(), '1');
  const item = page.locator('.aud-alert', { hasText: '同一地址多次登录失败' });
  await item.waitFor({ timeout: 10_000 });
  assert.match(await item.innerText(), /10 次 \/ 10 分钟/);
  await shot(page, 'audit-alerts-1280');
  await item.getByRole('button', { name: '标记为已处理' }).click();
  await item.getByRole('button', { name: '标记为已处理' }).click(); // an empty note is refused here
  await item.getByText('请填写处理说明。').waitFor();
  await item.getByLabel('处理说明').fill('已核实：测试人员输错账号，无异常。');
  await item.getByRole('button', { name: '标记为已处理' }).click();
  await item.getByText('已核实：测试人员输错账号，无异常。').waitFor();
  await badge.waitFor({ state: 'detached' });
  // The acknowledgement is in the trail.
  await page.getByRole('tab', { name: '审计记录' }).click();
  await page.locator('#aud-f-action').fill('alert.acked');
  await page.getByRole('button', { name: '查询' }).click();
  await page.locator('.aud-table tbody tr.aud-row', { hasText: 'alert.acked' }).first().waitFor({ timeout: 20_000 });
  assert.deepEqual(officer.problems, []);

  const aud = await e2e.person(t, 'sunli', PHONE);
  await aud.page.goto(`${e2e.server.baseURL}/audit/alerts`);
  await aud.page.getByRole('radio', { name: '已处理' }).click();
  const acked = aud.page.locator('.aud-alert', { hasText: '同一地址多次登录失败' });
  await acked.waitFor({ timeout: 20_000 });
  assert.match(await acked.innerText(), /赵敏 于 .* 处理/);
  assert.equal(await acked.getByRole('button').filter({ hasText: '标记为已处理' }).count(), 0);
  // The server refuses the auditor an acknowledgement too.
  const id = Number(await acked.getAttribute('data-alert'));
  assert.equal((await api(aud.page, 'POST', `/api/v1/audit/alerts/${id}/ack`, { note: '审计员试图处理' })).status, 403);
  await shot(aud.page, 'audit-alerts-390');
  assert.deepEqual(aud.problems, []);
});

test('查看文件去向 in a file message’s menu opens the officer’s trace of that message', { timeout: TIMEOUT }, async (t) => {
  // 周海燕 sends a file in 办公室, a channel the officer is in.
  const staff = await e2e.person(t, 'zhouhaiyan', { online: true, ...DESKTOP });
  await openChannel(staff.page, '办公室');
  await sendFile(staff.page, (p) => p.locator('.composer input[type="file"]:not([accept])'), { name: '会议纪要.txt', mimeType: 'text/plain', buffer: Buffer.from('会议纪要\n'.repeat(100)) }, { timeout: 120_000 });
  await staff.context.close();

  const officer = await e2e.person(t, 'zhaomin', { online: true, ...DESKTOP });
  await openChannel(officer.page, '办公室');
  const msg = officer.page.locator('.timeline .msg', { has: officer.page.locator('.fv-card') }).last();
  await msg.waitFor({ timeout: 30_000 });
  await msg.click({ button: 'right', position: { x: 5, y: 5 } });
  await officer.page.getByRole('menu').getByRole('menuitem', { name: '查看文件去向' }).click();
  await officer.page.waitForURL(/\/audit\/investigate\/message\/\d+\/\d+$/);
  const seen = await readTrace(officer.page);
  assert.equal(seen.uploader, '周海燕');
  assert.deepEqual(seen.hops, [{ depth: 0, channel: '办公室', sender: '周海燕', forwarded: false }]);
  assert.deepEqual(seen.forwarded, []);
  assert.deepEqual(seen.downloaded, []);
  assert.deepEqual(officer.problems, []);
});
