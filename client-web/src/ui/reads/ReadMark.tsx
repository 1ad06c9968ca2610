import type { Message } from '../../chat/types';
import { t } from '../../i18n';
import { readLabel, readStatus } from '../../reads/status';
import { useStore } from '../hooks';
import { useReadsScope } from './ReadsScope';

/** Under one's own message: 已读 / 未读 in a direct chat, "N人未读" or 全部已读 elsewhere —
 * a button that opens who has and has not read it. Nothing until the positions are in,
 * and nothing for a recalled message or a system line. */
export function ReadMark({ m }: { m: Message }) {
  const scope = useReadsScope();
  if (!scope) return null;
  return <Mark m={m} scope={scope} />;
}

function Mark({ m, scope }: { m: Message; scope: NonNullable<ReturnType<typeof useReadsScope>> }) {
  const pos = useStore(scope.store, () => scope.store.getState().channels[scope.channel.id]?.positions);
  if (!pos || m.sender_id !== scope.meId) return null;
  const label = readLabel(scope.channel.kind, readStatus(m, pos));
  switch (label.kind) {
    case 'none':
      return null;
    case 'direct':
      return (
        <p class={`rd-mark ${label.read ? 'rd-done' : 'rd-pending'}`} data-read-status={label.read ? 'read' : 'unread'}>
          {label.read ? t('reads.read') : t('reads.unread')}
        </p>
      );
    default: {
      const text = label.kind === 'all_read' ? t('reads.all_read') : t('reads.n_unread', { n: label.n });
      return (
        <p class="rd-mark">
          <button
            type="button"
            class={`rd-open ${label.kind === 'all_read' ? 'rd-done' : 'rd-pending'}`}
            data-read-status={label.kind === 'all_read' ? 'all' : String(label.n)}
            aria-label={t('reads.open_label', { status: text })}
            aria-haspopup="dialog"
            onClick={() => scope.open(m)}
          >
            {text}
          </button>
        </p>
      );
    }
  }
}
