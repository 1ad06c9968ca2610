// Trees from the flat lists of GET /org, and the keyboard rules of a tree view
// (WAI-ARIA treeview pattern). Pure functions, no DOM.

export interface FlatNode {
  id: number;
  parent_id?: number;
  sort_order: number;
}

export interface TreeNode<T extends FlatNode> {
  item: T;
  depth: number;
  children: TreeNode<T>[];
}

export interface Tree<T extends FlatNode> {
  roots: TreeNode<T>[];
  byId: Map<number, TreeNode<T>>;
  parentOf: Map<number, number>;
}

function bySortOrder<T extends FlatNode>(a: TreeNode<T>, b: TreeNode<T>): number {
  return a.item.sort_order - b.item.sort_order || a.item.id - b.item.id;
}

/** Builds a tree from parent_id links. A node whose parent is unknown, or that sits in
 * a cycle, goes to the top rather than being lost. Siblings by sort_order, then id. */
export function buildTree<T extends FlatNode>(items: readonly T[]): Tree<T> {
  const byId = new Map<number, TreeNode<T>>();
  for (const item of items) if (!byId.has(item.id)) byId.set(item.id, { item, depth: 0, children: [] });
  const parentOf = new Map<number, number>();
  const roots: TreeNode<T>[] = [];
  for (const node of byId.values()) {
    const pid = node.item.parent_id;
    const parent = pid ? byId.get(pid) : undefined;
    if (parent && !reaches(byId, pid!, node.item.id)) {
      parent.children.push(node);
      parentOf.set(node.item.id, pid!);
    } else {
      roots.push(node);
    }
  }
  const settle = (nodes: TreeNode<T>[], depth: number) => {
    nodes.sort(bySortOrder);
    for (const n of nodes) {
      n.depth = depth;
      settle(n.children, depth + 1);
    }
  };
  settle(roots, 0);
  return { roots, byId, parentOf };
}

/** Whether following parent links up from `from` reaches `target` (a cycle). */
function reaches<T extends FlatNode>(byId: Map<number, TreeNode<T>>, from: number, target: number): boolean {
  const seen = new Set<number>();
  for (let id: number | undefined = from; id !== undefined && !seen.has(id); id = byId.get(id)?.item.parent_id) {
    if (id === target) return true;
    seen.add(id);
  }
  return false;
}

/** Every node in display order (pre-order). */
export function preorder<T extends FlatNode>(roots: readonly TreeNode<T>[]): TreeNode<T>[] {
  const out: TreeNode<T>[] = [];
  const walk = (ns: readonly TreeNode<T>[]) => {
    for (const n of ns) {
      out.push(n);
      walk(n.children);
    }
  };
  walk(roots);
  return out;
}

/** The ids of a node and everything below it, in display order. */
export function subtreeIds<T extends FlatNode>(tree: Tree<T>, id: number): number[] {
  const n = tree.byId.get(id);
  return n ? preorder([n]).map((x) => x.item.id) : [];
}

/** The ids above a node, nearest first. */
export function ancestorIds<T extends FlatNode>(tree: Tree<T>, id: number): number[] {
  const out: number[] = [];
  for (let p = tree.parentOf.get(id); p !== undefined && !out.includes(p); p = tree.parentOf.get(p)) out.push(p);
  return out;
}

/** The nodes a reader can see: roots, and children of expanded nodes. */
export function visibleNodes<T extends FlatNode>(roots: readonly TreeNode<T>[], expanded: ReadonlySet<number>): TreeNode<T>[] {
  const out: TreeNode<T>[] = [];
  const walk = (ns: readonly TreeNode<T>[]) => {
    for (const n of ns) {
      out.push(n);
      if (expanded.has(n.item.id)) walk(n.children);
    }
  };
  walk(roots);
  return out;
}

/** What a key press on a focused tree item does. */
export type TreeAction =
  | { kind: 'focus'; id: number }
  | { kind: 'expand'; id: number }
  | { kind: 'collapse'; id: number }
  | { kind: 'select'; id: number }
  | { kind: 'none' };

export function treeKeyAction<T extends FlatNode>(
  tree: Tree<T>,
  expanded: ReadonlySet<number>,
  focused: number,
  key: string,
): TreeAction {
  const visible = visibleNodes(tree.roots, expanded);
  const i = visible.findIndex((n) => n.item.id === focused);
  const node = tree.byId.get(focused);
  if (i < 0 || !node) return visible.length ? { kind: 'focus', id: visible[0].item.id } : { kind: 'none' };
  const open = expanded.has(focused);
  switch (key) {
    case 'ArrowDown':
      return i + 1 < visible.length ? { kind: 'focus', id: visible[i + 1].item.id } : { kind: 'none' };
    case 'ArrowUp':
      return i > 0 ? { kind: 'focus', id: visible[i - 1].item.id } : { kind: 'none' };
    case 'Home':
      return { kind: 'focus', id: visible[0].item.id };
    case 'End':
      return { kind: 'focus', id: visible[visible.length - 1].item.id };
    case 'ArrowRight':
      if (!node.children.length) return { kind: 'none' };
      return open ? { kind: 'focus', id: node.children[0].item.id } : { kind: 'expand', id: focused };
    case 'ArrowLeft': {
      if (open && node.children.length) return { kind: 'collapse', id: focused };
      const parent = tree.parentOf.get(focused);
      return parent !== undefined ? { kind: 'focus', id: parent } : { kind: 'none' };
    }
    case 'Enter':
    case ' ':
      return { kind: 'select', id: focused };
    default:
      return { kind: 'none' };
  }
}
