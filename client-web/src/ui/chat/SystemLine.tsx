import type { Message } from '../../chat/types';
import { personName, type Names } from '../../chat/view';
import { systemLineText } from '../../groups/lines';
import { formatDateTime } from '../../format';
import { locale, t } from '../../i18n';

/** A line the server wrote into the channel (张静 创建了群聊并邀请了 李华、王建国): centred,
 * grey, with no actions — it cannot be replied to, edited, recalled or reacted to. */
export function SystemLine({ m, names, meId }: { m: Message; names: Names; meId: number }) {
  const l = locale.get();
  return (
    <div
      class="msg-system msg-line"
      data-seq={m.seq}
      data-event={m.system?.event}
      role="note"
      aria-label={t('lines.label')}
      tabIndex={-1}
      title={formatDateTime(m.created_at, l)}
    >
      {systemLineText(m.system, (id) => personName(id, names), meId, l)}
    </div>
  );
}
