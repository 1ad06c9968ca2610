import { isPicture } from '../../files/gallery';
import { FILE_KEY_CONTEXT_NOTICE, type Attachment } from '../../files/types';
import { t } from '../../i18n';
import { AttachmentView } from './AttachmentView';
import { AttachmentScope } from './scope';
import { BlobLevelContext } from '../protect/context';
import { useFilesSend } from './send/context';
import { KeyPrompt } from './send/KeyPrompt';
import './send/send.css';

/** A notice's attachments in its detail: the same thumbnails and cards as in a channel, their
 * keys read in the context "notice"; the viewer goes through the notice's pictures.
 * Composing them is NoticeDraftFiles.tsx (src/files/noticeDraft.ts wraps the keys for every
 * recipient at 发布). While this browser's key is locked (a reload on a device without its
 * copy), the unlock prompt is here too: a notice is often opened from a push, not a channel. */
export function NoticeAttachments({
  attachments,
  withdrawn = false,
  level = 0,
}: {
  attachments: readonly Attachment[] | undefined;
  /** Withdrawn, and the reader is not its author: the server gives the files no more. */
  withdrawn?: boolean;
  /** The notice's secrecy level: its files' watermark and view-only rule. */
  level?: number;
}) {
  const send = useFilesSend();
  if (!attachments?.length) return null;
  if (withdrawn) {
    return (
      <section class="fv-notice-files" aria-labelledby="fv-notice-files-title">
        <h2 id="fv-notice-files-title" class="fv-notice-files-title">
          {t('filesview.notice_attachments', { n: attachments.length })}
        </h2>
        <p class="muted">{t('noticefiles.withdrawn')}</p>
      </section>
    );
  }
  const pictures = attachments.filter(isPicture);
  return (
    <BlobLevelContext.Provider value={() => level}>
    <AttachmentScope context={FILE_KEY_CONTEXT_NOTICE} gallery={() => pictures}>
      <section class="fv-notice-files" aria-labelledby="fv-notice-files-title">
        <h2 id="fv-notice-files-title" class="fv-notice-files-title">
          {t('filesview.notice_attachments', { n: attachments.length })}
        </h2>
        {send ? <KeyPrompt keyring={send.fs.keyring} id="key-prompt-notice" /> : null}
        <ul class="fv-notice-files-list">
          {attachments.map((a) => (
            // A document takes a row of its own (its name wide enough to read); pictures
            // sit side by side.
            <li key={a.blob_id} class={isPicture(a) ? 'fv-notice-pic' : 'fv-notice-file'}>
              <AttachmentView att={a} />
            </li>
          ))}
        </ul>
      </section>
    </AttachmentScope>
    </BlobLevelContext.Provider>
  );
}
