import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { fileKind, formatSize, middleEllipsis, type FileKind } from '../../files/display';
import { isPicture } from '../../files/gallery';
import { asOpenError, openErrorText, type FileMeta } from '../../files/open';
import type { Attachment } from '../../files/types';
import { locale, t, type MessageKey } from '../../i18n';
import { useLocale } from '../hooks';
import { FileIcon } from './FileIcon';
import { useAttachmentPlace, useFilesView, useMeta, useThumb } from './scope';
import { useKeyRequest } from './useKeyRequest';
import { useBlobRules, useWatermarkLines } from '../protect/context';
import { WatermarkedPicture } from '../protect/Picture';

/** The words for a kind of file (Word 文档, Excel 表格 …). */
export function kindLabel(kind: FileKind): string {
  return t(`filesview.kind_${kind}` as MessageKey);
}

/** A picture's aspect ratio (width / height) for its box in the timeline: the box has a
 * fixed height and this ratio from the encrypted metadata, so a thumbnail that arrives
 * late never moves the messages below it. 4:3 until the metadata is known. */
export function thumbRatio(meta: Pick<FileMeta, 'width' | 'height'> | undefined): number {
  const w = meta?.width ?? 0;
  const h = meta?.height ?? 0;
  if (!(w > 0 && h > 0)) return 4 / 3;
  return Math.min(4, Math.max(0.25, w / h));
}

/** A file or picture a message (or notice) carries: a picture as its thumbnail, which opens
 * the viewer; any other file as a card with its type icon, name, size and 下载 (a PDF also
 * 预览). Names and sizes come from the encrypted metadata, decrypted here. */
export function AttachmentView({ att }: { att: Attachment }) {
  useLocale();
  const place = useAttachmentPlace();
  const context = place?.context;
  const { meta, error, retry } = useMeta(att, context);
  if (isPicture(att)) return <Picture att={att} meta={meta} error={error} retry={retry} />;
  return <FileCard att={att} meta={meta} error={error} retry={retry} />;
}

function Picture({ att, meta, error, retry }: { att: Attachment; meta?: FileMeta; error?: unknown; retry: () => void }) {
  const place = useAttachmentPlace();
  const thumb = useThumb(att, place?.context, !error);
  const box = useRef<HTMLElement>(null);
  const ratio = thumbRatio(meta);
  // Every render: the button may be a new element (after a failure was retried).
  useLayoutEffect(() => {
    box.current?.style.setProperty('--fv-ratio', ratio.toFixed(4));
  });
  const rules = useBlobRules(att.blob_id);
  const lines = useWatermarkLines(rules.watermark);
  const failed = error ?? thumb.error;
  if (failed) return <FileCard att={att} meta={meta} error={failed} retry={retry} />;
  const name = meta?.name ?? t('filesview.picture');
  const alt = t('filesview.picture_alt', { name });
  return (
    <button
      ref={box as { current: HTMLButtonElement | null }}
      type="button"
      class={`fv-thumb${thumb.url ? '' : ' fv-thumb-loading'}`}
      aria-label={t('filesview.picture_open', { name })}
      onClick={(e) => {
        e.stopPropagation();
        place?.openPicture(att);
      }}
    >
      {thumb.url && lines ? (
        <WatermarkedPicture src={thumb.url} lines={lines} label={alt} />
      ) : thumb.url ? (
        <img src={thumb.url} alt={alt} draggable={false} onContextMenu={rules.download ? undefined : (e) => e.preventDefault()} />
      ) : (
        <span class="fv-thumb-wait">{t('filesview.picture_loading')}</span>
      )}
    </button>
  );
}

function FileCard({ att, meta, error, retry }: { att: Attachment; meta?: FileMeta; error?: unknown; retry: () => void }) {
  const view = useFilesView();
  const place = useAttachmentPlace();
  const l = locale.get();
  const kind = meta ? fileKind(meta.type, meta.name) : isPicture(att) ? 'image' : 'other';
  const e = error ? asOpenError(error) : undefined;
  // No key of mine: the channel's members are asked for it, and the card says so.
  const request = useKeyRequest(att.blob_id, place?.context, meta ? undefined : e, retry);
  // Sent to a key of mine from before a reset: said so, asked for with one click.
  const askable = request && request.state === undefined ? request : undefined;
  const asked = request && request.state !== undefined ? request : undefined;
  // Waiting for a colleague is not a failure: the card keeps its plain look meanwhile.
  const waiting = asked?.state.phase === 'asking' || asked?.state.phase === 'received';
  const name = meta?.name ?? '';
  const body = useRef<HTMLDivElement>(null);
  const columns = useColumns(body, 15);
  const rules = useBlobRules(att.blob_id);
  return (
    <div class={`fv-card${e && !waiting ? ' fv-card-error' : ''}`} role="group" aria-label={name || t('filesview.file')}>
      <FileIcon kind={kind} />
      <div class="fv-card-body" ref={body}>
        {meta ? (
          <>
            <span class="fv-card-name" title={name} dir="auto">
              {middleEllipsis(name, columns)}
            </span>
            <span class="fv-card-sub muted">
              {formatSize(meta.size, l)} · {kindLabel(kind)}
            </span>
          </>
        ) : asked ? (
          <KeyRequestText phase={asked.state.phase} />
        ) : askable ? (
          <span class="fv-card-err" role="alert" data-testid="file-key-reset">
            {t('filesview.err_key_reset')}
          </span>
        ) : e ? (
          <span class="fv-card-err" role="alert">
            {openErrorText(e, l)}
          </span>
        ) : (
          <span class="fv-card-sub muted">{t('filesview.file_loading')}</span>
        )}
      </div>
      <div class="fv-card-actions">
        {asked && (asked.state.phase === 'unanswered' || asked.state.phase === 'failed') ? (
          <button type="button" class="btn btn-quiet btn-small" onClick={(ev) => (ev.stopPropagation(), asked.retry())}>
            {t('filesview.retry')}
          </button>
        ) : null}
        {askable ? (
          <button type="button" class="btn btn-secondary btn-small fv-ask-reshare" onClick={(ev) => (ev.stopPropagation(), askable.ask())}>
            {t('filesview.ask_reshare')}
          </button>
        ) : null}
        {e && !asked && !askable && e.code !== 'damaged' && e.code !== 'gone' ? (
          <button type="button" class="btn btn-quiet btn-small" onClick={(ev) => (ev.stopPropagation(), retry())}>
            {t('filesview.retry')}
          </button>
        ) : null}
        {meta && kind === 'pdf' ? (
          <button type="button" class="btn btn-quiet btn-small" onClick={(ev) => (ev.stopPropagation(), place?.openPdf(att))}>
            {t('filesview.preview')}
          </button>
        ) : null}
        {meta && !rules.download ? (
          <span class="wm-view-only" title={t('protect.view_only_hint')}>
            {t('protect.view_only')}
          </span>
        ) : meta ? (
          <button
            type="button"
            class="btn btn-secondary btn-small fv-download"
            aria-label={t('filesview.download_name', { name })}
            onClick={(ev) => {
              ev.stopPropagation();
              void view?.downloads.start(att, place?.context);
            }}
          >
            {t('filesview.download')}
          </button>
        ) : null}
      </div>
    </div>
  );
}

/** Where the request for a file's key stands, in words: a wait, or a refusal to retry. */
function KeyRequestText({ phase }: { phase: 'asking' | 'received' | 'unanswered' | 'failed' }) {
  if (phase === 'asking' || phase === 'received')
    return (
      <span class="fv-card-sub muted fv-card-asking" role="status">
        {t(phase === 'asking' ? 'reshare.asking' : 'reshare.received')}
      </span>
    );
  return (
    <span class="fv-card-err" role="alert">
      {t(phase === 'unanswered' ? 'reshare.unanswered' : 'reshare.failed')}
    </span>
  );
}

/** How many columns (a CJK character is two) of text at `px` fit the element's width, kept
 * up to date as it resizes: names are shortened in the middle to exactly what shows. */
export function useColumns(ref: { current: HTMLElement | null }, px: number, fallback = 30): number {
  const [cols, setCols] = useState(fallback);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return undefined;
    // A column is half a CJK character; taken a little wide (Latin digits and capitals in
    // bold are wider than half), so the last character is never cut.
    const measure = () => {
      const w = el.clientWidth;
      if (w > 0) setCols(Math.max(8, Math.floor(w / (px * 0.58))));
    };
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [px]);
  return cols;
}
