// Notices as the server sends them, for the tests of this folder.

import type { Notice, NoticeTally } from './types';

export function notice(over: Partial<Notice> = {}): Notice {
  return {
    id: 1,
    author_id: 1,
    title: '关于报送2026年度预算草案的通知',
    body: '请各股室于11月25日17:00前报送。\n联系人：李华',
    revision: 1,
    priority: 'normal',
    secrecy: 0,
    needs_confirm: true,
    status: 'active',
    channels: [10],
    recipients: 12,
    created_at: '2026-11-23T02:00:00Z',
    receipt: { delivered_at: '2026-11-23T02:00:00Z' },
    pending: true,
    can_tally: false,
    can_manage: false,
    ...over,
  };
}

export function tally(over: Partial<NoticeTally> = {}): NoticeTally {
  return {
    notice_id: 1,
    revision: 1,
    total: 3,
    confirmed: 1,
    seen: 1,
    unseen: 1,
    departments: [
      {
        department_id: 3,
        name: '预算股',
        confirmed: 1,
        seen: 1,
        unseen: 1,
        people: [
          { user_id: 5, username: 'zhangjing', display_name: '张静', state: 'confirmed', confirmed_at: '2026-11-23T03:00:00Z', confirmed_revision: 1, reply: '已安排' },
          { user_id: 6, username: 'liuyang', display_name: '刘洋', state: 'seen', seen_at: '2026-11-23T02:30:00Z' },
          { user_id: 7, username: 'zhaomin', display_name: '赵敏', state: 'unseen' },
        ],
      },
    ],
    ...over,
  };
}
