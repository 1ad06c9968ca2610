// Search that lands on the message, in a real browser against the real server (issue 15):
// a word sent 150 messages ago is found, its hit opens the channel at that message,
// highlighted, and scrolling down pages newer until the newest without holes or jumps;
// a filter by person narrows the results; a person found in the same box opens a direct
// chat. At 1280 px and at 390 px (there with reduced motion: the highlight does not fade).

import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { fixture } from './fixture.mjs';
import { seed, shot, waitUntil } from './harness.mjs';

const TIMEOUT = 120_000;
// 预算股 takes in its sections: 张静 and 吴强 (预算编制组) write, 李华 and 郑雪 read.
const CHANNEL = '预算股';
const WORD = '专项资金拨付表';
const FILLERS = 150;
const TOLERANCE_PX = 3;
const VIEWPORTS = [
  { name: '1280', viewport: { width: 1280, height: 800 }, reader: 'lihua', reducedMotion: 'no-preference' },
  { name: '390', viewport: { width: 390, height: 844 }, reader: 'zhengxue', reducedMotion: 'reduce', isMobile: true, hasTouch: true },
];

const e2e = fixture();
/** The seq of 吴强's message with WORD (150 messages before the newest), and the newest seq. */
let target;
let newest;

before(
  async () => {
    const writers = {};
    for (const u of ['zhangjing', 'wuqiang']) writers[u] = await e2e.person(undefined, u);
    await seed(writers.zhangjing.page, CHANNEL, [`请核对第三季度${WORD}，周五前报送。`]);
    [{ seq: target }] = await seed(writers.wuqiang.page, CHANNEL, [`${WORD}已收到，正在逐项核对。`]);
    const texts = Array.from({ length: FILLERS }, (_, i) => `预算股日常第${String(i + 1).padStart(3, '0')}条：支出进度已更新${i % 9 === 0 ? '\n请各组留意。' : ''}`);
    const acks = await Promise.all([
      seed(writers.zhangjing.page, CHANNEL, texts.filter((_, i) => i % 2 === 0)),
      seed(writers.wuqiang.page, CHANNEL, texts.filter((_, i) => i % 2 === 1)),
    ]);
    newest = Math.max(...acks.flat().map((a) => a.seq));
    for (const w of Object.values(writers)) await w.context.close();
  },
  { timeout: 90_000 },
);



/** Types into the channel list's box and asks for messages. */
async function searchMessages(page, q) {
  const box = page.getByRole('searchbox', { name: '搜索联系人、会话或消息' });
  await box.fill(q);
  await page.getByRole('button', { name: `在消息中搜索“${q}”` }).click();
  await page.locator('.search-results[aria-busy="false"]').waitFor();
}

const loadedSeqs = (page) => page.locator('.timeline .msg[data-seq]').evaluateAll((ms) => ms.map((m) => Number(m.dataset.seq)));

/** Where a message is (px from the timeline's top), and whether it is in view. */
function placeOf(page, seq) {
  return page.locator('.timeline').evaluate((el, seq) => {
    const m = el.querySelector(`.msg[data-seq="${seq}"]`);
    if (!m) return null;
    const box = el.getBoundingClientRect();
    const r = m.getBoundingClientRect();
    return { top: r.top - box.top, inView: r.top >= box.top - 1 && r.bottom <= box.bottom + 1 };
  }, seq);
}

for (const v of VIEWPORTS) {
  test(`${v.name} px: a hit 150 messages back opens at the message, highlighted; scrolling down joins the newest`, { timeout: TIMEOUT }, async (t) => {
    assert.equal(newest - target, FILLERS, 'the word was sent 150 messages before the newest');
    const reader = await e2e.person(t, v.reader, { online: true, viewport: v.viewport, reducedMotion: v.reducedMotion, isMobile: v.isMobile, hasTouch: v.hasTouch });
    const { page } = reader;
    await searchMessages(page, WORD);
    const hit = page.locator(`.search-hit[data-seq="${target}"]`);
    await hit.click();

    // The channel opens at the message, centred and highlighted, with messages both ways.
    await page.locator('#channel-title', { hasText: CHANNEL }).waitFor();
    const landed = page.locator(`.timeline .msg.msg-landed[data-seq="${target}"]`);
    await landed.waitFor();
    const anim = await landed.evaluate((el) => getComputedStyle(el).animationName);
    assert.equal(anim, v.reducedMotion === 'reduce' ? 'none' : 'msg-landed-fade', 'the highlight fades only without reduced motion');
    assert.ok((await placeOf(page, target)).inView, 'the message is on screen');
    await shot(page, `search-landed-${v.name}`);
    let seqs = await loadedSeqs(page);
    assert.ok(Math.min(...seqs) < target && Math.max(...seqs) > target, `messages around it both ways (${Math.min(...seqs)}..${Math.max(...seqs)})`);
    assert.ok(Math.max(...seqs) < newest, 'not the newest page');
    // The highlight is brief.
    await page.locator('.timeline .msg.msg-landed').waitFor({ state: 'detached', timeout: 8000 });

    // Scroll down page by page: what was on screen stays put as newer pages go in below.
    for (let round = 1; Math.max(...seqs) < newest; round++) {
      assert.ok(round <= 8, 'reached the newest within 8 pages');
      const last = Math.max(...seqs);
      await page.locator('.timeline').evaluate((el) => (el.scrollTop = el.scrollHeight));
      const at = await placeOf(page, last);
      await page.locator(`.timeline .msg[data-seq="${last + 1}"]`).waitFor();
      const after = await placeOf(page, last);
      assert.ok(Math.abs(after.top - at.top) <= TOLERANCE_PX, `page ${round}: no jump (${at.top}px → ${after.top}px)`);
      seqs = await loadedSeqs(page);
      const first = Math.min(...seqs);
      assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => first + i), `page ${round}: no holes`);
    }
    await page.locator('.timeline-newer').waitFor({ state: 'detached' });
    await page.locator('.timeline').evaluate((el) => (el.scrollTop = el.scrollHeight));
    assert.ok((await placeOf(page, newest)).inView, 'the newest message is in view');
    // Joined to the live end: a new message shows at once.
    await page.locator('textarea.composer-input').fill(`已核对完毕（${v.name}）`);
    await page.locator('textarea.composer-input').press('Enter');
    await page.locator('.timeline .msg', { hasText: `已核对完毕（${v.name}）` }).waitFor();
    seqs = await loadedSeqs(page);
    assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => seqs[0] + i), 'still no holes');
    await shot(page, `search-joined-${v.name}`);
    assert.deepEqual(reader.problems, []);
  });

  test(`${v.name} px: a filter by person narrows the results`, { timeout: TIMEOUT }, async (t) => {
    const reader = await e2e.person(t, v.reader, { online: true, viewport: v.viewport, isMobile: v.isMobile, hasTouch: v.hasTouch });
    const { page } = reader;
    await searchMessages(page, WORD);
    const hits = page.locator('.search-hit');
    await waitCount(hits, 2);
    await page.getByRole('searchbox', { name: '发送人' }).fill('张静');
    await searched(page, 'sender=', () => page.locator('.search-sender-pick', { hasText: '张静' }).click());
    await page.locator('.search-chip', { hasText: '张静' }).waitFor();
    await waitCount(hits, 1);
    assert.match(await hits.first().innerText(), /张静/);
    assert.doesNotMatch(await hits.first().innerText(), /吴强/);
    await shot(page, `search-filtered-${v.name}`);
    // Taking the filter off brings both back.
    await searched(page, '', () => page.getByRole('button', { name: '取消按 张静 筛选' }).click());
    await waitCount(hits, 2);

    // Dates are Beijing dates, both days included: today finds both, a day long ago none.
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    await searched(page, `from=${today}&to=${today}`, () => page.getByRole('combobox', { name: '时间范围' }).selectOption('today'));
    await waitCount(hits, 2);
    await page.getByRole('combobox', { name: '时间范围' }).selectOption('custom');
    await page.getByLabel('开始日期', { exact: true }).fill('2020-01-02');
    await page.getByLabel('结束日期', { exact: true }).fill('2020-01-01');
    await page.getByRole('alert').filter({ hasText: '结束日期不能早于开始日期' }).waitFor();
    await searched(page, 'from=2020-01-02&to=2020-01-03', () => page.getByLabel('结束日期', { exact: true }).fill('2020-01-03'));
    await waitCount(hits, 0);
    await page.locator('.search-results', { hasText: '没有找到' }).waitFor();
    await page.getByLabel('开始日期', { exact: true }).fill(today);
    await searched(page, `from=${today}&to=${today}`, () => page.getByLabel('结束日期', { exact: true }).fill(today));
    await waitCount(hits, 2);
    await shot(page, `search-dates-${v.name}`);
    assert.deepEqual(reader.problems, []);
  });

  test(`${v.name} px: a person found in the same box opens a direct chat`, { timeout: TIMEOUT }, async (t) => {
    const reader = await e2e.person(t, v.reader, { online: true, viewport: v.viewport, isMobile: v.isMobile, hasTouch: v.hasTouch });
    const { page } = reader;
    await page.getByRole('searchbox', { name: '搜索联系人、会话或消息' }).fill('吴强');
    const person = page.locator('.search-person', { hasText: '吴强' });
    await person.waitFor();
    // The card first: who this is.
    await person.getByRole('button', { name: '查看 吴强 的名片' }).click();
    await person.locator('.search-card', { hasText: 'wuqiang' }).waitFor();
    await shot(page, `search-person-${v.name}`);
    await person.getByRole('button', { name: '与 吴强 私聊' }).click();
    await page.locator('#channel-title', { hasText: '吴强' }).waitFor();
    await page.waitForURL(/\/c\/\d+$/);
    assert.deepEqual(reader.problems, []);
  });
}

/** Runs act and waits for the search it starts to be answered (its URL holding `part`)
 * and shown. */
async function searched(page, part, act) {
  const answer = page.waitForResponse((r) => r.url().includes('/api/v1/search?') && r.url().includes(part));
  await act();
  await answer;
  await page.locator('.search-results[aria-busy="false"]').waitFor();
}

async function waitCount(locator, n) {
  let c;
  await waitUntil(async () => (c = await locator.count()) === n, { timeout: 15_000, what: () => `${n} results (have ${c})` });
}
