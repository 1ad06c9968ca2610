import { describe, expect, it, vi } from 'vitest';
import type { Request } from '../api';
import { notice } from '../notices/testkit';
import type { Notice } from '../notices/types';
import { BREAKTHROUGH_RECHECK_MS, createUrgentArrivals, maySound } from './arrivals';
import { createTitleFlasher } from './title';
import { confirmedOf, offDutyHint, peopleText, pushSummary, pushText } from './words';

describe('push words match what the server did', () => {
  it('names each outcome, and undecided', () => {
    expect(pushText('breakthrough', 'zh-CN')).toBe('休息中，已破例推送');
    expect(pushText('held', 'zh-CN')).toBe('休息中，未推送，上班时提醒');
    expect(pushText('held_cap', 'zh-CN')).toBe('休息中，本周破例次数已用完，上班时提醒');
    expect(pushText('connected', 'zh-CN')).toBe('在线，已即时送达');
    expect(pushText('no_device', 'zh-CN')).toBe('未开启推送，打开应用时可见');
    expect(pushText('pushed', 'zh-CN')).toBe('已推送到手机');
    expect(pushText(undefined, 'zh-CN')).toBe('推送状态确定中');
    expect(pushText('something new', 'en')).toBe('Push status pending');
  });
  it('summarises non-zero counts', () => {
    const rows = pushSummary({ pushed: 0, breakthrough: 2, held: 0, held_cap: 0, connected: 1, no_device: 0, failed: 0, undecided: 1 }, 'zh-CN');
    expect(rows.map((r) => r.text)).toEqual(['休息中，已破例推送 2 人', '在线，已即时送达 1 人', '推送状态确定中 1 人']);
  });
});

describe('the publish dialog says what will happen off duty', () => {
  const base = { people: 12, channels: 0, off_duty: 3, breakthrough: 'none' };
  it('a break-through within the cap is not "将在上班时提醒"', () => {
    const s = offDutyHint({ ...base, breakthrough: 'will', week_used: 1, week_cap: 3 }, 'zh-CN');
    expect(s).toBe('3 人休息中：紧急通知将破例立即推送（本周第 2 次，上限 3 次）');
    expect(s).not.toContain('上班时提醒');
  });
  it('the cap used up holds it', () => {
    expect(offDutyHint({ ...base, breakthrough: 'cap_reached', week_used: 3, week_cap: 3 }, 'zh-CN')).toBe('3 人休息中：本周破例推送已用完（3/3），将在上班时提醒');
  });
  it('a normal notice is held; nobody off duty says nothing', () => {
    expect(offDutyHint(base, 'zh-CN')).toBe('3 人休息中，将在上班时提醒');
    expect(offDutyHint({ ...base, off_duty: 0, breakthrough: 'none' }, 'zh-CN')).toBe('');
  });
  it('counts people, not targets', () => {
    expect(peopleText({ ...base, people: 37, channels: 0 }, 'zh-CN')).toBe('共 37 人');
    expect(peopleText({ ...base, people: 37, channels: 3 }, 'zh-CN')).toBe('共 37 人，将置顶于 3 个频道');
  });
});

describe('3/5 已确认', () => {
  it('only with the server count on a notice needing confirmation', () => {
    expect(confirmedOf({ confirmed: 3, recipients: 5, needs_confirm: true }, 'zh-CN')).toBe('3/5 已确认');
    expect(confirmedOf({ confirmed: 0, recipients: 5, needs_confirm: true }, 'en')).toBe('0/5 confirmed');
    expect(confirmedOf({ recipients: 5, needs_confirm: true }, 'zh-CN')).toBeUndefined();
    expect(confirmedOf({ confirmed: 2, recipients: 5, needs_confirm: false }, 'zh-CN')).toBeUndefined();
  });
});

describe('title flashing', () => {
  it('alternates, keeps a title set meanwhile, and restores it', () => {
    const doc = { title: '局 · govchat' };
    let tick: (() => void) | undefined;
    const f = createTitleFlasher(doc, { set: (fn) => (tick = fn), clear: () => (tick = undefined) });
    f.start('【紧急通知】防汛');
    expect(doc.title).toBe('【紧急通知】防汛');
    tick!();
    expect(doc.title).toBe('局 · govchat');
    doc.title = '(3) 局 · govchat'; // the unread count changed
    tick!();
    expect(doc.title).toBe('【紧急通知】防汛');
    f.stop();
    expect(doc.title).toBe('(3) 局 · govchat');
    expect(f.flashing).toBe(false);
  });
});

describe('urgent arrivals', () => {
  const urgent = (over: Partial<Notice> = {}) => notice({ id: 7, priority: 'urgent', channels: [10, 11], ...over });
  function setup(opts: { notice: Notice[]; reachable: boolean }) {
    const calls: string[] = [];
    const gets = [...opts.notice];
    const request = (async (method: string, path: string, body?: unknown) => {
      calls.push(`${method} ${path}${body ? ' ' + JSON.stringify(body) : ''}`);
      if (method === 'GET') return gets.length > 1 ? gets.shift() : gets[0];
      if (path === '/reachability') return { people: [{ user_id: 5, reachable: opts.reachable }] };
      return {};
    }) as Request;
    const timers: (() => void)[] = [];
    const played = vi.fn(async () => true);
    const flashes: (string | undefined)[] = [];
    const store = createUrgentArrivals({
      request,
      meId: 5,
      now: () => 1000,
      play: played,
      flash: (t) => flashes.push(t),
      flashText: (n) => `【紧急通知】${n.title}`,
      later: (fn) => timers.push(fn),
    });
    const frame = (event: string, priority = 'urgent') => store.handleFrame({ type: 'notice', data: { notice_id: 7, event, revision: 1, priority } } as never);
    const settle = () => new Promise((r) => setTimeout(r, 0));
    return { store, calls, timers, played, flashes, frame, settle };
  }

  it('maySound: working time, or a break-through', () => {
    expect(maySound(true, false)).toBe(true);
    expect(maySound(false, true)).toBe(true);
    expect(maySound(false, false)).toBe(false);
  });

  it('at work: the card, the channels first, the title flashing, the tone once', async () => {
    const t = setup({ notice: [urgent()], reachable: true });
    t.frame('published');
    t.frame('published'); // a repeat does not show or sound twice
    await t.settle();
    await t.settle();
    const s = t.store.getState();
    expect(s.queue.map((i) => i.notice.id)).toEqual([7]);
    expect(s.bumps).toEqual({ 10: 1000, 11: 1000 });
    expect(t.flashes.at(-1)).toBe('【紧急通知】关于报送2026年度预算草案的通知');
    expect(t.played).toHaveBeenCalledTimes(1);
    expect(s.queue[0]!.sound).toBe('played');
    await t.store.confirm(7);
    expect(t.calls).toContain('POST /notices/7/confirm {"revision":1}');
    expect(t.store.getState().queue).toEqual([]);
    expect(t.flashes.at(-1)).toBeUndefined(); // the title stops flashing
  });

  it('off duty: silent unless it broke through', async () => {
    const t = setup({ notice: [urgent(), urgent(), urgent()], reachable: false });
    t.frame('published');
    for (let i = 0; i < 5; i++) await t.settle();
    expect(t.store.getState().queue).toHaveLength(1); // the card shows anyway
    expect(t.played).not.toHaveBeenCalled();
    for (let i = 0; i < BREAKTHROUGH_RECHECK_MS.length; i++) {
      t.timers.shift()!();
      for (let k = 0; k < 5; k++) await t.settle();
    }
    expect(t.played).not.toHaveBeenCalled();
    expect(t.store.getState().queue[0]!.sound).toBe('quiet');
  });

  it('off duty, and the server then says it broke through: the tone plays', async () => {
    const t = setup({ notice: [urgent(), urgent({ breakthrough: true })], reachable: false });
    t.frame('published');
    for (let i = 0; i < 5; i++) await t.settle();
    expect(t.played).not.toHaveBeenCalled();
    t.timers.shift()!();
    for (let k = 0; k < 5; k++) await t.settle();
    expect(t.played).toHaveBeenCalledTimes(1);
  });

  it('ignores normal notices, and notices already confirmed elsewhere', async () => {
    const t = setup({ notice: [urgent({ pending: false })], reachable: true });
    t.frame('published', 'normal');
    await t.settle();
    expect(t.calls).toEqual([]);
    t.frame('published');
    for (let i = 0; i < 3; i++) await t.settle();
    expect(t.store.getState().queue).toEqual([]);
  });
});
