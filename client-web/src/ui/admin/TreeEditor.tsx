// The form that creates a department or party organisation, or renames and moves one.

import { useState } from 'preact/hooks';
import type { AdminApi } from '../../admin/api';
import { indentLabel, parentChoices } from '../../admin/tree';
import { departmentBody, nextSortOrder, partyOrgBody, validateTreeForm, type TreeFormValues, type TreeProblems } from '../../admin/treeForm';
import type { Department, PartyKind, PartyOrg } from '../../admin/types';
import { toUiError, type UiError } from '../../errors';
import { t } from '../../i18n';
import { Field } from '../common';
import { AdminError, FieldProblemText, problemText, SelectField, ViewHeading } from './shared';

type Item = Department | PartyOrg;

export type Editing = { mode: 'create'; parentId: number; kind?: PartyKind } | { mode: 'edit'; item: Item };

export function TreeEditor(p: {
  which: 'departments' | 'party';
  api: AdminApi;
  items: readonly Item[];
  editing: Editing;
  onCancel: () => void;
  onSaved: (name: string) => void;
}) {
  const party = p.which === 'party';
  const ed = p.editing;
  const kind: PartyKind | undefined = ed.mode === 'edit' ? (ed.item as PartyOrg).kind : ed.kind;
  const [values, setValues] = useState<TreeFormValues>(() =>
    ed.mode === 'edit'
      ? { name: ed.item.name, parentId: ed.item.parent_id ?? 0, sortOrder: String(ed.item.sort_order) }
      : { name: '', parentId: ed.parentId, sortOrder: String(nextSortOrder(p.items, ed.parentId)) },
  );
  const [problems, setProblems] = useState<TreeProblems>({});
  const [error, setError] = useState<UiError>();
  const [busy, setBusy] = useState(false);

  const title =
    ed.mode === 'edit'
      ? t('admin.tree.edit_title', { name: ed.item.name })
      : t(!party ? 'admin.tree.new_dept' : kind === 'branch' ? 'admin.tree.new_branch' : 'admin.tree.new_group');

  // Departments move anywhere but under themselves; a party group moves between branches;
  // a branch always stays at the top.
  const parentOptions = party
    ? p.items.filter((i) => (i as PartyOrg).kind === 'branch').map((i) => ({ value: String(i.id), label: i.name }))
    : [
        { value: '0', label: t('admin.tree.top') },
        ...parentChoices(p.items, ed.mode === 'edit' ? ed.item.id : undefined).map((n) => ({
          value: String(n.item.id),
          label: indentLabel(n.item.name, n.depth),
        })),
      ];

  const submit = async (e: Event) => {
    e.preventDefault();
    const found = validateTreeForm(values);
    setProblems(found);
    setError(undefined);
    if (Object.keys(found).length) {
      document.getElementById(found.name ? 'adm-node-name' : 'adm-node-sort')?.focus();
      return;
    }
    setBusy(true);
    const id = ed.mode === 'edit' ? ed.item.id : undefined;
    try {
      const saved = party ? await p.api.savePartyOrg(id, partyOrgBody(values, kind ?? 'branch')) : await p.api.saveDepartment(id, departmentBody(values));
      p.onSaved(saved.name);
    } catch (err) {
      const ui = toUiError(err, Date.now());
      setError(ui);
      setBusy(false);
      if (ui.field === 'name') document.getElementById('adm-node-name')?.focus();
    }
  };

  const nameLabel = t('admin.tree.name');
  const sortLabel = t('admin.tree.sort');
  return (
    <form class="form panel adm-form" onSubmit={(e) => void submit(e)} aria-labelledby="adm-node-title" noValidate>
      <ViewHeading id="adm-node-title">{title}</ViewHeading>
      <div class="adm-grid">
        <div class="adm-field-wrap">
          <Field
            id="adm-node-name"
            label={nameLabel}
            value={values.name}
            onInput={(v) => setValues({ ...values, name: v })}
            maxLength={64}
            required
            autocomplete="off"
            hint={t('admin.tree.name_hint')}
            invalid={!!problems.name}
            describedBy={problems.name ? 'adm-node-name-problem' : undefined}
          />
          <FieldProblemText id="adm-node-name-problem" text={problems.name ? problemText(problems.name, nameLabel) : undefined} />
        </div>
        {kind === 'branch' ? null : (
          <SelectField
            id="adm-node-parent"
            label={t(party ? 'admin.tree.parent_branch' : 'admin.tree.parent')}
            value={String(values.parentId)}
            options={parentOptions}
            onChange={(v) => setValues({ ...values, parentId: Number(v) })}
          />
        )}
        <div class="adm-field-wrap">
          <Field
            id="adm-node-sort"
            label={sortLabel}
            value={values.sortOrder}
            onInput={(v) => setValues({ ...values, sortOrder: v })}
            inputMode="numeric"
            maxLength={10}
            autocomplete="off"
            hint={t('admin.tree.sort_hint')}
            invalid={!!problems.sort_order}
            describedBy={problems.sort_order ? 'adm-node-sort-problem' : undefined}
          />
          <FieldProblemText id="adm-node-sort-problem" text={problems.sort_order ? problemText(problems.sort_order, sortLabel) : undefined} />
        </div>
      </div>
      <AdminError id="adm-node-error" error={error} action="tree_save" />
      <div class="form-actions">
        <button type="button" class="btn btn-secondary" onClick={p.onCancel} disabled={busy}>
          {t('admin.cancel')}
        </button>
        <button type="submit" class="btn btn-primary" disabled={busy} aria-busy={busy}>
          {busy ? t('admin.tree.saving') : t('admin.tree.save')}
        </button>
      </div>
    </form>
  );
}
