// 所属部门与党组织: departments (one primary) and the party membership, replaced whole.

import { useEffect, useMemo, useState } from 'preact/hooks';
import type { AdminApi } from '../../admin/api';
import {
  addDepartment,
  draftFromUser,
  MAX_DEPARTMENTS,
  membershipsBody,
  removeDepartment,
  sameMemberships,
  setPrimary,
  type MembershipDraft,
} from '../../admin/memberships';
import { buildForest, flatten, indentLabel } from '../../admin/tree';
import { PARTY_ROLES, type OrgTree, type User } from '../../admin/types';
import { toUiError, type UiError } from '../../errors';
import { t, type MessageKey } from '../../i18n';
import { AdminError, SelectField, StatusLine } from './shared';

export function MembershipsForm(p: { api: AdminApi; org: OrgTree; user: User; readOnly: boolean; onSaved: (u: User) => void }) {
  const saved = useMemo(() => draftFromUser(p.user), [p.user]);
  const [draft, setDraft] = useState<MembershipDraft>(saved);
  const [adding, setAdding] = useState('');
  const [error, setError] = useState<UiError>();
  const [status, setStatus] = useState<string>();
  const [busy, setBusy] = useState(false);
  useEffect(() => setDraft(draftFromUser(p.user)), [p.user.id]);

  const deptPath = (id: number) => p.org.departments.find((d) => d.id === id)?.path ?? `#${id}`;
  const deptOptions = useMemo(
    () => flatten(buildForest(p.org.departments)).map((n) => ({ value: String(n.item.id), label: indentLabel(n.item.name, n.depth) })),
    [p.org],
  );
  const partyOptions = useMemo(
    () => [
      { value: '0', label: t('admin.member.no_party') },
      ...flatten(buildForest(p.org.party_orgs)).map((n) => ({ value: String(n.item.id), label: indentLabel(n.item.name, n.depth) })),
    ],
    [p.org],
  );
  const roleOptions = PARTY_ROLES.map((r) => ({ value: r, label: t(`admin.prole.${r}` as MessageKey) }));
  const chosen = new Set(draft.departments.map((d) => d.department_id));
  const full = draft.departments.length >= MAX_DEPARTMENTS;

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setStatus(undefined);
    if (sameMemberships(draft, saved)) {
      setStatus(t('admin.user.no_changes'));
      return;
    }
    setBusy(true);
    try {
      const r = await p.api.setMemberships(p.user.id, membershipsBody(draft));
      p.onSaved(r.user);
      setDraft(draftFromUser(r.user));
      setStatus(t('admin.member.saved'));
    } catch (err) {
      setError(toUiError(err, Date.now()));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="form panel adm-form" onSubmit={(e) => void submit(e)} aria-labelledby="adm-mem-title">
      <h3 id="adm-mem-title" class="adm-h3">
        {t('admin.member.title')}
      </h3>
      <fieldset class="adm-fieldset" disabled={p.readOnly || busy}>
        <legend class="adm-legend">{t('admin.member.departments')}</legend>
        {draft.departments.length === 0 ? <p class="muted">{t('admin.member.no_departments')}</p> : null}
        <ul class="adm-depts">
          {draft.departments.map((d) => {
            const path = deptPath(d.department_id);
            return (
              <li key={d.department_id} class="adm-dept">
                <span class="adm-dept-path">{path}</span>
                <label class="adm-check">
                  <input
                    type="radio"
                    name="adm-primary"
                    checked={d.primary}
                    aria-label={t('admin.member.primary_label', { name: path })}
                    onChange={() => setDraft(setPrimary(draft, d.department_id))}
                  />
                  <span aria-hidden="true">{t('admin.member.primary')}</span>
                </label>
                <button
                  type="button"
                  class="btn btn-quiet"
                  aria-label={t('admin.member.remove_label', { name: path })}
                  onClick={() => setDraft(removeDepartment(draft, d.department_id))}
                >
                  {t('admin.member.remove')}
                </button>
              </li>
            );
          })}
        </ul>
        <div class="adm-add-row">
          <SelectField
            id="adm-mem-add"
            label={t('admin.member.add_label')}
            value={adding}
            options={[{ value: '', label: t('admin.member.choose') }, ...deptOptions.filter((o) => !chosen.has(Number(o.value)))]}
            onChange={setAdding}
            hint={full ? t('admin.member.max', { n: MAX_DEPARTMENTS }) : undefined}
            disabled={full}
          />
          <button
            type="button"
            class="btn btn-secondary"
            disabled={!adding || full}
            onClick={() => {
              setDraft(addDepartment(draft, Number(adding)));
              setAdding('');
            }}
          >
            {t('admin.member.add')}
          </button>
        </div>
      </fieldset>
      <fieldset class="adm-fieldset adm-grid" disabled={p.readOnly || busy}>
        <legend class="adm-legend">{t('admin.member.party')}</legend>
        <SelectField
          id="adm-mem-party"
          label={t('admin.member.party')}
          value={String(draft.partyOrgId)}
          options={partyOptions}
          onChange={(v) => setDraft({ ...draft, partyOrgId: Number(v) })}
        />
        <SelectField
          id="adm-mem-party-role"
          label={t('admin.member.party_role')}
          value={draft.partyRole}
          options={roleOptions}
          onChange={(v) => setDraft({ ...draft, partyRole: v })}
          disabled={draft.partyOrgId === 0}
        />
      </fieldset>
      <AdminError id="adm-mem-error" error={error} action="memberships" />
      <StatusLine text={status} />
      {p.readOnly ? null : (
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={busy} aria-busy={busy}>
            {busy ? t('admin.user.saving') : t('admin.member.save')}
          </button>
        </div>
      )}
    </form>
  );
}
