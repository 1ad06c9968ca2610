import { describe, expect, it } from 'vitest';
import { formatSize, passwordsAsCsv, TEMPLATE_CSV } from './importTemplate';

describe('import template', () => {
  it('has the required columns first and no watcher roles', () => {
    expect(TEMPLATE_CSV.split('\r\n')[0]!.startsWith('用户名,姓名,')).toBe(true);
    expect(TEMPLATE_CSV).not.toMatch(/保密员|审计员/);
    for (const line of TEMPLATE_CSV.trim().split('\r\n')) expect(line.split(',').length).toBe(10);
  });

  it.each([
    [512, '512 B'],
    [2048, '2.0 KB'],
    [5 * 1024 * 1024, '5.0 MB'],
  ])('formats %i bytes', (n, want) => {
    expect(formatSize(n)).toBe(want);
  });

  it('lists passwords as CSV', () => {
    expect(passwordsAsCsv([{ username: 'lihong', password: 'zJRR-MjF9-77A3' }])).toBe('username,password\nlihong,zJRR-MjF9-77A3');
  });
});
