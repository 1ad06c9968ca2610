import { isPicture } from '../../files/gallery';
import { FILE_KEY_CONTEXT_NOTICE, type Attachment } from '../../files/types';
import { t } from '../../i18n';
import { AttachmentView } from './AttachmentView';
import { AttachmentScope } from './scope';

/** A notice's attachments in its detail: the same thumbnails and cards as in a channel, their
 * keys read in the context "notice"; the viewer goes through the notice's pictures.
 * Composing them is NoticeDraftFiles.tsx (src/files/noticeDraft.ts wraps the keys for every
 * recipient at 发布). */
export function NoticeAttachments({ attachments }: { attachments: readonly Attachment[] | undefined }) {
  if (!attachments?.length) return null;
  const pictures = attachments.filter(isPicture);
  return (
    <AttachmentScope context={FILE_KEY_CONTEXT_NOTICE} gallery={() => pictures}>
      <section class="fv-notice-files" aria-labelledby="fv-notice-files-title">
        <h2 id="fv-notice-files-title" class="fv-notice-files-title">
          {t('filesview.notice_attachments', { n: attachments.length })}
        </h2>
        <ul class="fv-notice-files-list">
          {attachments.map((a) => (
            <li key={a.blob_id}>
              <AttachmentView att={a} />
            </li>
          ))}
        </ul>
      </section>
    </AttachmentScope>
  );
}
