import { isPicture } from '../../files/gallery';
import { FILE_KEY_CONTEXT_NOTICE, type Attachment } from '../../files/types';
import { t } from '../../i18n';
import { AttachmentView } from './AttachmentView';
import { AttachmentScope } from './scope';

/** A notice's attachments in its detail: the same thumbnails and cards as in a channel, their
 * keys read in the context "notice"; the viewer goes through the notice's pictures.
 *
 * Composing a notice with attachments is not built here: it needs the server's notice
 * endpoint to take `attachments` and the sharer to wrap the keys for every recipient in the
 * context "notice" (then PublishNoticeRequest.attachments carries the AttachmentRefs). */
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
