import { useMemo, useRef, useState } from 'preact/hooks';
import type { Channel, ChannelMember, Person } from '../../chat/types';
import { toUiError } from '../../errors';
import type { GroupsApi } from '../../groups/api';
import { groupErrorText, type GroupAction } from '../../groups/errors';
import { MAX_MEMBERS } from '../../groups/form';
import { memberActions, sortMembers } from '../../groups/members';
import { chosenIds } from '../../groups/picker';
import { locale, t } from '../../i18n';
import { Avatar } from '../chat/Avatar';
import { Alert, ConfirmDialog, Status } from './Modal';
import { PeoplePicker } from './PeoplePicker';

interface Props {
  id: string;
  api: GroupsApi;
  channel: Channel;
  members: ChannelMember[] | undefined;
  loadError?: string;
  meId: number;
  amAdmin: boolean;
  /** Reloads the member list (and tells the owner something changed). */
  onChanged: () => Promise<void>;
  onRetry: () => void;
}

type Pending = { kind: 'remove' | 'demote-self'; member: ChannelMember };

/** The member list; in a group, its administrators add, remove, appoint and stand down. */
export function MemberManager({ id, api, channel, members, loadError, meId, amAdmin, onChanged, onRetry }: Props) {
  const [adding, setAdding] = useState(false);
  const [chosen, setChosen] = useState<Person[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [status, setStatus] = useState<string>();
  const [pending, setPending] = useState<Pending>();
  const headRef = useRef<HTMLHeadingElement>(null);
  const sorted = useMemo(() => sortMembers(members ?? []), [members]);
  const inGroup = useMemo(() => new Set((members ?? []).map((m) => m.user_id)), [members]);
  const isGroup = channel.kind === 'group';
  const nameOf = (m: ChannelMember) => m.display_name || m.username;

  const run = async (action: GroupAction, work: () => Promise<void>, done: string) => {
    setBusy(true);
    setError(undefined);
    setStatus(undefined);
    try {
      await work();
      setStatus(done);
      await onChanged();
      headRef.current?.focus();
    } catch (e) {
      setError(groupErrorText(toUiError(e, Date.now()), action, locale.get()));
    } finally {
      setBusy(false);
    }
  };

  const add = () =>
    run(
      'add',
      async () => {
        await api.addMembers(channel.id, chosenIds(chosen));
        setChosen([]);
        setAdding(false);
      },
      t('groups.added', { n: chosen.length }),
    );

  const setRole = (m: ChannelMember, role: 'admin' | 'member') =>
    run('role', () => api.setRole(channel.id, m.user_id, role), t('groups.role_changed', { name: nameOf(m) }));

  const tooMany = (members?.length ?? 0) + chosen.length > MAX_MEMBERS;

  return (
    <section class="grp-section" aria-labelledby={`${id}-head`}>
      <h3 id={`${id}-head`} class="grp-h3" ref={headRef} tabIndex={-1}>
        {t('groups.member_list', { n: members?.length ?? 0 })}
      </h3>
      {!isGroup ? <p class="muted grp-small">{t('groups.org_members')}</p> : null}
      {isGroup && amAdmin ? (
        <div class="grp-add">
          <button type="button" class="btn btn-secondary" aria-expanded={adding} aria-controls={`${id}-add`} onClick={() => setAdding(!adding)}>
            {t('groups.add_members')}
          </button>
          <div id={`${id}-add`} hidden={!adding} class="grp-add-body">
            {adding ? (
              <>
                <PeoplePicker
                  id={`${id}-picker`}
                  api={api}
                  chosen={chosen}
                  onChange={setChosen}
                  exclude={inGroup}
                  excludeNote={t('groups.already_member')}
                  problem={tooMany ? t('groups.err_too_many', { max: MAX_MEMBERS, n: (members?.length ?? 0) + chosen.length }) : undefined}
                />
                <div class="form-actions">
                  <button type="button" class="btn btn-primary" disabled={busy || chosen.length === 0 || tooMany} onClick={add}>
                    {busy ? t('groups.adding') : t('groups.add_do', { n: chosen.length })}
                  </button>
                </div>
              </>
            ) : null}
          </div>
        </div>
      ) : null}
      <Alert text={error} />
      <Status text={status} />
      {loadError ? (
        <div class="grp-row">
          <Alert text={loadError} />
          <button type="button" class="btn btn-secondary btn-small" onClick={onRetry}>
            {t('groups.retry')}
          </button>
        </div>
      ) : null}
      {members === undefined && !loadError ? <p class="muted">{t('groups.loading')}</p> : null}
      <ul class="grp-members">
        {sorted.map((m) => {
          const can = memberActions(channel.kind, amAdmin, m, meId);
          const name = nameOf(m);
          return (
            <li key={m.user_id} class="grp-member">
              <Avatar id={m.user_id} name={name} size="sm" />
              <span class="grp-person">
                <span class="grp-person-name">
                  {name}
                  {m.user_id === meId ? t('groups.you') : ''}
                  {m.role === 'admin' ? <span class="tag">{t('groups.admin')}</span> : null}
                </span>
                {m.title ? <span class="muted grp-small">{m.title}</span> : null}
              </span>
              {can.promote || can.demote || can.remove ? (
                <span class="grp-member-actions">
                  {can.promote ? (
                    <button type="button" class="btn btn-quiet btn-small" disabled={busy} aria-label={t('groups.promote_label', { name })} onClick={() => setRole(m, 'admin')}>
                      {t('groups.promote')}
                    </button>
                  ) : null}
                  {can.demote ? (
                    <button
                      type="button"
                      class="btn btn-quiet btn-small"
                      disabled={busy}
                      aria-label={t('groups.demote_label', { name })}
                      onClick={() => (m.user_id === meId ? setPending({ kind: 'demote-self', member: m }) : setRole(m, 'member'))}
                    >
                      {t('groups.demote')}
                    </button>
                  ) : null}
                  {can.remove ? (
                    <button type="button" class="btn btn-quiet btn-small" disabled={busy} aria-label={t('groups.remove_label', { name })} onClick={() => setPending({ kind: 'remove', member: m })}>
                      {t('groups.remove')}
                    </button>
                  ) : null}
                </span>
              ) : null}
            </li>
          );
        })}
      </ul>
      {pending?.kind === 'remove' ? (
        <ConfirmDialog
          id={`${id}-confirm`}
          title={t('groups.remove_confirm_title')}
          text={t('groups.remove_confirm', { name: nameOf(pending.member) })}
          confirmLabel={t('groups.remove_do')}
          action="remove"
          onCancel={() => setPending(undefined)}
          onConfirm={async () => {
            await api.removeMember(channel.id, pending.member.user_id);
            setPending(undefined);
            setStatus(t('groups.removed', { name: nameOf(pending.member) }));
            await onChanged();
            headRef.current?.focus();
          }}
        />
      ) : null}
      {pending?.kind === 'demote-self' ? (
        <ConfirmDialog
          id={`${id}-confirm`}
          title={t('groups.demote_self_title')}
          text={t('groups.demote_self_confirm')}
          confirmLabel={t('groups.demote_do')}
          action="role"
          onCancel={() => setPending(undefined)}
          onConfirm={async () => {
            await api.setRole(channel.id, meId, 'member');
            setPending(undefined);
            setStatus(t('groups.role_changed', { name: nameOf(pending.member) }));
            await onChanged();
            headRef.current?.focus();
          }}
        />
      ) : null}
    </section>
  );
}
