import { useState } from 'preact/hooks';
import type { Request } from '../../api';
import type { ChatState } from '../../chat/store';
import { findMessage, type Timeline } from '../../chat/timeline';
import type { Message } from '../../chat/types';
import { forwardable, toggleSeq, type Selection } from '../../forward/forward';
import { MAX_FORWARD_ITEMS } from '../../forward/types';
import { t } from '../../i18n';
import { ForwardDialog } from './ForwardDialog';
import { useLadder } from '../../secrecy/context';
import type { MessageActions } from './MessageItem';

/** Forwarding in a channel: 转发 from the menu, 多选 mode with its bar (逐条 / 合并 /
 * 取消) in place of the composer, and the forward dialog. ChannelView spreads `actions`
 * into its message actions and mounts `bar` and `dialog`. */
export function useForwarding(p: { s: ChatState; id: number; meId: number; data: Timeline; request?: Request }) {
  const [selection, setSelection] = useState<Selection | undefined>();
  const [dialog, setDialog] = useState<{ seqs: number[]; merged: boolean } | undefined>();
  const [note, setNote] = useState<string>();
  const ladder = useLadder();

  if (!p.request) return { actions: {}, bar: null, dialog: null, selecting: false };
  const request = p.request;

  const toggle = (m: Message) => {
    if (!forwardable(m, ladder)) return;
    setSelection((s) => {
      const r = toggleSeq(s ?? { channelId: p.id, seqs: [] }, m.seq);
      setNote(r.ok ? undefined : t('forward.select_limit', { max: MAX_FORWARD_ITEMS }));
      return r.selection;
    });
  };
  const actions: Partial<MessageActions> = {
    forward: (m) => setDialog({ seqs: [m.seq], merged: false }),
    select: (m) => {
      setNote(undefined);
      setSelection({ channelId: p.id, seqs: forwardable(m, ladder) ? [m.seq] : [] });
    },
    selection: selection ? { has: (seq) => selection.seqs.includes(seq), toggle } : undefined,
  };

  const n = selection?.seqs.length ?? 0;
  const bar = selection ? (
    <div class="fwd-select-bar" role="toolbar" aria-label={t('forward.menu_select')}>
      <span class="fwd-select-count" role="status">
        {n ? t('forward.select_count', { n }) : t('forward.select_hint')}
      </span>
      {note ? (
        <span class="form-error" role="alert">
          {note}
        </span>
      ) : null}
      <div class="fwd-select-actions">
        <button type="button" class="btn btn-secondary" disabled={n === 0} onClick={() => setDialog({ seqs: selection.seqs, merged: false })}>
          {t('forward.select_one_by_one')}
        </button>
        <button type="button" class="btn btn-primary" disabled={n === 0} onClick={() => setDialog({ seqs: selection.seqs, merged: true })}>
          {t('forward.select_merged')}
        </button>
        <button type="button" class="btn btn-quiet" onClick={() => setSelection(undefined)}>
          {t('forward.select_cancel')}
        </button>
      </div>
    </div>
  ) : null;

  const messages = dialog ? dialog.seqs.map((seq) => findMessage(p.data, seq)).filter((m): m is Message => !!m) : [];
  const dialogEl = dialog ? (
    <ForwardDialog
      request={request}
      meId={p.meId}
      channelId={p.id}
      messages={messages}
      merged={dialog.merged && messages.length > 1}
      channels={p.s.channels}
      people={p.s.people}
      onClose={() => setDialog(undefined)}
      onSent={() => {
        setDialog(undefined);
        setSelection(undefined);
      }}
    />
  ) : null;
  return { actions, bar, dialog: dialogEl, selecting: !!selection };
}
