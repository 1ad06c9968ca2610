import { describe, expect, it } from 'vitest';
import { todoRequest } from './form';

const NOW = Date.parse('2026-11-23T01:00:00Z'); // 09:00 in Beijing
const m = { channel_id: 12, seq: 345 };

describe('the 设为待办 request', () => {
  it('reads the due date and time as Beijing time', () => {
    expect(todoRequest(m, 7, '2026-11-25', '17:00', '', NOW)).toEqual({ channel_id: 12, seq: 345, assignee_id: 7, due: '2026-11-25T09:00:00.000Z' });
  });
  it('is due at 17:30 when only a date is given, and has no due time without a date', () => {
    expect(todoRequest(m, 7, '2026-11-25', '', '', NOW)).toMatchObject({ due: '2026-11-25T09:30:00.000Z' });
    expect(todoRequest(m, 7, '', '17:00', '', NOW)).not.toHaveProperty('due');
  });
  it('refuses a due time that is not in the future, or not a real day', () => {
    expect(todoRequest(m, 7, '2026-11-23', '09:00', '', NOW)).toEqual({ problem: '截止时间须晚于现在。' });
    expect(todoRequest(m, 7, '2026-02-30', '09:00', '', NOW)).toEqual({ problem: '请填写正确的日期和时间。' });
  });
  it('trims the note and keeps at most 200 characters', () => {
    expect(todoRequest(m, 7, '', '', '  周五前  ', NOW)).toMatchObject({ note: '周五前' });
    expect((todoRequest(m, 7, '', '', '注'.repeat(250), NOW) as { note: string }).note).toHaveLength(200);
    expect(todoRequest(m, 7, '', '', '   ', NOW)).not.toHaveProperty('note');
  });
});
