import { useState } from 'preact/hooks';
import type { Message } from '../../chat/types';
import { recordPreview, recordTitle } from '../../forward/forward';
import { formatDateTime } from '../../format';
import { locale, t } from '../../i18n';
import { Modal } from '../groups/Modal';
import { Avatar } from './Avatar';
import { AttachmentView } from '../files/AttachmentView';
import { LevelTag } from '../secrecy/LevelTag';

/** What a forwarded message shows in place of its text: a single forward with its
 * original sender, channel and time; a merged record (合并转发) as a card that opens
 * the transcript. */
export function ForwardBody({ m }: { m: Message }) {
  const f = m.forward!;
  const l = locale.get();
  const [open, setOpen] = useState(false);
  if (!f.merged) {
    const it = f.items[0];
    if (!it) return null;
    return (
      <div class="fwd-single">
        <p class="fwd-meta muted">
          <span class="fwd-label">{t('forward.label_forwarded')}</span> {it.sender_name} · {t('forward.from', { name: f.from_channel_name })} ·{' '}
          <time dateTime={it.created_at}>{formatDateTime(it.created_at, l)}</time>
          <LevelTag level={it.secrecy} />
        </p>
        {it.attachment ? <AttachmentView att={it.attachment} /> : null}
        {it.text || !it.attachment ? (
          <p class="fwd-text" dir="auto">
            {it.text}
          </p>
        ) : null}
      </div>
    );
  }
  const title = recordTitle(f, l);
  return (
    <>
      <button type="button" class="fwd-record" onClick={() => setOpen(true)} aria-haspopup="dialog">
        <span class="fwd-record-title">{title}</span>
        {recordPreview(f, l).map((line, i) => (
          <span key={i} class="fwd-record-line" dir="auto">
            {line.name}：{line.text}
          </span>
        ))}
        <span class="fwd-record-foot muted">
          {t('forward.record_count', { n: f.items.length })} · {t('forward.record_open')}
        </span>
      </button>
      {open ? <Transcript m={m} title={title} onClose={() => setOpen(false)} /> : null}
    </>
  );
}

/** A merged record read as a transcript: each original message with its sender and time. */
function Transcript({ m, title, onClose }: { m: Message; title: string; onClose: () => void }) {
  const l = locale.get();
  const f = m.forward!;
  return (
    <Modal id={`fwd-transcript-${m.channel_id}-${m.seq}`} title={title} onClose={onClose}>
      <ol class="fwd-transcript">
        {f.items.map((it, i) => (
          <li key={i} class="fwd-transcript-item">
            <Avatar id={it.sender_id} name={it.sender_name} />
            <div class="fwd-transcript-main">
              <p class="fwd-transcript-head">
                <span class="msg-name">{it.sender_name}</span>{' '}
                <time class="muted" dateTime={it.created_at}>
                  {formatDateTime(it.created_at, l)}
                </time>
                <LevelTag level={it.secrecy} />
              </p>
              {it.attachment ? <AttachmentView att={it.attachment} /> : null}
              {it.text || !it.attachment ? (
                <p class="fwd-transcript-text" dir="auto">
                  {it.text}
                </p>
              ) : null}
            </div>
          </li>
        ))}
      </ol>
    </Modal>
  );
}
