import { describe, expect, it } from 'vitest';
import { parseRoute, pathFor, type Route } from './router';

describe('routes', () => {
  const cases: [string, Route][] = [
    ['/', { section: 'channels' }],
    ['/c/12', { section: 'channels', channelId: 12 }],
    ['/notices', { section: 'notices', view: 'pending' }],
    ['/notices/received', { section: 'notices', view: 'received' }],
    ['/notices/sent', { section: 'notices', view: 'sent' }],
    ['/notices/channel/12', { section: 'notices', view: 'channel', channelId: 12 }],
    ['/notices/34', { section: 'notices', view: 'pending', noticeId: 34 }],
    ['/collect', { section: 'collect' }],
    ['/collect/56', { section: 'collect', collectionId: 56 }],
    ['/directory', { section: 'directory' }],
    ['/settings', { section: 'settings' }],
    ['/admin/worktime', { section: 'admin', tab: 'worktime' }],
    ['/admin/people', { section: 'admin', tab: 'people' }],
    ['/admin/import', { section: 'admin', tab: 'import' }],
    ['/audit/trail', { section: 'audit', tab: 'trail' }],
    ['/audit/alerts', { section: 'audit', tab: 'alerts' }],
    ['/audit/export', { section: 'audit', tab: 'export' }],
    ['/audit/investigate', { section: 'audit', tab: 'investigate' }],
    ['/audit/investigate/file/0123456789abcdef0123456789abcdef', { section: 'audit', tab: 'investigate', inv: { kind: 'file', blobId: '0123456789abcdef0123456789abcdef' } }],
    ['/audit/investigate/message/12/88', { section: 'audit', tab: 'investigate', inv: { kind: 'message', channelId: 12, seq: 88 } }],
    ['/audit/investigate/person/7', { section: 'audit', tab: 'investigate', inv: { kind: 'person', personId: 7 } }],
    ['/audit/investigate/notice/34', { section: 'audit', tab: 'investigate', inv: { kind: 'notice', noticeId: 34 } }],
  ];
  it.each(cases)('%s round-trips', (path, route) => {
    expect(parseRoute(path)).toEqual(route);
    expect(pathFor(route)).toBe(path);
  });

  it.each([
    ['/c/0', { section: 'channels' }],
    ['/c/-3', { section: 'channels' }],
    ['/c/abc', { section: 'channels' }],
    ['/c/1.5', { section: 'channels' }],
    ['/c/9/extra', { section: 'channels' }],
    ['/nowhere', { section: 'channels' }],
    ['/admin', { section: 'admin', tab: 'people' }],
    ['/admin/secret', { section: 'admin', tab: 'people' }],
    ['/audit', { section: 'audit', tab: 'trail' }],
    ['/audit/elsewhere', { section: 'audit', tab: 'trail' }],
    ['/audit/investigate/file/0123', { section: 'audit', tab: 'investigate' }],
    ['/audit/investigate/file/0123456789ABCDEF0123456789ABCDEF', { section: 'audit', tab: 'investigate' }],
    ['/audit/investigate/message/12', { section: 'audit', tab: 'investigate' }],
    ['/audit/investigate/message/12/0', { section: 'audit', tab: 'investigate' }],
    ['/audit/investigate/person/x', { section: 'audit', tab: 'investigate' }],
    ['/audit/investigate/notice/3/4', { section: 'audit', tab: 'investigate' }],
    ['/audit/trail/file/0123456789abcdef0123456789abcdef', { section: 'audit', tab: 'trail' }],
    ['/c/7?x=1', { section: 'channels', channelId: 7 }],
    ['/c/1e3', { section: 'channels' }],
    ['/notices/0', { section: 'notices', view: 'pending' }],
    ['/notices/channel/x', { section: 'notices', view: 'pending' }],
    ['/notices/elsewhere', { section: 'notices', view: 'pending' }],
    ['/collect/0', { section: 'collect' }],
    ['/collect/x/y', { section: 'collect' }],
  ])('%s is read safely', (path, route) => {
    expect(parseRoute(path)).toEqual(route);
  });
});
