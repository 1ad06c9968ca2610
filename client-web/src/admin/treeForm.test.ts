import { describe, expect, it } from 'vitest';
import { departmentBody, nextSortOrder, partyOrgBody, validateTreeForm } from './treeForm';

describe('validateTreeForm', () => {
  it.each([
    { name: 'good', v: { name: '综合组', parentId: 3, sortOrder: '10' }, want: {} },
    { name: 'empty sort is 0', v: { name: '综合组', parentId: 0, sortOrder: '' }, want: {} },
    { name: 'negative sort', v: { name: '综合组', parentId: 0, sortOrder: '-2' }, want: {} },
    { name: 'blank name', v: { name: '  ', parentId: 0, sortOrder: '' }, want: { name: { kind: 'required' } } },
    { name: 'slash', v: { name: '预算股/综合组', parentId: 0, sortOrder: '' }, want: { name: { kind: 'slash' } } },
    { name: 'full-width slash', v: { name: '预算股／综合组', parentId: 0, sortOrder: '' }, want: { name: { kind: 'slash' } } },
    { name: 'too long', v: { name: '组'.repeat(65), parentId: 0, sortOrder: '' }, want: { name: { kind: 'too_long', max: 64 } } },
    { name: 'control', v: { name: 'a\tb', parentId: 0, sortOrder: '' }, want: { name: { kind: 'control_characters' } } },
    { name: 'sort not a number', v: { name: 'a', parentId: 0, sortOrder: '1.5' }, want: { sort_order: { kind: 'sort' } } },
  ])('$name', ({ v, want }) => {
    expect(validateTreeForm(v)).toEqual(want);
  });
});

describe('bodies', () => {
  it('sends all fields for a department, top level without parent_id', () => {
    expect(departmentBody({ name: ' 综合组 ', parentId: 3, sortOrder: '10' })).toEqual({ name: '综合组', parent_id: 3, sort_order: 10 });
    expect(departmentBody({ name: '办公室', parentId: 0, sortOrder: '' })).toEqual({ name: '办公室', sort_order: 0 });
  });

  it('gives a group its branch and a branch no parent', () => {
    expect(partyOrgBody({ name: '第三党小组', parentId: 1, sortOrder: '3' }, 'group')).toEqual({ name: '第三党小组', kind: 'group', parent_id: 1, sort_order: 3 });
    expect(partyOrgBody({ name: '机关党支部', parentId: 1, sortOrder: '' }, 'branch')).toEqual({ name: '机关党支部', kind: 'branch', sort_order: 0 });
  });

  it('places a new node after its last sibling', () => {
    const items = [
      { sort_order: 0 },
      { sort_order: 5 },
      { parent_id: 3, sort_order: 4 },
    ];
    expect(nextSortOrder(items, 0)).toBe(6);
    expect(nextSortOrder(items, 3)).toBe(5);
    expect(nextSortOrder(items, 9)).toBe(0);
  });
});
