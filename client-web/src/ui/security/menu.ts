// The security officer's item in the message menu: 复制文件编号 on a message that carries
// a file, so that 案件调取 can be asked for exactly that file. Only the officer's shell
// passes it to the chat (Shell.tsx); the id itself is nothing secret to a member.

import type { Message } from '../../chat/types';
import type { MenuItem } from '../../forward/forward';
import { t } from '../../i18n';

export function escrowMenu(m: Message, clipboard: Pick<Clipboard, 'writeText'> | undefined = navigator.clipboard): MenuItem[] {
  const id = m.attachment?.blob_id;
  if (!id || m.recalled_at) return [];
  return [{ id: 'copy_blob_id', label: t('escrow.menu_copy_id'), run: () => void clipboard?.writeText(id).catch(() => undefined) }];
}
