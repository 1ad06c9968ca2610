import { describe, expect, it } from 'vitest';
import { buildForest, flatten, indentLabel, parentChoices, subtreeIds } from './tree';

const depts = [
  { id: 1, name: '局领导', sort_order: 0 },
  { id: 2, name: '办公室', sort_order: 1 },
  { id: 3, name: '预算股', sort_order: 2 },
  { id: 6, name: '国库股', sort_order: 5 },
  { id: 5, parent_id: 3, name: '预算执行组', sort_order: 4 },
  { id: 4, parent_id: 3, name: '预算编制组', sort_order: 3 },
  { id: 7, parent_id: 4, name: '综合组', sort_order: 0 },
];

const names = (ns: { item: { name: string }; depth: number }[]) => ns.map((n) => `${n.depth}:${n.item.name}`);

describe('buildForest', () => {
  it('nests by parent and sorts siblings by sort_order then id', () => {
    expect(names(flatten(buildForest(depts)))).toEqual([
      '0:局领导',
      '0:办公室',
      '0:预算股',
      '1:预算编制组',
      '2:综合组',
      '1:预算执行组',
      '0:国库股',
    ]);
  });

  it('breaks sort_order ties by id', () => {
    const f = buildForest([
      { id: 9, name: 'b', sort_order: 0 },
      { id: 8, name: 'a', sort_order: 0 },
    ]);
    expect(f.map((n) => n.item.id)).toEqual([8, 9]);
  });

  it('shows orphans and cycles at the top instead of losing them', () => {
    const f = flatten(
      buildForest([
        { id: 1, parent_id: 99, name: 'orphan', sort_order: 0 },
        { id: 2, parent_id: 3, name: 'x', sort_order: 0 },
        { id: 3, parent_id: 2, name: 'y', sort_order: 0 },
      ]),
    );
    expect(f.map((n) => n.item.id).sort()).toEqual([1, 2, 3]);
  });

  it('handles an empty tree', () => {
    expect(buildForest([])).toEqual([]);
  });
});

describe('moving', () => {
  it.each([
    { id: 3, subtree: [3, 4, 5, 7] },
    { id: 4, subtree: [4, 7] },
    { id: 6, subtree: [6] },
  ])('subtree of $id', ({ id, subtree }) => {
    expect([...subtreeIds(depts, id)].sort()).toEqual(subtree);
  });

  it('offers every node but the moving one and those below it', () => {
    expect(parentChoices(depts, 4).map((n) => n.item.id)).toEqual([1, 2, 3, 5, 6]);
    expect(parentChoices(depts).length).toBe(depts.length);
  });

  it('indents option labels with full-width spaces', () => {
    expect(indentLabel('综合组', 2)).toBe('\u3000\u3000综合组');
    expect(indentLabel('局领导', 0)).toBe('局领导');
  });
});
