// The message menu's 查看文件去向 for the security officer and the auditor: on a message that
// carries a file, it opens the console's file trace from that message (channel and seq),
// so the investigation starts where the file was seen. Only their shells pass it to the
// chat (Shell.tsx); the server refuses the trace to anyone else anyway.

import type { Message } from '../../chat/types';
import type { MenuItem } from '../../forward/forward';
import { t } from '../../i18n';
import type { Route } from '../../router';

export function traceMenu(navigate: (r: Route) => void): (m: Message) => MenuItem[] {
  return (m) => {
    if (!m.attachment?.blob_id || m.recalled_at) return [];
    return [
      {
        id: 'trace_file',
        label: t('audit.menu_trace'),
        run: () => navigate({ section: 'audit', tab: 'investigate', inv: { kind: 'message', channelId: m.channel_id, seq: m.seq } }),
      },
    ];
  };
}
