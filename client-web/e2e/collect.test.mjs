// Collections (收集 / 接龙) in real browsers against the real server (nothing mocked).
//
// A form with a file: 王建国 (局长) asks 张静 and 吴强 (预算股/预算编制组) and 徐磊 (国库股) for
// 在编人数 and the 基数表, by a deadline tomorrow. 张静 answers at 1280 px (a wrong number
// first: the form says so before anything is sent), 徐磊 from a phone at 390 px; both
// files are encrypted in their browsers and wrapped to 王建国 for collection:<id>. 王建国
// sees both arrive live, returns 张静's with a note; she sees the note, corrects the number
// and sends again. 吴强 has not answered: 王建国 reminds him and the reminder reaches his
// page live. The .xlsx export is read here (a zip of sheet XML, read with fflate) and its
// rows match what was sent; 打包下载附件 gives a zip made in 王建国's browser whose files
// are the originals, in folders by department and person. The trace shows every step.
// Escalation at the deadline needs the clock to pass it: the server has no test clock, so
// it is covered by the Go tests of internal/collect, not here.
//
// A 接龙: 王建国 asks the same three; they add their lines in turn and each sees the
// numbered list as in WeChat.
//
// `GOVCHAT_BIN=… node --test e2e/collect.test.mjs`.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { strFromU8, unzipSync } from 'fflate';
import { fixture } from './fixture.mjs';
import { shot, waitUntil } from './harness.mjs';
import { pdf } from './samples.mjs';

const TIMEOUT = 240_000;
const DESKTOP = { viewport: { width: 1280, height: 800 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const TITLE = '2027年人员基数表';
const SIGNUP = '周五业务培训报名';

const e2e = fixture();
const sha256 = (b) => createHash('sha256').update(b).digest('hex');
const files = {
  zhangjing: { name: '预算编制组基数表.pdf', mimeType: 'application/pdf', buffer: pdf('base table - budget group') },
  xulei: { name: '国库股基数表.pdf', mimeType: 'application/pdf', buffer: pdf('base table - treasury') },
};

async function api(page, method, url, body) {
  return page.evaluate(
    async ([method, url, body]) => {
      const r = await fetch(url, { method, headers: body ? { 'Content-Type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
      const type = r.headers.get('Content-Type') ?? '';
      if (!type.includes('json')) {
        const b = new Uint8Array(await r.arrayBuffer());
        let s = '';
        for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
        return { status: r.status, type, base64: btoa(s) };
      }
      const text = await r.text();
      return { status: r.status, type, body: text ? JSON.parse(text) : undefined };
    },
    [method, url, body],
  );
}

/** Signs in once and waits for the key pair (made at the first sign-in on the web client):
 * an answer's file is wrapped to the author's key and the writer's own. */
async function withKey(t, username) {
  const p = await e2e.person(t, username, DESKTOP);
  await waitUntil(async () => (await api(p.page, 'GET', '/api/v1/me/key')).status === 200, { timeout: 30_000, what: `${username}'s key pair` });
  await p.context.close();
}

/** The Beijing date of tomorrow, as the date field takes it. */
function tomorrow() {
  const d = new Date(Date.now() + 8 * 3600_000 + 24 * 3600_000);
  return d.toISOString().slice(0, 10);
}

/** 通知 → 收集 (the tab beside the notices' lists). */
async function openCollect(page) {
  await page.locator('.nav-notices').click();
  await page.locator('.ntc-tabs').getByRole('link', { name: /^收集/ }).click();
  await page.getByRole('heading', { name: '收集', level: 1 }).waitFor();
}

async function openCollection(page, title) {
  await openCollect(page);
  await page.locator('.cl-list .ntc-row-link', { hasText: title }).first().click();
  await page.getByRole('heading', { name: title, level: 1 }).waitFor();
}

/** 发起收集 from the notices page: the audience is 预算编制组 and 徐磊. */
async function compose(page, kind) {
  await page.locator('.nav-notices').click();
  await page.getByRole('button', { name: '发起收集' }).click();
  const form = page.getByRole('dialog', { name: '发起收集' });
  if (kind === 'signup') await form.locator('label.cl-kind', { hasText: '接龙' }).locator('input').check();
  await form.getByLabel('标题').fill(kind === 'signup' ? SIGNUP : TITLE);
  await form.getByLabel('说明').fill(kind === 'signup' ? '每人一行：姓名、是否参加。' : '请于明天17:00前填报本人所在单位的在编人数，并附基数表（PDF）。');
  await form.locator('#cl-create-date').fill(tomorrow());
  await form.locator('#cl-create-time').fill('17:00');
  await form.locator('.ntc-tree label.ntc-check', { hasText: /^预算编制组$/ }).locator('input').check();
  await form.getByLabel('搜索人员').fill('徐磊');
  await form.locator('.ntc-results label.ntc-check', { hasText: '徐磊' }).locator('input').check();
  return form;
}

async function addField(page, form, type, label, required) {
  await form.locator('#cl-create-add-type').selectOption({ label: type });
  await form.getByRole('button', { name: '添加填写项' }).click();
  const editor = form.locator('.cl-builder > .cl-build-list > .cl-build-item').last();
  await editor.getByLabel('名称').first().fill(label);
  if (required) await editor.getByLabel('必填').first().check();
}

async function publish(page, form) {
  const res = page.waitForResponse((r) => r.url().endsWith('/api/v1/collections') && r.request().method() === 'POST');
  await form.getByRole('button', { name: '发起', exact: true }).click();
  const r = await res;
  assert.equal(r.status(), 201, await r.text());
  const c = await r.json();
  await form.waitFor({ state: 'detached' });
  return c;
}

/** Fills 在编人数 and attaches the file; waits until it is uploaded. */
async function answer(page, number, file) {
  await page.locator('#cl-answer-f1').fill(number);
  await page.locator('#cl-answer-f2-input').setInputFiles(file);
  await page.locator('.cl-uploads .upload-item[data-upload-stage="uploaded"]').waitFor({ timeout: 60_000 });
}

async function submit(page, label = '提交') {
  const res = page.waitForResponse((r) => /\/api\/v1\/collections\/\d+\/submission$/.test(r.url()));
  await page.locator('.cl-answer-form').getByRole('button', { name: label, exact: true }).click();
  const r = await res;
  assert.equal(r.status(), 200, await r.text());
  await page.locator('.cl-done').waitFor();
  return r.json();
}

// ---- reading the .xlsx: a zip of XML parts ----

function xmlText(s) {
  return s.replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

/** The rows of the sheet named `name` as arrays of cell texts: the sheet found through
 * xl/workbook.xml and its relationships, shared and inline strings resolved. */
function sheetRows(xlsx, name) {
  const parts = unzipSync(xlsx);
  const workbook = strFromU8(parts['xl/workbook.xml']);
  const rid = [...workbook.matchAll(/<sheet ([^>]*)\/?>/g)].map((m) => m[1]).find((a) => a.includes(`name="${name}"`))?.match(/r:id="(\w+)"/)?.[1];
  assert.ok(rid, `a sheet named ${name}`);
  const rels = strFromU8(parts['xl/_rels/workbook.xml.rels']);
  const target = [...rels.matchAll(/<Relationship ([^>]*)\/?>/g)].map((m) => m[1]).find((a) => a.includes(`Id="${rid}"`))?.match(/Target="([^"]+)"/)?.[1];
  const sheet = `xl/${target.replace(/^\/?xl\//, '')}`;
  const shared = parts['xl/sharedStrings.xml'] ? [...strFromU8(parts['xl/sharedStrings.xml']).matchAll(/<si>([\s\S]*?)<\/si>/g)].map((m) => xmlText(m[1])) : [];
  const xml = strFromU8(parts[sheet]);
  const col = (ref) => [...ref.replace(/\d+/g, '')].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1;
  return [...xml.matchAll(/<row[^>]*>([\s\S]*?)<\/row>/g)].map((row) => {
    const cells = [];
    for (const c of row[1].matchAll(/<c ([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
      const attrs = c[1];
      const ref = /r="([A-Z]+\d+)"/.exec(attrs)[1];
      const type = /t="(\w+)"/.exec(attrs)?.[1];
      const inner = c[2] ?? '';
      const v = /<v>([\s\S]*?)<\/v>/.exec(inner)?.[1];
      cells[col(ref)] = type === 's' ? shared[Number(v)] : type === 'inlineStr' ? xmlText(inner) : v !== undefined ? xmlText(v) : '';
    }
    return Array.from(cells, (x) => x ?? '');
  });
}

let formId = 0;

test('a form with a file: two answer (one from a phone), one is returned and answers again, the third is reminded; the export and the zip match', { timeout: TIMEOUT }, async (t) => {
  for (const who of ['wangjianguo', 'zhangjing', 'wuqiang', 'xulei']) await withKey(t, who);

  // 王建国 at 1280 px: the form, its fields and the preview.
  const lead = await e2e.person(t, 'wangjianguo', { ...DESKTOP, noPicker: true });
  const form = await compose(lead.page, 'form');
  await addField(lead.page, form, '数字', '在编人数', true);
  await addField(lead.page, form, '文件或图片', '基数表', true);
  await form.getByRole('button', { name: '预览' }).click();
  await form.locator('.cl-preview-body label[for="cl-create-pv-f1"]', { hasText: '在编人数' }).waitFor();
  await form.locator('.cl-preview').scrollIntoViewIfNeeded();
  await shot(lead.page, 'collect-create-1280');
  const c = await publish(lead.page, form);
  formId = c.id;
  assert.deepEqual(
    c.fields.map((f) => [f.id, f.type, !!f.required]),
    [
      ['f1', 'number', true],
      ['f2', 'file', true],
    ],
  );
  assert.equal(c.counts.recipients, 3);
  await lead.page.getByRole('heading', { name: TITLE, level: 1 }).waitFor();
  await lead.page.locator('.cl-status[data-submitted="0"]').waitFor();

  // 吴强 keeps the collections page open (he will be reminded there).
  const wu = await e2e.person(t, 'wuqiang', DESKTOP);
  await openCollect(wu.page);
  await wu.page.locator('.cl-list', { hasText: '待我填写' }).getByText(TITLE).waitFor();

  // 张静 at 1280 px: a wrong number is caught before anything is sent.
  const zj = await e2e.person(t, 'zhangjing', DESKTOP);
  await openCollection(zj.page, TITLE);
  await answer(zj.page, '十二', files.zhangjing);
  await zj.page.locator('.cl-answer-form').getByRole('button', { name: '提交', exact: true }).click();
  await zj.page.locator('#cl-answer-f1-problem', { hasText: '请填写数字' }).waitFor();
  assert.equal(await zj.page.evaluate(() => document.activeElement?.id), 'cl-answer-f1');
  await shot(zj.page, 'collect-answer-1280');
  await zj.page.locator('#cl-answer-f1').fill('12');
  await zj.page.locator('#cl-answer-f1-problem').waitFor({ state: 'hidden' });
  const zjSub = await submit(zj.page);
  assert.equal(zjSub.values.f1, 12);
  assert.ok(zjSub.values.f2.blob_id, 'the file answer names its blob');
  // Her file's keys: wrapped to the author and to herself, for collection:<id>.
  const keys = await api(zj.page, 'GET', `/api/v1/file-keys?blobs=${zjSub.values.f2.blob_id}`);
  assert.equal(keys.status, 200);
  assert.deepEqual(keys.body.keys.map((k) => k.context), [`collection:${c.id}`]);

  // 徐磊 from a phone.
  const xl = await e2e.person(t, 'xulei', PHONE);
  await openCollection(xl.page, TITLE);
  await answer(xl.page, '6', files.xulei);
  await xl.page.locator('.cl-answer-form').scrollIntoViewIfNeeded();
  await shot(xl.page, 'collect-answer-390');
  await submit(xl.page);
  await shot(xl.page, 'collect-answered-390');

  // 王建国 sees both live; returns 张静's with a note.
  await lead.page.locator('.cl-status[data-submitted="2"]').waitFor({ timeout: 20_000 });
  await lead.page.locator('.cl-subs tr[data-user]').nth(1).waitFor({ timeout: 20_000 });
  await lead.page.getByRole('button', { name: '退回 张静 的填报' }).click();
  const ret = lead.page.getByRole('dialog', { name: '退回修改：张静' });
  await ret.getByLabel('退回说明').fill('在编人数应含借调人员，请核实后重报。');
  await ret.getByRole('button', { name: '退回', exact: true }).click();
  await ret.waitFor({ state: 'detached' });
  await lead.page.locator('.cl-status[data-returned="1"]').waitFor();

  // 张静 sees the note live, corrects and sends again (her file kept).
  await zj.page.locator('.cl-returned', { hasText: '在编人数应含借调人员' }).waitFor({ timeout: 20_000 });
  await zj.page.locator('#cl-answer-f1').fill('13');
  const again = await submit(zj.page, '保存修改');
  assert.equal(again.values.f1, 13);
  assert.equal(again.values.f2.blob_id, zjSub.values.f2.blob_id);
  assert.equal(again.revision, 2);
  await lead.page.locator('.cl-status[data-submitted="2"][data-returned="0"]').waitFor({ timeout: 20_000 });

  // 提醒: only 吴强 has not answered; the reminder reaches his open page.
  await lead.page.getByRole('button', { name: '提醒未提交的人' }).click();
  await lead.page.locator('.cl-action-result', { hasText: /已提醒 1 人/ }).waitFor();
  await wu.page.locator('.cl-reminder', { hasText: TITLE }).waitFor({ timeout: 20_000 });
  await lead.page.locator('.cl-subs').scrollIntoViewIfNeeded();
  await shot(lead.page, 'collect-author-1280');

  // The export: its rows are what was sent.
  const x = await api(lead.page, 'GET', `/api/v1/collections/${c.id}/export.xlsx`);
  assert.equal(x.status, 200);
  assert.match(x.type, /spreadsheetml/);
  const xlsx = Buffer.from(x.base64, 'base64');
  const rows = sheetRows(xlsx, '汇总');
  const head = rows[0];
  const at = (name) => head.indexOf(name);
  assert.ok(at('填报人') >= 0 && at('在编人数') >= 0 && at('基数表') >= 0, `header: ${head.join(',')}`);
  const byName = Object.fromEntries(rows.slice(1).map((r) => [r[at('填报人')], r]));
  assert.deepEqual(Object.keys(byName).sort(), ['张静', '徐磊'].sort());
  assert.equal(byName['张静'][at('在编人数')], '13');
  assert.equal(byName['徐磊'][at('在编人数')], '6');
  assert.match(byName['张静'][at('基数表')], new RegExp(zjSub.values.f2.blob_id));
  assert.equal(byName['张静'][at('部门')], '预算股 / 预算编制组');
  // Who has not answered: 吴强.
  const missing = sheetRows(xlsx, '未提交');
  assert.deepEqual(missing.slice(1).map((r) => r[missing[0].indexOf('姓名')]), ['吴强']);

  // 打包下载附件: a zip made in the browser, the decrypted files in folders.
  await lead.page.waitForFunction(() => !!navigator.serviceWorker?.controller, null, { timeout: 20_000 });
  const [download] = await Promise.all([lead.page.waitForEvent('download', { timeout: 60_000 }), lead.page.getByRole('button', { name: '打包下载附件' }).click()]);
  assert.match(download.suggestedFilename(), /附件\.zip$/);
  const saved = path.join(e2e.server.dataDir, '..', `collect-${Date.now()}.zip`);
  await download.saveAs(saved);
  assert.equal(await download.failure(), null);
  const zip = unzipSync(await readFile(saved));
  const names = Object.keys(zip).sort();
  assert.equal(names.length, 2, names.join(', '));
  const zjPath = names.find((n) => n.endsWith(`/张静/${files.zhangjing.name}`));
  const xlPath = names.find((n) => n.endsWith(`/徐磊/${files.xulei.name}`));
  assert.ok(zjPath && zjPath.startsWith('预算股/预算编制组/'), names.join(', '));
  assert.ok(xlPath && xlPath.startsWith('国库股/'), names.join(', '));
  assert.equal(sha256(zip[zjPath]), sha256(files.zhangjing.buffer));
  assert.equal(sha256(zip[xlPath]), sha256(files.xulei.buffer));
  await lead.page.locator('.cl-bundle', { hasText: '已打包 2 个文件' }).waitFor();

  // The trace: every step with its time.
  await lead.page.getByRole('button', { name: '查看全程记录' }).click();
  const steps = lead.page.locator('.cl-trace .cl-step');
  await steps.nth(4).waitFor();
  const texts = await steps.allInnerTexts();
  for (const re of [/王建国 发起了收集/, /张静 提交了填报/, /徐磊 提交了填报/, /王建国 退回了 张静 的填报/, /张静 修改了填报/, /王建国 提醒了 1 位/]) {
    assert.ok(texts.some((s) => re.test(s)), `${re} in ${texts.join(' | ')}`);
  }
  assert.ok(texts.every((s) => /\d{1,2}:\d{2}/.test(s)), 'every step has its time');

  // The author's table at phone width too.
  const leadPhone = await e2e.person(t, 'wangjianguo', PHONE);
  await openCollection(leadPhone.page, TITLE);
  await leadPhone.page.locator('.cl-status[data-submitted="2"]').waitFor();
  await leadPhone.page.locator('.cl-subs').scrollIntoViewIfNeeded();
  await shot(leadPhone.page, 'collect-author-390');
  // And 发起收集 at phone width (closed unpublished).
  const pform = await compose(leadPhone.page, 'form');
  await addField(leadPhone.page, pform, '表格', '人员明细', false);
  await pform.locator('.cl-columns').last().getByLabel('名称').fill('姓名');
  await pform.locator('.cl-columns').last().scrollIntoViewIfNeeded();
  await shot(leadPhone.page, 'collect-create-390');
  await pform.getByRole('button', { name: '取消', exact: true }).last().click();
  await pform.waitFor({ state: 'detached' });

  for (const p of [lead, wu, zj, xl, leadPhone]) assert.deepEqual(p.problems, []);
});

test('a 接龙 filled by three people in order', { timeout: TIMEOUT }, async (t) => {
  const lead = await e2e.person(t, 'wangjianguo', DESKTOP);
  const form = await compose(lead.page, 'signup');
  await shot(lead.page, 'collect-create-signup-1280');
  const c = await publish(lead.page, form);
  assert.equal(c.kind, 'signup');
  assert.notEqual(c.id, formId);

  const lines = [
    ['zhangjing', '张静', '张静 参加', DESKTOP],
    ['xulei', '徐磊', '徐磊 参加（下午请假半天）', PHONE],
    ['wuqiang', '吴强', '吴强 不参加', DESKTOP],
  ];
  for (const [i, [user, name, line, view]] of lines.entries()) {
    const p = await e2e.person(t, user, view);
    await openCollection(p.page, SIGNUP);
    if (i) await p.page.locator('.cl-lines .cl-line').nth(i - 1).waitFor();
    else await p.page.getByText('还没有人接龙，来做第一个。').waitFor();
    assert.equal(await p.page.locator('.cl-lines .cl-line').count(), i, `${name} sees the lines before theirs`);
    await p.page.getByLabel('我的一行').fill(line);
    await p.page.getByRole('button', { name: '接龙', exact: true }).click();
    const mine = p.page.locator('.cl-line-mine');
    await mine.waitFor();
    assert.equal(await mine.locator('.cl-line-n').innerText(), `${i + 1}.`);
    if (user === 'xulei') await shot(p.page, 'collect-signup-390');
    assert.deepEqual(p.problems, []);
  }

  // Everyone asked sees the numbered list, in the order of first answer; the author too.
  await lead.page.reload();
  await lead.page.getByRole('heading', { name: SIGNUP, level: 1 }).waitFor();
  // The heading can come before the lines: wait for the last one before reading them.
  await lead.page.locator('.cl-lines .cl-line').nth(lines.length - 1).waitFor();
  const got = await lead.page.locator('.cl-lines .cl-line').allInnerTexts();
  assert.deepEqual(
    got.map((s) => s.replace(/\s+/g, ' ').trim()),
    lines.map(([, name, line], i) => `${i + 1}. ${name} ${line}`),
  );
  await shot(lead.page, 'collect-signup-1280');
  assert.deepEqual(lead.problems, []);
});
