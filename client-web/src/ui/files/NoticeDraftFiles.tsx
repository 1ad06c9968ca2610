import { useEffect, useRef, useState } from 'preact/hooks';
import type { Request } from '../../api';
import { fileKind } from '../../files/display';
import { isPicture } from '../../files/gallery';
import { formatSize } from '../../files/size';
import { FILE_KEY_CONTEXT_NOTICE, type Attachment } from '../../files/types';
import { audienceKeysOf, createNoticeDraft, MAX_NOTICE_ATTACHMENTS, type DraftRefusal, type NoticeDraft, type NoticeDraftState } from '../../files/noticeDraft';
import { percent, type UploadItem } from '../../files/upload';
import { t } from '../../i18n';
import { useStore } from '../hooks';
import { usePhone } from '../phone/usePhone';
import { FileIcon } from './FileIcon';
import { useMeta } from './scope';
import { useFilesSend } from './send/context';
import { useDragFiles } from './send/DropZone';
import { statusText, UploadRow } from './send/UploadRows';
import './send/send.css';
import './noticefiles.css';

let drafts = 0;

/** The attachments of the notice being composed: one draft for the form's life, its
 * unpublished uploads deleted when the form closes. None when the shell provides no files
 * or the server takes none. */
export function useNoticeDraft(request: Request, meId: number): { draft?: NoticeDraft; limit: number } {
  const v = useFilesSend();
  const [draft] = useState(() =>
    v && v.limit > 0
      ? createNoticeDraft({
          queue: v.fs.uploads,
          audienceKeys: audienceKeysOf(request),
          escrowKey: () => v.fs.keyring.keyring.escrowKey(),
          share: (o) => v.fs.sharer.shareCounting(o),
          forgetKeys: () => v.fs.keyring.forgetCached(),
          me: { id: meId },
          limit: v.limit,
          draft: `notice-${++drafts}`,
        })
      : undefined,
  );
  useEffect(() => () => draft?.close(), [draft]);
  return { draft, limit: v?.limit ?? 0 };
}

/** Drag and drop of files onto the whole form (the attachments box lights up meanwhile). */
export function useNoticeDrop(draft: NoticeDraft | undefined) {
  return useDragFiles(!!draft, (files, folders) => draft?.add(files, folders));
}

function refusalText(r: DraftRefusal, limit: number): string {
  if (r.reason === 'folder') return t('noticefiles.folder', { name: r.name });
  if (r.reason === 'too_many') return t('noticefiles.too_many', { name: r.name, max: MAX_NOTICE_ATTACHMENTS });
  return t('noticefiles.too_large', { name: r.name, limit: formatSize(limit) });
}

/** 附件 in the publish form: 添加附件 (several at once, or dropped onto the form), and a row
 * per file with its name, size, progress and 取消 / 重试, as in a channel's composer. */
export function NoticeDraftFiles({ draft, limit, over, idPrefix }: { draft: NoticeDraft; limit: number; over: boolean; idPrefix: string }) {
  const s = useStore(draft);
  const v = useFilesSend();
  const keyLoading = useStore(v!.fs.keyring).status === 'loading';
  const input = useRef<HTMLInputElement>(null);
  // A phone has nothing to drag files from.
  const phone = usePhone();
  const busy = s.phase !== 'idle';
  const full = s.items.length >= MAX_NOTICE_ATTACHMENTS;
  const hintId = `${idPrefix}-files-hint`;
  const status = (it: UploadItem) => (it.stage === 'uploaded' ? t('noticefiles.uploaded') : statusText(it, percent(it), keyLoading));
  return (
    <fieldset class="ntc-fieldset nf-files" aria-describedby={hintId}>
      <legend class="ntc-legend-title">
        {t('noticefiles.title')} <span class="muted nf-count">{t('noticefiles.count', { n: s.items.length, max: MAX_NOTICE_ATTACHMENTS })}</span>
      </legend>
      <div class={`nf-drop${over ? ' nf-drop-over' : ''}`}>
        {over ? (
          <p class="nf-drop-text" aria-hidden="true">
            {t('noticefiles.drop')}
          </p>
        ) : (
          <>
            <button type="button" class="btn btn-secondary nf-add" disabled={busy || full} onClick={() => input.current?.click()}>
              <span aria-hidden="true">📎</span> {t('noticefiles.add')}
            </button>
            <p id={hintId} class="field-hint nf-hint">
              {t('noticefiles.hint', { max: MAX_NOTICE_ATTACHMENTS, limit: formatSize(limit) })}
              {phone ? null : t('noticefiles.hint_drop')}
            </p>
          </>
        )}
        <input
          ref={input}
          id={`${idPrefix}-files`}
          type="file"
          multiple
          hidden
          onChange={(e) => {
            const el = e.currentTarget as HTMLInputElement;
            const files = el.files ? Array.from(el.files) : [];
            el.value = ''; // the same file may be picked again
            if (files.length) draft.add(files);
          }}
        />
      </div>
      {s.refused.length ? (
        <div class="upload-refused" role="alert">
          <ul>
            {s.refused.map((r, i) => (
              <li key={i}>{refusalText(r, limit)}</li>
            ))}
          </ul>
          <button type="button" class="btn btn-quiet btn-small" onClick={() => draft.clearRefused()}>
            {t('noticefiles.dismiss')}
          </button>
        </div>
      ) : null}
      {s.items.length ? (
        <ul class="upload-list nf-list" aria-label={t('noticefiles.list')}>
          {s.items.map((it) => (
            <UploadRow key={it.id} it={it} status={status(it)} locked={busy} onRetry={() => draft.retry(it.id)} onCancel={() => draft.cancel(it.id)} />
          ))}
        </ul>
      ) : null}
    </fieldset>
  );
}

/** What 发布 is doing while a notice with attachments goes out (the button's words). */
export function publishPhaseLabel(s: Pick<NoticeDraftState, 'phase' | 'people'>): string | undefined {
  switch (s.phase) {
    case 'uploading':
      return t('noticefiles.phase_uploading');
    case 'keys':
      return t('noticefiles.phase_keys');
    case 'wrapping':
      return t('noticefiles.phase_wrapping', { n: s.people.toLocaleString('en-US') });
    case 'publishing':
      return t('noticefiles.phase_publishing');
    default:
      return undefined;
  }
}

/** The publication's progress for a notice with attachments: the phase in words, and
 * while the keys are wrapped for a large audience, how far it is. */
export function PublishProgress({ draft }: { draft: NoticeDraft }) {
  const s = useStore(draft);
  const label = publishPhaseLabel(s);
  return (
    <div class="nf-progress" role="status" hidden={!label}>
      {label ? <p class="nf-progress-text">{label}</p> : null}
      {s.phase === 'wrapping' && s.total > 0 ? (
        <>
          <progress class="upload-bar" max={s.total} value={s.wrapped} aria-label={t('noticefiles.progress_label')} />
          <p class="muted nf-progress-count">{t('noticefiles.wrapped', { pct: Math.floor((s.wrapped * 100) / s.total) })}</p>
        </>
      ) : null}
    </div>
  );
}

/** The revise form's attachments: shown, not changed (a revision keeps them). */
export function ReadOnlyAttachments({ attachments }: { attachments: readonly Attachment[] | undefined }) {
  if (!attachments?.length) return null;
  return (
    <section class="ntc-fieldset nf-files" aria-labelledby="nf-readonly-title">
      <h3 id="nf-readonly-title" class="ntc-legend-title nf-readonly-title">
        {t('noticefiles.revise_title', { n: attachments.length })}
      </h3>
      <ul class="nf-readonly-list">
        {attachments.map((a) => (
          <ReadOnlyAttachment key={a.blob_id} att={a} />
        ))}
      </ul>
      <p class="field-hint">{t('noticefiles.revise_hint')}</p>
    </section>
  );
}

function ReadOnlyAttachment({ att }: { att: Attachment }) {
  const { meta, error } = useMeta(att, FILE_KEY_CONTEXT_NOTICE);
  const kind = meta ? fileKind(meta.type, meta.name) : isPicture(att) ? 'image' : 'other';
  return (
    <li class="nf-readonly">
      <FileIcon kind={kind} size={20} />
      <span class="nf-readonly-name" dir="auto" title={meta?.name}>
        {meta?.name ?? (error ? t('noticefiles.revise_unreadable') : t('noticefiles.revise_loading'))}
      </span>
      <span class="nf-readonly-size">{meta ? formatSize(meta.size) : ''}</span>
    </li>
  );
}
