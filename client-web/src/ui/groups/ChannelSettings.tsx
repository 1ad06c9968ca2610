import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import type { Request } from '../../api';
import type { Channel, ChannelMember } from '../../chat/types';
import { toUiError } from '../../errors';
import { createGroupsApi } from '../../groups/api';
import { groupErrorText } from '../../groups/errors';
import { isLastAdmin, myRole } from '../../groups/members';
import { locale, t, type MessageKey } from '../../i18n';
import { useLocale } from '../hooks';
import { Alert, ConfirmDialog, Modal, Status } from './Modal';
import { MemberManager } from './MemberManager';
import { SettingsForm, SettingsView } from './SettingsForm';

interface Props {
  request: Request;
  channel: Channel;
  meId: number;
  onClose: () => void;
  onChanged: () => void;
  onLeft: () => void;
}

const ID = 'grp-settings';
const KIND_KEY: Record<Channel['kind'], MessageKey> = {
  group: 'groups.kind_group',
  department: 'groups.kind_department',
  party: 'groups.kind_party',
  direct: 'groups.kind_direct',
};

/** 群设置: the settings of a channel and its members. Administrators change them; every
 * member of a group can leave it. */
export function ChannelSettings({ request, channel, meId, onClose, onChanged, onLeft }: Props) {
  useLocale();
  const api = useMemo(() => createGroupsApi(request), [request]);
  const [ch, setCh] = useState(channel);
  const [members, setMembers] = useState<ChannelMember[]>();
  const [loadError, setLoadError] = useState<string>();
  const [confirm, setConfirm] = useState<'leave' | 'archive'>();
  const [error, setError] = useState<string>();
  const [status, setStatus] = useState<string>();
  const [busy, setBusy] = useState(false);
  useEffect(() => setCh(channel), [channel]);

  const loadMembers = useCallback(async () => {
    setLoadError(undefined);
    try {
      setMembers(await api.members(channel.id));
    } catch (e) {
      setLoadError(groupErrorText(toUiError(e, Date.now()), 'load', locale.get()));
    }
  }, [api, channel.id]);
  useEffect(() => {
    void loadMembers();
  }, [loadMembers]);

  const amAdmin = myRole(ch, members, meId) === 'admin';
  const isGroup = ch.kind === 'group';
  // Keep what PATCH leaves out (read position, unread, latest) from the channel we had.
  const saved = (c: Channel) => {
    setCh((old) => ({ ...c, read_seq: old.read_seq, unread: old.unread, latest: old.latest }));
    onChanged();
  };
  const membersChanged = async () => {
    await loadMembers();
    onChanged();
  };

  const reopen = async () => {
    setBusy(true);
    setError(undefined);
    try {
      saved(await api.update(ch.id, { archived: false }));
      setStatus(t('groups.unarchived'));
    } catch (e) {
      setError(groupErrorText(toUiError(e, Date.now()), 'update', locale.get()));
    } finally {
      setBusy(false);
    }
  };

  const title = ch.kind === 'direct' || !ch.name ? t('groups.settings_title') : t('groups.settings_title_named', { name: ch.name });

  return (
    <Modal id={ID} title={title} onClose={onClose}>
      <div class="grp-stack">
        <p class="grp-kind">
          <span class="tag grp-tag">{t(KIND_KEY[ch.kind])}</span>
        </p>
        {ch.archived ? <p class="grp-note">{t('groups.archived_note')}</p> : null}
        {ch.kind === 'direct' ? (
          <p class="muted">{t('groups.direct_none')}</p>
        ) : amAdmin ? (
          <SettingsForm id={`${ID}-form`} api={api} channel={ch} onSaved={saved} />
        ) : (
          <SettingsView channel={ch} />
        )}
        {isGroup && amAdmin ? (
          <div class="grp-row">
            {ch.archived ? (
              <button type="button" class="btn btn-secondary" disabled={busy} onClick={reopen}>
                {t('groups.unarchive')}
              </button>
            ) : (
              <button type="button" class="btn btn-secondary" onClick={() => setConfirm('archive')}>
                {t('groups.archive')}
              </button>
            )}
          </div>
        ) : null}
        <Alert text={error} />
        <Status text={status} />
        {ch.kind !== 'direct' ? (
          <MemberManager
            id={`${ID}-members`}
            api={api}
            channel={ch}
            members={members}
            loadError={loadError}
            meId={meId}
            amAdmin={amAdmin}
            onChanged={membersChanged}
            onRetry={() => void loadMembers()}
          />
        ) : null}
        {isGroup ? (
          <div class="grp-leave">
            {members && isLastAdmin(members, meId) ? <p class="muted grp-small">{t('groups.leave_last_admin_hint')}</p> : null}
            <button type="button" class="btn btn-secondary grp-danger" onClick={() => setConfirm('leave')}>
              {t('groups.leave')}
            </button>
          </div>
        ) : null}
      </div>
      {confirm === 'archive' ? (
        <ConfirmDialog
          id={`${ID}-archive`}
          title={t('groups.archive_confirm_title')}
          text={t('groups.archive_confirm', { name: ch.name })}
          confirmLabel={t('groups.archive_do')}
          action="update"
          onCancel={() => setConfirm(undefined)}
          onConfirm={async () => {
            const c = await api.update(ch.id, { archived: true });
            setConfirm(undefined);
            saved(c);
            setStatus(t('groups.archived'));
          }}
        />
      ) : null}
      {confirm === 'leave' ? (
        <ConfirmDialog
          id={`${ID}-leave`}
          title={t('groups.leave_confirm_title')}
          text={t('groups.leave_confirm', { name: ch.name })}
          confirmLabel={t('groups.leave_do')}
          action="leave"
          onCancel={() => setConfirm(undefined)}
          onConfirm={async () => {
            await api.removeMember(ch.id, meId);
            onLeft();
          }}
        />
      ) : null}
    </Modal>
  );
}
