// 部门 and 党组织: the tree, nested and indented, with add, rename/move and delete.

import { useMemo, useState } from 'preact/hooks';
import type { AdminApi } from '../../admin/api';
import { buildForest, type TreeNode } from '../../admin/tree';
import type { Department, OrgTree, PartyOrg } from '../../admin/types';
import { toUiError, type UiError } from '../../errors';
import { t } from '../../i18n';
import { AdminError, ConfirmBar, StatusLine } from './shared';
import { TreeEditor, type Editing } from './TreeEditor';

type Item = Department | PartyOrg;

export function OrgTreeTab(p: { which: 'departments' | 'party'; api: AdminApi; org: OrgTree; onChanged: () => void }) {
  const party = p.which === 'party';
  const items: Item[] = party ? p.org.party_orgs : p.org.departments;
  const forest = useMemo(() => buildForest<Item>(items), [items]);
  const [editing, setEditing] = useState<Editing>();
  const [deleting, setDeleting] = useState<number>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UiError>();
  const [status, setStatus] = useState<string>();

  const startEdit = (e: Editing) => {
    setEditing(e);
    setDeleting(undefined);
    setError(undefined);
    setStatus(undefined);
  };

  const remove = async (it: Item) => {
    setBusy(true);
    setError(undefined);
    try {
      await (party ? p.api.deletePartyOrg(it.id) : p.api.deleteDepartment(it.id));
      setDeleting(undefined);
      setStatus(t('admin.tree.deleted', { name: it.name }));
      p.onChanged();
    } catch (err) {
      setError(toUiError(err, Date.now()));
      setDeleting(undefined);
    } finally {
      setBusy(false);
    }
  };

  const renderNode = (n: TreeNode<Item>) => {
    const it = n.item;
    const isBranch = party && (it as PartyOrg).kind === 'branch';
    const canAddChild = !party || isBranch;
    return (
      <li key={it.id} class="adm-tree-item">
        <div class="adm-tree-row">
          <span class="adm-tree-name">
            {it.name}
            {party ? <span class="tag">{t(isBranch ? 'admin.kind.branch' : 'admin.kind.group')}</span> : null}
          </span>
          <span class="adm-tree-actions">
            {canAddChild ? (
              <button
                type="button"
                class="btn btn-quiet"
                aria-label={t('admin.tree.add_child_label', { name: it.name })}
                onClick={() => startEdit({ mode: 'create', parentId: it.id, kind: party ? 'group' : undefined })}
              >
                {t(party ? 'admin.tree.add_group' : 'admin.tree.add_child')}
              </button>
            ) : null}
            <button type="button" class="btn btn-quiet" aria-label={t('admin.tree.edit_label', { name: it.name })} onClick={() => startEdit({ mode: 'edit', item: it })}>
              {t('admin.tree.edit')}
            </button>
            <button
              type="button"
              class="btn btn-quiet"
              aria-label={t('admin.tree.delete_label', { name: it.name })}
              onClick={() => {
                setEditing(undefined);
                setError(undefined);
                setStatus(undefined);
                setDeleting(it.id);
              }}
            >
              {t('admin.tree.delete')}
            </button>
          </span>
        </div>
        {deleting === it.id ? (
          <ConfirmBar
            text={t('admin.tree.confirm_delete', { name: it.name })}
            confirmLabel={t('admin.tree.delete')}
            busy={busy}
            onConfirm={() => void remove(it)}
            onCancel={() => setDeleting(undefined)}
          />
        ) : null}
        {n.children.length ? <ul class="adm-tree-children">{n.children.map(renderNode)}</ul> : null}
      </li>
    );
  };

  return (
    <div class="adm-stack">
      <p class="muted">{t(party ? 'admin.tree.party_intro' : 'admin.tree.dept_intro')}</p>
      <div>
        <button type="button" class="btn btn-primary" onClick={() => startEdit({ mode: 'create', parentId: 0, kind: party ? 'branch' : undefined })}>
          {t(party ? 'admin.tree.add_branch' : 'admin.tree.add_top_dept')}
        </button>
      </div>
      {editing ? (
        <TreeEditor
          key={editing.mode === 'edit' ? `e${editing.item.id}` : `c${editing.parentId}`}
          which={p.which}
          api={p.api}
          items={items}
          editing={editing}
          onCancel={() => setEditing(undefined)}
          onSaved={(name) => {
            setEditing(undefined);
            setStatus(t('admin.tree.saved', { name }));
            p.onChanged();
          }}
        />
      ) : null}
      <AdminError id="adm-tree-error" error={error} action="tree_delete" />
      <StatusLine text={status} />
      {forest.length === 0 ? (
        <p class="adm-empty">{t(party ? 'admin.tree.empty_party' : 'admin.tree.empty_dept')}</p>
      ) : (
        <ul class="adm-tree" aria-label={t(party ? 'admin.tree.party_label' : 'admin.tree.dept_label')}>
          {forest.map(renderNode)}
        </ul>
      )}
    </div>
  );
}
