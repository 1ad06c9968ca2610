// The org trees arrive flat (GET /api/v1/org); these build and walk them.

export interface TreeItem {
  id: number;
  parent_id?: number;
  name: string;
  sort_order: number;
}

export interface TreeNode<T extends TreeItem> {
  item: T;
  depth: number;
  children: TreeNode<T>[];
}

const bySortThenId = (a: TreeItem, b: TreeItem) => a.sort_order - b.sort_order || a.id - b.id;

/** Nests the flat list. Siblings sort by sort_order, then id. A node whose parent is
 * missing (or that sits in a cycle) is shown at the top rather than lost. */
export function buildForest<T extends TreeItem>(items: readonly T[]): TreeNode<T>[] {
  const ids = new Set(items.map((i) => i.id));
  const kids = new Map<number, T[]>();
  const roots: T[] = [];
  for (const it of items) {
    const p = it.parent_id;
    if (p && p !== it.id && ids.has(p)) {
      const list = kids.get(p) ?? [];
      list.push(it);
      kids.set(p, list);
    } else {
      roots.push(it);
    }
  }
  const seen = new Set<number>();
  const build = (it: T, depth: number): TreeNode<T> => {
    seen.add(it.id);
    const children = (kids.get(it.id) ?? [])
      .filter((c) => !seen.has(c.id))
      .sort(bySortThenId)
      .map((c) => build(c, depth + 1));
    return { item: it, depth, children };
  };
  const forest = roots.sort(bySortThenId).map((r) => build(r, 0));
  // Cycles have no root: surface them at the top so they can be fixed.
  for (const it of [...items].sort(bySortThenId)) if (!seen.has(it.id)) forest.push(build(it, 0));
  return forest;
}

/** Depth-first order, with each node's depth: for selects and plain lists. */
export function flatten<T extends TreeItem>(forest: readonly TreeNode<T>[]): TreeNode<T>[] {
  const out: TreeNode<T>[] = [];
  const walk = (ns: readonly TreeNode<T>[]) => {
    for (const n of ns) {
      out.push(n);
      walk(n.children);
    }
  };
  walk(forest);
  return out;
}

/** The node and everything under it. */
export function subtreeIds<T extends TreeItem>(items: readonly T[], id: number): Set<number> {
  const out = new Set<number>([id]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const it of items) {
      if (it.parent_id && out.has(it.parent_id) && !out.has(it.id)) {
        out.add(it.id);
        grew = true;
      }
    }
  }
  return out;
}

/** Where a department may move: anywhere but itself and below itself. */
export function parentChoices<T extends TreeItem>(items: readonly T[], movingId?: number): TreeNode<T>[] {
  const banned = movingId === undefined ? new Set<number>() : subtreeIds(items, movingId);
  return flatten(buildForest(items)).filter((n) => !banned.has(n.item.id));
}

/** An option label that shows depth without styles: "　　预算编制组". */
export function indentLabel(name: string, depth: number): string {
  return '\u3000'.repeat(Math.max(0, depth)) + name;
}
