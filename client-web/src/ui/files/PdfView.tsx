import { useEffect, useRef, useState } from 'preact/hooks';
import { openErrorText } from '../../files/open';
import type { Attachment } from '../../files/types';
import { locale, t } from '../../i18n';
import { useLocale, useModalDialog } from '../hooks';
import { trapTab } from './focus';
import { useMeta, type FilesView } from './scope';
import { useBlobRules, useWatermarkLines } from '../protect/context';
import { useWatermark } from '../protect/Watermark';

/**
 * A PDF opened in the browser's own viewer: the file is decrypted whole (up to the
 * in-memory bound; larger ones are offered as a download) into a Blob of type
 * application/pdf, shown in a frame from its blob: URL — the CSP allows `frame-src blob:`
 * for exactly this — with 在新标签页打开 for browsers (phones) that show no PDF in a frame.
 * The type is fixed here, never the sender's: whatever the bytes are, the browser treats
 * them as a PDF, never as a page of this site.
 *
 * At a level with the watermark, the viewer's watermark lies over the frame (guarded like
 * the channel's: the browser draws the PDF itself, so it cannot be painted into its pages);
 * at a level without download there is no 下载 and no 在新标签页打开 (a tab without the
 * watermark), and the browser's PDF toolbar — which has its own save — is asked away
 * (#toolbar=0; Chromium honours it, other browsers may not: the server's purpose=save rule
 * and its audit trail remain the line that holds).
 */
export function PdfView({ view, context, att, onClose }: { view: FilesView; context: string; att: Attachment; onClose: () => void }) {
  useLocale();
  const l = locale.get();
  const dialog = useRef<HTMLDialogElement>(null);
  const closeRef = useRef<HTMLButtonElement>(null);
  const close = useModalDialog(dialog, onClose, () => closeRef.current);
  const { meta } = useMeta(att, context);
  const [url, setUrl] = useState<string>();
  const [pct, setPct] = useState(0);
  const [problem, setProblem] = useState<unknown>();
  const rules = useBlobRules(att.blob_id);
  const lines = useWatermarkLines(rules.watermark);
  const stage = useRef<HTMLDivElement>(null);
  useWatermark(stage, url ? lines : undefined, 'content');

  useEffect(() => {
    const ac = new AbortController();
    let made: string | undefined;
    let live = true;
    let shown = 0;
    view.opener
      .blob(att, context, {
        signal: ac.signal,
        type: 'application/pdf',
        onBytes: (n) => {
          const p = Math.floor((n / Math.max(1, att.size)) * 100);
          if (p !== shown && live) setPct((shown = p));
        },
      })
      .then(
        ({ blob }) => {
          if (!live) return;
          made = URL.createObjectURL(blob);
          setUrl(made);
        },
        (e) => live && !ac.signal.aborted && setProblem(e),
      );
    return () => {
      live = false;
      ac.abort();
      if (made) URL.revokeObjectURL(made);
    };
  }, [att.blob_id]);

  const name = meta?.name ?? 'PDF';
  return (
    <dialog ref={dialog} class="fv-pdf" aria-label={t('filesview.pdf_label', { name })} onKeyDown={(e) => trapTab(e, dialog.current)}>
      <header class="fv-pdf-head">
        <span class="fv-pdf-name" dir="auto" title={name}>
          {name}
        </span>
        <div class="fv-pdf-actions">
          {url && rules.download && !rules.watermark ? (
            <a class="btn btn-quiet btn-small" href={url} target="_blank" rel="noopener">
              {t('filesview.pdf_new_tab')}
            </a>
          ) : null}
          {rules.download ? (
            <button type="button" class="btn btn-quiet btn-small" onClick={() => void view.downloads.start(att, context)}>
              {t('filesview.download')}
            </button>
          ) : (
            <span class="wm-view-only" title={t('protect.view_only_hint')}>
              {t('protect.view_only')}
            </span>
          )}
          <button ref={closeRef} type="button" class="btn btn-secondary btn-small" onClick={() => close.current()}>
            {t('filesview.close')}
          </button>
        </div>
      </header>
      {url ? (
        <>
          {rules.download && !rules.watermark ? <p class="fv-pdf-hint muted">{t('filesview.pdf_hint')}</p> : null}
          <div class="wm-pdf-stage" ref={stage}>
            <iframe class="fv-pdf-frame" src={rules.download ? url : `${url}#toolbar=0&navpanes=0`} title={t('filesview.pdf_label', { name })} />
          </div>
        </>
      ) : problem ? (
        <p class="form-error fv-pdf-note" role="alert">
          {openErrorText(problem, l)}
        </p>
      ) : (
        <p class="muted fv-pdf-note" role="status">
          {pct > 0 ? t('filesview.decrypting_pct', { pct }) : t('filesview.decrypting')}
        </p>
      )}
    </dialog>
  );
}
