import { describe, expect, it } from 'vitest';
import { hasChanges, lineDiff } from './diff';

describe('lineDiff', () => {
  it('marks changed lines between kept ones', () => {
    const d = lineDiff('一、报送范围\n二、截止11月25日\n三、联系人李华', '一、报送范围\n二、截止11月27日\n三、联系人李华');
    expect(d).toEqual([
      { kind: 'same', text: '一、报送范围' },
      { kind: 'del', text: '二、截止11月25日' },
      { kind: 'add', text: '二、截止11月27日' },
      { kind: 'same', text: '三、联系人李华' },
    ]);
    expect(hasChanges(d)).toBe(true);
  });

  it('handles insertions, deletions, empty texts and CRLF', () => {
    expect(lineDiff('a\nc', 'a\nb\nc')).toEqual([
      { kind: 'same', text: 'a' },
      { kind: 'add', text: 'b' },
      { kind: 'same', text: 'c' },
    ]);
    expect(lineDiff('a\nb', '')).toEqual([
      { kind: 'del', text: 'a' },
      { kind: 'del', text: 'b' },
    ]);
    expect(lineDiff('', 'x')).toEqual([{ kind: 'add', text: 'x' }]);
    expect(hasChanges(lineDiff('a\r\nb', 'a\nb'))).toBe(false);
  });

  it('stays fast on long texts with a change in the middle', () => {
    const long = Array.from({ length: 5000 }, (_, i) => `第${i}行`);
    const changed = long.slice();
    changed[2500] = '改过的一行';
    const t0 = Date.now();
    const d = lineDiff(long.join('\n'), changed.join('\n'));
    expect(Date.now() - t0).toBeLessThan(500);
    expect(d.filter((l) => l.kind !== 'same')).toEqual([
      { kind: 'del', text: '第2500行' },
      { kind: 'add', text: '改过的一行' },
    ]);
  });
});
