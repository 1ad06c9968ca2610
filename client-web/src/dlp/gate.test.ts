import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { Request } from '../api';
import { createDlpGate, type Ask } from './gate';
import { DEFAULT_RULES, type DlpHitsRequest, type DlpRule } from './types';

const ID = '110105194912310003';

function setup(rules: DlpRule[], answer: boolean) {
  const posted: DlpHitsRequest[] = [];
  const asked: [string, readonly string[], readonly string[]][] = [];
  const request = (async (method: string, path: string, body?: unknown) => {
    if (method === 'GET' && path === '/dlp/rules') return { rules };
    if (method === 'POST' && path === '/dlp/hits') {
      posted.push(body as DlpHitsRequest);
      return { action: 'warn' };
    }
    throw new Error(`unexpected ${method} ${path}`);
  }) as Request;
  const ask: Ask = async (kind, files, ids) => {
    asked.push([kind, files, ids]);
    return answer;
  };
  return { gate: createDlpGate({ request, ask }), posted, asked };
}

const docx = (text: string) => new File([zipSync({ 'word/document.xml': strToU8(`<w:p><w:r><w:t>${text}</w:t></w:r></w:p>`) }) as BlobPart], '材料.docx');

describe('the file gate', () => {
  it('asks before a warned file goes, and reports what the sender chose', async () => {
    const s = setup(DEFAULT_RULES, true);
    const named = new File(['hello'], `张三身份证${ID}.txt`);
    const plain = new File(['会议纪要'], '纪要.txt');
    const ok = await s.gate.check(7, 0, [named, plain]);
    expect(ok).toEqual([named, plain]);
    expect(s.asked).toEqual([['warn', [named.name], ['id_card']]]);
    expect(s.posted).toEqual([{ context: 'channel:7', kind: 'file_name', level: 0, rules: [{ id: 'id_card', count: 1 }], action_taken: 'sent_after_warning' }]);
    expect(JSON.stringify(s.posted)).not.toContain(ID);
  });
  it('keeps a warned file back when the sender cancels', async () => {
    const s = setup(DEFAULT_RULES, false);
    const f = docx(`卡号6222020012345671`);
    expect(await s.gate.check(7, 1, [f])).toEqual([]);
    expect(s.posted).toEqual([{ context: 'channel:7', kind: 'file_text', level: 1, rules: [{ id: 'bank_card', count: 1 }], action_taken: 'cancelled' }]);
  });
  it('refuses a blocked file, names the rule, lets the rest go', async () => {
    const s = setup(DEFAULT_RULES, true);
    const marked = new File(['本文件 秘密★1年'], 'a.txt');
    const plain = new File(['ok'], 'b.txt');
    expect(await s.gate.check(3, 0, [marked, plain])).toEqual([plain]);
    expect(s.asked).toEqual([['block', ['a.txt'], ['secret_mark']]]);
    expect(s.posted[0].action_taken).toBe('blocked');
  });
  it('lets an alerted file go without asking, and reports it', async () => {
    const s = setup(DEFAULT_RULES, false);
    const f = new File([`身份证 ${ID}`], 'c.txt');
    expect(await s.gate.check(3, 2, [f])).toEqual([f]);
    expect(s.asked).toEqual([]);
    expect(s.posted[0]).toMatchObject({ kind: 'file_text', action_taken: 'sent', rules: [{ id: 'id_card', count: 1 }] });
  });
  it('reports only rules that act at the level', async () => {
    const s = setup(DEFAULT_RULES, true);
    const f = new File([`手机13800138000 身份证${ID}`], 'd.txt');
    await s.gate.check(3, 1, [f]); // mobile is off at level 1
    expect(s.posted[0].rules).toEqual([{ id: 'id_card', count: 1 }]);
  });
});
