import { createContext, type ComponentChildren } from 'preact';
import { useContext, useEffect, useMemo, useState } from 'preact/hooks';
import type { Channel, Message } from '../../chat/types';
import type { Names } from '../../chat/view';
import type { MenuItem } from '../../forward/forward';
import { t } from '../../i18n';
import { hasReadStatus } from '../../reads/status';
import type { ReadsStore } from '../../reads/store';
import { ReadersPanel } from './ReadersPanel';
import './reads.css';

/** The app's reads store, provided once for the session (Shell). */
export const ReadsStoreContext = createContext<ReadsStore | undefined>(undefined);

interface Scope {
  store: ReadsStore;
  channel: Channel;
  names: Names;
  meId: number;
  open: (m: Message) => void;
}

const ScopeContext = createContext<Scope | undefined>(undefined);

/** One channel's read status for what is inside it: follows the channel's read
 * positions while mounted and hosts the who-read panel. Without a reads store (none
 * provided) it renders its children alone. */
export function ReadsScope({ channel, names, meId, children }: { channel?: Channel; names: Names; meId: number; children: ComponentChildren }) {
  const store = useContext(ReadsStoreContext);
  const [opened, setOpened] = useState<Message | undefined>();
  const id = channel?.id;
  useEffect(() => (store && id !== undefined ? store.watch(id) : undefined), [store, id]);
  useEffect(() => setOpened(undefined), [id]);
  const scope = useMemo<Scope | undefined>(
    () => (store && channel ? { store, channel, names, meId, open: (m) => setOpened(m) } : undefined),
    [store, channel, names, meId],
  );
  return (
    <ScopeContext.Provider value={scope}>
      {children}
      {scope && opened ? <ReadersPanel scope={scope} m={opened} onClose={() => setOpened(undefined)} /> : null}
    </ScopeContext.Provider>
  );
}

export type { Scope as ReadsScopeValue };

export function useReadsScope(): Scope | undefined {
  return useContext(ScopeContext);
}

/** Whether 查看已读 applies to a message: one's own, with a read status, outside a direct
 * chat (there the mark itself says 已读 or 未读). */
export function canShowReaders(m: Message, meId: number, channel?: Channel): boolean {
  return m.sender_id === meId && hasReadStatus(m) && !!channel && channel.kind !== 'direct';
}

/** The opener of the who-read panel (查看已读) for a message of the channel on screen,
 * for a message menu; undefined outside a ReadsScope. */
export function useOpenReaders(): ((m: Message) => void) | undefined {
  return useContext(ScopeContext)?.open;
}

/** The 查看已读 item of a message's menu (forward/forward.ts's MenuItem): for one's own
 * messages outside a direct chat, opening the who-read panel; none elsewhere or outside
 * a ReadsScope. A hook: call it where the message component's other hooks are. */
export function useReadersMenu(): (m: Message) => MenuItem[] {
  const scope = useContext(ScopeContext);
  return (m) =>
    scope && canShowReaders(m, scope.meId, scope.channel) ? [{ id: 'readers', label: t('reads.view'), run: () => scope.open(m) }] : [];
}
