// The people list as a table; on a phone each row becomes a card (see admin.css).

import type { OrgTree, User } from '../../admin/types';
import { roleKey, t } from '../../i18n';

export function statusTexts(u: User, now = Date.now()): string[] {
  const out: string[] = [];
  if (u.disabled) out.push(t('admin.status.disabled'));
  if (u.locked_until && Date.parse(u.locked_until) > now) out.push(t('admin.status.locked'));
  if (u.must_change_password) out.push(t('admin.status.must_change'));
  if (!out.length) out.push(t('admin.status.active'));
  return out;
}

export function primaryDeptPath(u: User, org: OrgTree): string {
  const d = u.departments.find((x) => x.primary) ?? u.departments[0];
  if (!d) return '';
  return org.departments.find((x) => x.id === d.department_id)?.path ?? `#${d.department_id}`;
}

export function PeopleTable({ users, org, busy, onOpen }: { users: User[]; org: OrgTree; busy: boolean; onOpen: (id: number) => void }) {
  return (
    <div class="adm-table-box">
      <table class="adm-table" aria-label={t('admin.people.list')} aria-busy={busy}>
        <thead>
          <tr>
            <th scope="col">{t('admin.people.col.name')}</th>
            <th scope="col">{t('admin.people.col.username')}</th>
            <th scope="col">{t('admin.people.col.department')}</th>
            <th scope="col">{t('admin.people.col.role')}</th>
            <th scope="col">{t('admin.people.col.status')}</th>
            <th scope="col">
              <span class="visually-hidden">{t('admin.people.col.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id} class={u.disabled ? 'adm-row-disabled' : undefined}>
              <th scope="row" data-label={t('admin.people.col.name')}>
                <span>
                  {u.display_name}
                  {u.title ? <span class="adm-sub">{u.title}</span> : null}
                </span>
              </th>
              <td data-label={t('admin.people.col.username')} class="adm-mono">
                {u.username}
              </td>
              <td data-label={t('admin.people.col.department')}>{primaryDeptPath(u, org)}</td>
              <td data-label={t('admin.people.col.role')}>{t(roleKey(u.role))}</td>
              <td data-label={t('admin.people.col.status')}>
                {statusTexts(u).join('、')}
              </td>
              <td class="adm-cell-action">
                <button
                  type="button"
                  class="btn btn-secondary adm-btn-small"
                  aria-label={t('admin.people.manage_label', { name: `${u.display_name}（${u.username}）` })}
                  onClick={() => onOpen(u.id)}
                >
                  {t('admin.people.manage')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
