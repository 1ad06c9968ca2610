// Where 保密管理 is reached: its address, the side navigation of the security officer only
// (under 我 on a phone), and the officer's 复制文件编号 on file messages.

import { describe, expect, it, vi } from 'vitest';
import type { Message } from '../../chat/types';
import { currentSection, navEntries } from '../../phone/layout';
import { parseRoute, pathFor } from '../../router';
import { escrowMenu } from './menu';
import { securityTabs } from './tabs';

describe('the 保密管理 page', () => {
  it('lives at /security/escrow', () => {
    expect(parseRoute('/security/escrow')).toEqual({ section: 'security', tab: 'escrow' });
    expect(parseRoute('/security')).toEqual({ section: 'security', tab: 'escrow' });
    expect(pathFor({ section: 'security', tab: 'escrow' })).toBe('/security/escrow');
  });

  it('has the tabs 密级设置 (/security/levels) and 法律保全 (/security/holds); anything else is the escrow tab', () => {
    expect(parseRoute('/security/levels')).toEqual({ section: 'security', tab: 'levels' });
    expect(parseRoute('/security/holds')).toEqual({ section: 'security', tab: 'holds' });
    expect(parseRoute('/security/dlp')).toEqual({ section: 'security', tab: 'dlp' });
    expect(parseRoute('/security/nope')).toEqual({ section: 'security', tab: 'escrow' });
    expect(pathFor({ section: 'security', tab: 'holds' })).toBe('/security/holds');
  });

  it('gives the auditor 法律保全 (to countersign) and the officer all four tabs (密钥恢复 since issue 12)', () => {
    const auditor = navEntries(false, false, false, true);
    // 审计台 (the audit console) comes after it.
    expect(auditor.map((n) => n.section)).toEqual(['channels', 'notices', 'todos', 'directory', 'settings', 'security', 'audit']);
    expect(auditor.find((n) => n.section === 'security')?.route).toEqual({ section: 'security', tab: 'holds' });
    expect(navEntries(false, false, false, false).map((n) => n.section)).not.toContain('security');
    expect(securityTabs('security')).toEqual(['escrow', 'levels', 'holds', 'dlp', 'recovery']);
    expect(securityTabs('auditor')).toEqual(['holds']);
    expect(securityTabs('admin')).toEqual([]);
    expect(securityTabs('staff')).toEqual([]);
  });

  it('is in the side navigation of the security officer only, and under 我 on a phone', () => {
    const sections = (phone: boolean, admin: boolean, security: boolean) => navEntries(phone, admin, security).map((n) => n.section);
    expect(sections(false, false, true)).toEqual(['channels', 'notices', 'todos', 'directory', 'settings', 'security', 'audit']);
    expect(sections(false, true, false)).not.toContain('security');
    expect(sections(false, false, false)).not.toContain('security');
    expect(sections(true, false, true)).toEqual(['channels', 'notices', 'todos', 'directory', 'me']);
    expect(currentSection({ section: 'security', tab: 'escrow' }, true)).toBe('me');
    expect(currentSection({ section: 'security', tab: 'escrow' }, false)).toBe('security');
  });
});

describe('复制文件编号', () => {
  const base = { channel_id: 12, seq: 3, sender_id: 7, text: '', created_at: '2026-11-23T01:00:00Z' } as unknown as Message;
  const att = { blob_id: '5f0c3a9e1b2d4c6e8f0a1b2c3d4e5f60', size: 5000, commitment: 'c' };

  it('copies the file id of a file message', async () => {
    const clip = { writeText: vi.fn(async () => undefined) };
    const items = escrowMenu({ ...base, attachment: att } as Message, clip);
    expect(items.map((i) => i.label)).toEqual(['复制文件编号']);
    items[0]!.run!();
    expect(clip.writeText).toHaveBeenCalledWith(att.blob_id);
  });

  it('is not offered on a message without a file, or a recalled one', () => {
    const clip = { writeText: vi.fn(async () => undefined) };
    expect(escrowMenu(base, clip)).toEqual([]);
    expect(escrowMenu({ ...base, attachment: att, recalled_at: '2026-11-23T01:01:00Z' } as Message, clip)).toEqual([]);
  });
});
