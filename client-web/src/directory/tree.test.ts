import { describe, expect, it } from 'vitest';
import { ancestorIds, buildTree, preorder, subtreeIds, treeKeyAction, visibleNodes } from './tree';
import type { Department } from './types';

// The demo organisation's departments, in the server's order (parent, sort_order, id).
const DEPTS: Department[] = [
  { id: 1, name: '局领导', path: '局领导', sort_order: 0 },
  { id: 2, name: '办公室', path: '办公室', sort_order: 1 },
  { id: 3, name: '预算股', path: '预算股', sort_order: 2 },
  { id: 6, name: '国库股', path: '国库股', sort_order: 5 },
  { id: 4, parent_id: 3, name: '预算编制组', path: '预算股/预算编制组', sort_order: 3 },
  { id: 5, parent_id: 3, name: '预算执行组', path: '预算股/预算执行组', sort_order: 4 },
  { id: 9, parent_id: 4, name: '编制一组', path: '预算股/预算编制组/编制一组', sort_order: 0 },
];

const ids = (ns: { item: { id: number } }[]) => ns.map((n) => n.item.id);

describe('buildTree', () => {
  it('nests children under their parents, in display order', () => {
    const t = buildTree(DEPTS);
    expect(ids(t.roots)).toEqual([1, 2, 3, 6]);
    expect(ids(t.byId.get(3)!.children)).toEqual([4, 5]);
    expect(ids(preorder(t.roots))).toEqual([1, 2, 3, 4, 9, 5, 6]);
    expect(t.byId.get(9)!.depth).toBe(2);
  });

  it('orders siblings by sort_order then id, whatever the input order', () => {
    const t = buildTree([
      { id: 5, sort_order: 1 },
      { id: 2, sort_order: 1 },
      { id: 7, sort_order: 0 },
    ]);
    expect(ids(t.roots)).toEqual([7, 2, 5]);
  });

  it('keeps a node with an unknown parent, at the top', () => {
    const t = buildTree([{ id: 1, sort_order: 0 }, { id: 2, parent_id: 99, sort_order: 1 }]);
    expect(ids(t.roots)).toEqual([1, 2]);
  });

  it('survives a cycle without losing or repeating nodes', () => {
    const t = buildTree([
      { id: 1, parent_id: 2, sort_order: 0 },
      { id: 2, parent_id: 1, sort_order: 1 },
      { id: 3, parent_id: 3, sort_order: 2 },
    ]);
    expect(ids(preorder(t.roots)).sort()).toEqual([1, 2, 3]);
  });

  it('finds subtrees and ancestors', () => {
    const t = buildTree(DEPTS);
    expect(subtreeIds(t, 3)).toEqual([3, 4, 9, 5]);
    expect(subtreeIds(t, 6)).toEqual([6]);
    expect(subtreeIds(t, 42)).toEqual([]);
    expect(ancestorIds(t, 9)).toEqual([4, 3]);
    expect(ancestorIds(t, 1)).toEqual([]);
  });

  it('shows only children of open nodes', () => {
    const t = buildTree(DEPTS);
    expect(ids(visibleNodes(t.roots, new Set()))).toEqual([1, 2, 3, 6]);
    expect(ids(visibleNodes(t.roots, new Set([3])))).toEqual([1, 2, 3, 4, 5, 6]);
    // An open node under a closed one stays hidden.
    expect(ids(visibleNodes(t.roots, new Set([4])))).toEqual([1, 2, 3, 6]);
  });
});

describe('treeKeyAction', () => {
  const t = buildTree(DEPTS);
  const cases: { name: string; open: number[]; focused: number; key: string; want: ReturnType<typeof treeKeyAction> }[] = [
    { name: 'down moves to the next visible node', open: [], focused: 3, key: 'ArrowDown', want: { kind: 'focus', id: 6 } },
    { name: 'down enters an open node', open: [3], focused: 3, key: 'ArrowDown', want: { kind: 'focus', id: 4 } },
    { name: 'down stops at the end', open: [], focused: 6, key: 'ArrowDown', want: { kind: 'none' } },
    { name: 'up moves back out of a subtree', open: [3], focused: 6, key: 'ArrowUp', want: { kind: 'focus', id: 5 } },
    { name: 'up stops at the start', open: [], focused: 1, key: 'ArrowUp', want: { kind: 'none' } },
    { name: 'right opens a closed node', open: [], focused: 3, key: 'ArrowRight', want: { kind: 'expand', id: 3 } },
    { name: 'right on an open node goes to its first child', open: [3], focused: 3, key: 'ArrowRight', want: { kind: 'focus', id: 4 } },
    { name: 'right on a leaf does nothing', open: [], focused: 1, key: 'ArrowRight', want: { kind: 'none' } },
    { name: 'left closes an open node', open: [3], focused: 3, key: 'ArrowLeft', want: { kind: 'collapse', id: 3 } },
    { name: 'left on a child goes to its parent', open: [3], focused: 5, key: 'ArrowLeft', want: { kind: 'focus', id: 3 } },
    { name: 'left on a closed top node does nothing', open: [], focused: 2, key: 'ArrowLeft', want: { kind: 'none' } },
    { name: 'home goes to the first node', open: [3], focused: 5, key: 'Home', want: { kind: 'focus', id: 1 } },
    { name: 'end goes to the last visible node', open: [3, 4], focused: 1, key: 'End', want: { kind: 'focus', id: 6 } },
    { name: 'enter selects', open: [], focused: 2, key: 'Enter', want: { kind: 'select', id: 2 } },
    { name: 'space selects', open: [3], focused: 4, key: ' ', want: { kind: 'select', id: 4 } },
    { name: 'other keys do nothing', open: [], focused: 2, key: 'a', want: { kind: 'none' } },
    { name: 'a hidden focus falls back to the first node', open: [], focused: 9, key: 'ArrowDown', want: { kind: 'focus', id: 1 } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(treeKeyAction(t, new Set(c.open), c.focused, c.key)).toEqual(c.want);
    });
  }

  it('does nothing in an empty tree', () => {
    expect(treeKeyAction(buildTree([]), new Set(), 1, 'ArrowDown')).toEqual({ kind: 'none' });
  });
});
