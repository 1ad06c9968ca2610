import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Channel, ChannelMember } from '../../../chat/types';
import type { Names } from '../../../chat/view';
import { gatedIntake, intakeFiles, pastedFiles } from '../../../files/pick';
import { defaultLevel } from '../../../secrecy/compose';
import { formatSize } from '../../../files/size';
import { t } from '../../../i18n';
import { usePhone } from '../../phone/usePhone';
import { AttachButtons } from './AttachButtons';
import { useFilesSend } from './context';
import { KeyChanges } from './KeyChanges';
import { KeyPrompt } from './KeyPrompt';
import { UploadRows } from './UploadRows';
import './send.css';

/** What the composer shows and does for files: above it, changed keys, the unlock prompt,
 * a pasted screenshot's confirm row and the uploads; in its row, the attach buttons; on
 * its textarea, paste. Nothing when the shell provides no files (tests, older servers). */
export function useComposerFiles(o: { channel: Channel; members: readonly ChannelMember[]; names: Names; editing: boolean; focusText: () => void }) {
  const v = useFilesSend();
  const phone = usePhone();
  const [pasted, setPasted] = useState<File[] | null>(null);
  if (!v || o.editing || v.limit === 0) return { top: null, buttons: null, onPaste: undefined };
  const { fs, limit } = v;
  const channelId = o.channel.id;
  const take = (files: File[]) => intakeFiles(gatedIntake(fs.uploads, fs.dlp, defaultLevel(o.channel)), channelId, files, limit);
  const onPaste = (e: ClipboardEvent) => {
    if (!e.clipboardData) return;
    const files = pastedFiles(e.clipboardData, Date.now(), (time) => t('files.screenshot_name', { time }));
    if (!files.length) return;
    e.preventDefault();
    setPasted(files);
  };
  const top = (
    <>
      <KeyChanges keyring={fs.keyring} channelId={channelId} members={o.members} names={o.names} />
      <KeyPrompt keyring={fs.keyring} id={`key-prompt-${channelId}`} />
      {pasted ? (
        <PasteConfirm
          files={pasted}
          onSend={() => {
            take(pasted);
            setPasted(null);
            o.focusText();
          }}
          onCancel={() => {
            setPasted(null);
            o.focusText();
          }}
        />
      ) : null}
      <UploadRows queue={fs.uploads} keyring={fs.keyring} channelId={channelId} limit={limit} />
    </>
  );
  const buttons = <AttachButtons id={`attach-${channelId}`} phone={phone} onFiles={take} />;
  return { top, buttons, onPaste };
}

/** "发送剪贴板中的图片？" with the picture, 发送 and 取消: a paste never sends by itself. */
function PasteConfirm({ files, onSend, onCancel }: { files: File[]; onSend: () => void; onCancel: () => void }) {
  const first = files[0];
  const url = useMemo(() => (first && first.type.startsWith('image/') ? URL.createObjectURL(first) : undefined), [first]);
  useEffect(() => () => (url ? URL.revokeObjectURL(url) : undefined), [url]);
  const send = useRef<HTMLButtonElement>(null);
  useEffect(() => send.current?.focus(), []);
  const pictures = files.every((f) => f.type.startsWith('image/'));
  const size = files.reduce((n, f) => n + f.size, 0);
  return (
    <div
      class="paste-confirm"
      role="group"
      aria-labelledby="paste-confirm-title"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          onCancel();
        }
      }}
    >
      {url ? <img class="paste-preview" src={url} alt="" /> : null}
      <div class="paste-text">
        <p id="paste-confirm-title" class="paste-title">
          {pictures && files.length === 1 ? t('files.paste_confirm') : t('files.paste_confirm_files', { n: files.length })}
        </p>
        <p class="muted paste-names" dir="auto">
          {files.map((f) => f.name).join('、')} · {formatSize(size)}
        </p>
      </div>
      <div class="paste-actions">
        <button type="button" ref={send} class="btn btn-primary btn-small" onClick={onSend}>
          {t('files.paste_send')}
        </button>
        <button type="button" class="btn btn-quiet btn-small" onClick={onCancel}>
          {t('files.paste_cancel')}
        </button>
      </div>
    </div>
  );
}
