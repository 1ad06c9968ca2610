// Quiet hours seen by a sender: a colleague on leave shows as such in a direct channel's
// header and in the notice form, before anything is sent. `npm run test:browser`.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixture } from './fixture.mjs';

const e2e = fixture();

/** Today and tomorrow as dates in Beijing, whatever the machine's zone. */
function beijingDays() {
  const day = (offset) => new Date(Date.now() + 8 * 3600_000 + offset * 86_400_000).toISOString().slice(0, 10);
  return [day(0), day(1)];
}

test('a colleague on leave shows as such before a message or notice goes to them', { timeout: 90_000 }, async (t) => {
  // 李华 puts in leave for today and tomorrow, through her own settings API.
  const lihua = await e2e.person(t, 'lihua');
  const [from, to] = beijingDays();
  const res = await lihua.page.request.put(e2e.server.baseURL + '/api/v1/me/quiet', {
    data: { own_schedule: null, leave: [{ from, to, note: '年假' }], push_when_idle: false },
    headers: { Origin: e2e.server.baseURL },
  });
  assert.equal(res.status(), 200, await res.text());

  // 张静 writes to her from the directory: the header says she is on leave, and when.
  const zhang = await e2e.person(t, 'zhangjing');
  await zhang.page.goto('/directory');
  await zhang.page.getByLabel('搜索人员').fill('李华');
  await zhang.page.getByRole('button', { name: /李华/ }).first().click();
  await zhang.page.getByRole('button', { name: /发消息/ }).click();
  await zhang.page.locator('#channel-title', { hasText: '李华' }).waitFor();
  const hint = zhang.page.locator('.channel-head').getByText(/请假中/);
  await hint.waitFor();
  assert.doesNotMatch(await hint.innerText(), /年假/, 'the leave note is hers, not shown to others');
  assert.deepEqual(lihua.problems, []);
  assert.deepEqual(zhang.problems, []);
});
