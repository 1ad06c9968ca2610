import { useEffect, useRef, useState } from 'preact/hooks';
import { ancestorIds, treeKeyAction, visibleNodes, type Tree, type TreeNode } from '../../directory/tree';

interface Named {
  id: number;
  parent_id?: number;
  sort_order: number;
  name: string;
}

interface Props<T extends Named> {
  /** Prefix for element ids; unique on the page. */
  idPrefix: string;
  labelledBy: string;
  tree: Tree<T>;
  selectedId: number | undefined;
  onSelect: (id: number) => void;
  /** Open the top level at first (a party tree has few branches). */
  expandRoots?: boolean;
}

/** A collapsible tree (WAI-ARIA treeview): one tab stop, arrows move and open and
 * close, Home/End jump, Enter or Space selects. A click on the arrow opens or closes,
 * a click on the name selects. */
export function OrgTreeView<T extends Named>({ idPrefix, labelledBy, tree, selectedId, onSelect, expandRoots }: Props<T>) {
  const [expanded, setExpanded] = useState<Set<number>>(() => {
    const open = new Set<number>(expandRoots ? tree.roots.map((r) => r.item.id) : []);
    if (selectedId !== undefined) ancestorIds(tree, selectedId).forEach((id) => open.add(id));
    return open;
  });
  const [focusId, setFocusId] = useState<number | undefined>(undefined);
  const wantFocus = useRef(false);
  const listRef = useRef<HTMLUListElement>(null);

  const visible = visibleNodes(tree.roots, expanded);
  const has = (id: number | undefined) => id !== undefined && visible.some((n) => n.item.id === id);
  const tabId = has(focusId) ? focusId : has(selectedId) ? selectedId : visible[0]?.item.id;

  useEffect(() => {
    if (!wantFocus.current || tabId === undefined) return;
    wantFocus.current = false;
    listRef.current?.querySelector<HTMLElement>(`#${idPrefix}-${tabId}`)?.focus();
  });

  const toggle = (id: number, open: boolean) =>
    setExpanded((prev) => {
      const next = new Set(prev);
      if (open) next.add(id);
      else next.delete(id);
      return next;
    });

  const onKeyDown = (e: KeyboardEvent) => {
    if (tabId === undefined || e.altKey || e.ctrlKey || e.metaKey) return;
    const a = treeKeyAction(tree, expanded, tabId, e.key);
    if (a.kind === 'none') return;
    e.preventDefault();
    if (a.kind === 'focus') {
      wantFocus.current = true;
      setFocusId(a.id);
    } else if (a.kind === 'expand' || a.kind === 'collapse') {
      toggle(a.id, a.kind === 'expand');
    } else {
      onSelect(a.id);
    }
  };

  const renderNode = (n: TreeNode<T>) => {
    const id = n.item.id;
    const open = expanded.has(id);
    const parent = n.children.length > 0;
    const nameId = `${idPrefix}-${id}-name`;
    return (
      <li
        key={id}
        id={`${idPrefix}-${id}`}
        role="treeitem"
        class="dir-node"
        aria-level={n.depth + 1}
        aria-expanded={parent ? open : undefined}
        aria-selected={id === selectedId}
        aria-labelledby={nameId}
        tabIndex={id === tabId ? 0 : -1}
      >
        <span
          class={`dir-node-row dir-depth-${Math.min(n.depth, 6)}`}
          onClick={() => {
            setFocusId(id);
            onSelect(id);
          }}
        >
          <span
            class={parent ? (open ? 'dir-twisty is-open' : 'dir-twisty') : 'dir-twisty is-leaf'}
            aria-hidden="true"
            onClick={(e) => {
              if (!parent) return;
              e.stopPropagation();
              setFocusId(id);
              toggle(id, !open);
            }}
          />
          <span id={nameId} class="dir-node-name">
            {n.item.name}
          </span>
        </span>
        {parent && open ? <ul role="group">{n.children.map(renderNode)}</ul> : null}
      </li>
    );
  };

  return (
    <ul ref={listRef} role="tree" class="dir-tree" aria-labelledby={labelledBy} onKeyDown={onKeyDown}>
      {tree.roots.map(renderNode)}
    </ul>
  );
}
