import { describe, expect, it, vi } from 'vitest';
import { accountErrorKey, passwordProblem } from './account';
import { adminNames, loadAdmins } from './admins';
import { badgeText, currentSection, navEntries, showTabBar } from './layout';
import { appHeight, watchViewport, type VisualViewportLike } from './viewport';
import { parseRoute, pathFor } from '../router';

describe('layout', () => {
  it('a phone gets four tabs, a desk the side list (系统管理 for the administrator)', () => {
    expect(navEntries(true, true).map((n) => n.section)).toEqual(['channels', 'notices', 'todos', 'directory', 'me']);
    expect(navEntries(false, false).map((n) => n.section)).toEqual(['channels', 'notices', 'todos', 'directory', 'settings']);
    expect(navEntries(false, true).map((n) => n.section)).toEqual(['channels', 'notices', 'todos', 'directory', 'settings', 'admin']);
    // 审计台 for the security officer and the auditor only, on a desk; on a phone it is under 我.
    expect(navEntries(false, false, true).map((n) => n.section)).toEqual(['channels', 'notices', 'todos', 'directory', 'settings', 'security', 'audit']);
    expect(navEntries(false, false, false, true).map((n) => n.section)).toEqual(['channels', 'notices', 'todos', 'directory', 'settings', 'security', 'audit']);
    expect(navEntries(true, false, true).map((n) => n.section)).toEqual(['channels', 'notices', 'todos', 'directory', 'me']);
    expect(currentSection({ section: 'audit', tab: 'alerts' }, true)).toBe('me');
    expect(currentSection({ section: 'audit', tab: 'alerts' }, false)).toBe('audit');
  });
  it('设置 and 系统管理 light the 我 tab on a phone, themselves on a desk', () => {
    expect(currentSection({ section: 'settings' }, true)).toBe('me');
    expect(currentSection({ section: 'admin', tab: 'import' }, true)).toBe('me');
    expect(currentSection({ section: 'settings' }, false)).toBe('settings');
    expect(currentSection({ section: 'notices', view: 'sent' }, true)).toBe('notices');
  });
  it('收集 lights 通知, where it is reached from, on a phone and a desk', () => {
    expect(currentSection({ section: 'collect', collectionId: 4 }, true)).toBe('notices');
    expect(currentSection({ section: 'collect' }, false)).toBe('notices');
  });
  it('the tab bar makes way inside an open channel only', () => {
    expect(showTabBar({ section: 'channels', channelId: 3 })).toBe(false);
    expect(showTabBar({ section: 'channels' })).toBe(true);
    expect(showTabBar({ section: 'me' })).toBe(true);
  });
  it('/me is a route', () => {
    expect(parseRoute('/me')).toEqual({ section: 'me' });
    expect(pathFor({ section: 'me' })).toBe('/me');
  });
  it('badges', () => {
    expect(badgeText(0)).toBe('');
    expect(badgeText(7)).toBe('7');
    expect(badgeText(100)).toBe('99+');
  });
});

describe('viewport', () => {
  it('follows the visible height, not a pinch zoom', () => {
    expect(appHeight(844, { height: 500.4, scale: 1 })).toBe(500);
    expect(appHeight(844, { height: 900, scale: 1 })).toBe(844);
    expect(appHeight(844, { height: 400, scale: 2 })).toBeUndefined();
    expect(appHeight(844, undefined)).toBeUndefined();
  });
  it('sets the height when the keyboard opens and clears it when stopped', () => {
    const fns: Record<string, () => void> = {};
    const vv: VisualViewportLike = {
      height: 844,
      offsetTop: 0,
      scale: 1,
      addEventListener: (type, fn) => void (fns[type] = fn),
      removeEventListener: (type) => void delete fns[type],
    };
    const heights: (number | undefined)[] = [];
    const scrollTop = vi.fn();
    const stop = watchViewport({ vv, innerHeight: () => 844, setHeight: (h) => heights.push(h), scrollTop });
    vv.height = 480;
    vv.offsetTop = 120; // the browser scrolled the page to show the field
    fns.resize!();
    expect(heights).toEqual([844, 480]);
    expect(scrollTop).toHaveBeenCalledTimes(1);
    stop();
    expect(heights.at(-1)).toBeUndefined();
    expect(Object.keys(fns)).toEqual([]);
  });
});

describe('account', () => {
  it('checks the form before sending', () => {
    expect(passwordProblem('', 'LongEnough#1', 'LongEnough#1')).toBe('current');
    expect(passwordProblem('x', 'short', 'short')).toBe('length');
    expect(passwordProblem('x', '预算编制要按时报送给', '预算编制要按时报送给')).toBeUndefined(); // 10 characters, not bytes
    expect(passwordProblem('x', 'LongEnough#1', 'LongEnough#2')).toBe('mismatch');
    expect(passwordProblem('x', 'LongEnough#1', 'LongEnough#1')).toBeUndefined();
  });
  it('says more where the place makes it clearer', () => {
    expect(accountErrorKey('invalid_credentials', 'password')).toBe('account.wrong_current');
    expect(accountErrorKey('forbidden', 'totp_disable')).toBe('account.totp_must_keep');
    expect(accountErrorKey('conflict', 'totp_enable')).toBe('account.totp_conflict');
    expect(accountErrorKey('password_policy', 'password')).toBeUndefined();
  });
});

describe('whom to ask', () => {
  const zhou = { id: 18, username: 'zhoutao', display_name: '周涛', title: '信息中心主任', phone: '13800000018', departments: [] };
  it('names the administrators the directory shows', () => {
    expect(adminNames([zhou], '、')).toBe('周涛（信息中心主任，13800000018）');
    expect(adminNames([zhou, { ...zhou, id: 2, display_name: '李明', title: undefined, phone: undefined }], ', ')).toBe('周涛 (信息中心主任, 13800000018), 李明');
    expect(adminNames([], '、')).toBe('');
  });
  it('asks the directory for the administrators', async () => {
    const request = vi.fn().mockResolvedValue({ people: [zhou] });
    expect(await loadAdmins(request)).toEqual([zhou]);
    expect(request).toHaveBeenCalledWith('GET', '/org/people?role=admin&limit=20');
  });
});
