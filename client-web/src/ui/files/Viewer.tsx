import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { formatSize, viewableImageType } from '../../files/display';
import { FileOpenError, MAX_IN_MEMORY, openErrorText } from '../../files/open';
import type { Attachment } from '../../files/types';
import { clampPan, FIT, fitSize, panBy, STEP, swipe, zoomAt, type Size, type ZoomView } from '../../files/zoom';
import { locale, t } from '../../i18n';
import { useLocale, useModalDialog } from '../hooks';
import { trapTab } from './focus';
import { useMeta, useThumb, type FilesView } from './scope';
import { useBlobRules, useWatermarkLines } from '../protect/context';
import { WatermarkedPicture } from '../protect/Picture';

interface Props {
  view: FilesView;
  context: string;
  items: readonly Attachment[];
  start: number;
  onClose: () => void;
}

/** Pointers on the stage, for pan, pinch, swipe and double-tap. */
interface Gesture {
  points: Map<number, { x: number; y: number }>;
  start?: { x: number; y: number; at: number; zoom: ZoomView };
  pinch?: { dist: number; zoom: ZoomView };
  moved: boolean;
  lastTap?: { x: number; y: number; at: number };
}

/**
 * The picture viewer: full screen, the whole picture decrypted in memory (up to
 * MAX_IN_MEMORY; a larger one is offered as a download), zoom by wheel, pinch, double-click
 * or double-tap and the 放大 / 缩小 / 适应 buttons, pan by dragging, 上一张 / 下一张 through
 * the pictures of the timeline (arrow keys; a swipe on a phone), Esc or 关闭 to leave.
 * A native modal dialog: the page behind is inert, so focus stays inside.
 */
export function Viewer({ view, context, items, start, onClose }: Props) {
  useLocale();
  const l = locale.get();
  const [index, setIndex] = useState(Math.min(Math.max(0, start), items.length - 1));
  const att = items[index]!;
  const dialog = useRef<HTMLDialogElement>(null);
  const stageRef = useRef<HTMLDivElement>(null);
  const imgRef = useRef<HTMLElement | null>(null);
  const [stage, setStage] = useState<Size>({ w: 0, h: 0 });
  const [zoom, setZoom] = useState<ZoomView>(FIT);
  const [natural, setNatural] = useState<Size>();
  const [full, setFull] = useState<{ id: string; url: string }>();
  const [pct, setPct] = useState(0);
  const [problem, setProblem] = useState<unknown>();
  const { meta } = useMeta(att, context);
  const thumb = useThumb(att, context, true);
  // The file's secrecy level: its watermark drawn into the picture, no 下载 when view-only.
  const rules = useBlobRules(att.blob_id);
  const lines = useWatermarkLines(rules.watermark);
  // Open as a modal on mount; Esc (cancel → close) tells the owner; focus returns after.
  const close = useModalDialog(dialog, onClose, () => stageRef.current);
  const gesture = useRef<Gesture>({ points: new Map(), moved: false });

  // The stage's size, for fitting and for how far a zoomed picture may pan.
  useEffect(() => {
    const el = stageRef.current;
    if (!el) return undefined;
    const measure = () => setStage({ w: el.clientWidth, h: el.clientHeight });
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // The whole picture of the current item, decrypted; the thumbnail stands in meanwhile.
  useEffect(() => {
    setZoom(FIT);
    setFull(undefined);
    setProblem(undefined);
    setPct(0);
    setNatural(undefined);
    const ac = new AbortController();
    let url: string | undefined;
    let live = true;
    void (async () => {
      try {
        const m = await view.opener.meta(att, context);
        if (m.size > MAX_IN_MEMORY || !viewableImageType(m.type)) throw new FileOpenError('too_large');
        let shown = 0;
        const { blob } = await view.opener.blob(att, context, {
          signal: ac.signal,
          onBytes: (n) => {
            const p = Math.floor((n / Math.max(1, att.size)) * 100);
            if (p !== shown && live) setPct((shown = p));
          },
        });
        if (!live) return;
        url = URL.createObjectURL(blob);
        setFull({ id: att.blob_id, url });
      } catch (e) {
        if (live && !ac.signal.aborted) setProblem(e);
      }
    })();
    return () => {
      live = false;
      ac.abort();
      if (url) URL.revokeObjectURL(url);
    };
  }, [att.blob_id]);

  const size: Size | undefined = natural ?? (meta?.width && meta.height ? { w: meta.width, h: meta.height } : undefined);
  const fitted = size ? fitSize(size, stage) : { w: 0, h: 0 };

  // Size and transform through the CSSOM (the CSP allows no inline style attributes).
  useLayoutEffect(() => {
    const img = imgRef.current;
    if (!img) return;
    if (fitted.w > 0) {
      img.style.width = `${fitted.w}px`;
      img.style.height = `${fitted.h}px`;
    }
    img.style.transform = `translate(${zoom.x}px, ${zoom.y}px) scale(${zoom.scale})`;
  });

  const go = (d: number) => {
    const next = index + d;
    if (next >= 0 && next < items.length) setIndex(next);
  };
  const zoomBy = (factor: number, px = 0, py = 0) => setZoom((z) => zoomAt(z, factor, px, py, fitted, stage));
  const fit = () => setZoom(FIT);

  // Wheel zoom needs a listener that may prevent the page's scroll.
  useEffect(() => {
    const el = stageRef.current;
    if (!el) return undefined;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const r = el.getBoundingClientRect();
      const f = Math.exp(-e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.002));
      setZoom((z) => zoomAt(z, f, e.clientX - r.left - r.width / 2, e.clientY - r.top - r.height / 2, fitted, stage));
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [fitted.w, fitted.h, stage.w, stage.h]);

  const local = (e: PointerEvent | MouseEvent) => {
    const r = stageRef.current!.getBoundingClientRect();
    return { x: e.clientX - r.left - r.width / 2, y: e.clientY - r.top - r.height / 2 };
  };

  const onPointerDown = (e: PointerEvent) => {
    const g = gesture.current;
    try {
      (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
    } catch {
      /* a pointer the browser no longer tracks: the gesture still works without capture */
    }
    g.points.set(e.pointerId, { x: e.clientX, y: e.clientY });
    if (g.points.size === 1) {
      g.start = { x: e.clientX, y: e.clientY, at: e.timeStamp, zoom };
      g.moved = false;
    } else if (g.points.size === 2) {
      const [a, b] = [...g.points.values()];
      g.pinch = { dist: Math.hypot(a!.x - b!.x, a!.y - b!.y) || 1, zoom };
    }
  };
  const onPointerMove = (e: PointerEvent) => {
    const g = gesture.current;
    const prev = g.points.get(e.pointerId);
    if (!prev) return;
    g.points.set(e.pointerId, { x: e.clientX, y: e.clientY });
    if (g.points.size === 2 && g.pinch) {
      const [a, b] = [...g.points.values()];
      const r = stageRef.current!.getBoundingClientRect();
      const mid = { x: (a!.x + b!.x) / 2 - r.left - r.width / 2, y: (a!.y + b!.y) / 2 - r.top - r.height / 2 };
      const dist = Math.hypot(a!.x - b!.x, a!.y - b!.y);
      setZoom(zoomAt(g.pinch.zoom, dist / g.pinch.dist, mid.x, mid.y, fitted, stage));
      g.moved = true;
      return;
    }
    if (g.start && Math.hypot(e.clientX - g.start.x, e.clientY - g.start.y) > 6) g.moved = true;
    if (zoom.scale > 1) setZoom((z) => panBy(z, e.clientX - prev.x, e.clientY - prev.y, fitted, stage));
  };
  const onPointerUp = (e: PointerEvent) => {
    const g = gesture.current;
    g.points.delete(e.pointerId);
    if (g.points.size > 0) return;
    const s = g.start;
    g.pinch = undefined;
    g.start = undefined;
    if (!s) return;
    if (g.moved) {
      if (s.zoom.scale === 1 && zoom.scale === 1) {
        const dir = swipe(e.clientX - s.x, e.clientY - s.y, e.timeStamp - s.at);
        if (dir) go(dir === 'next' ? 1 : -1);
      }
      return;
    }
    // A double tap on a touch screen (a mouse has dblclick).
    if (e.pointerType === 'touch') {
      const last = g.lastTap;
      if (last && e.timeStamp - last.at < 320 && Math.hypot(e.clientX - last.x, e.clientY - last.y) < 30) {
        g.lastTap = undefined;
        toggleAt(local(e));
      } else g.lastTap = { x: e.clientX, y: e.clientY, at: e.timeStamp };
    }
  };
  const toggleAt = (p: { x: number; y: number }) => setZoom((z) => (z.scale > 1 ? FIT : zoomAt(z, 2.5, p.x, p.y, fitted, stage)));

  const onKeyDown = (e: KeyboardEvent) => {
    trapTab(e, dialog.current);
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const handled = (() => {
      switch (e.key) {
        case 'ArrowLeft':
          if (zoom.scale > 1) setZoom((z) => panBy(z, 40, 0, fitted, stage));
          else go(-1);
          return true;
        case 'ArrowRight':
          if (zoom.scale > 1) setZoom((z) => panBy(z, -40, 0, fitted, stage));
          else go(1);
          return true;
        case 'ArrowUp':
        case 'ArrowDown':
          if (zoom.scale === 1) return false;
          setZoom((z) => panBy(z, 0, e.key === 'ArrowUp' ? 40 : -40, fitted, stage));
          return true;
        case '+':
        case '=':
          zoomBy(STEP);
          return true;
        case '-':
          zoomBy(1 / STEP);
          return true;
        case '0':
          fit();
          return true;
        case 'PageUp':
          go(-1);
          return true;
        case 'PageDown':
          go(1);
          return true;
      }
      return false;
    })();
    if (handled) e.preventDefault();
  };

  // Keep the pan inside the picture when the window is resized.
  useEffect(() => setZoom((z) => clampPan(z, fitted, stage)), [stage.w, stage.h]);

  const name = meta?.name ?? t('filesview.picture');
  const src = full?.id === att.blob_id ? full.url : thumb.url;
  const tooLarge = problem instanceof FileOpenError && problem.code === 'too_large';
  return (
    <dialog ref={dialog} class="fv-viewer" aria-label={t('filesview.viewer_label')} onKeyDown={onKeyDown}>
      <header class="fv-viewer-head">
        <span class="fv-viewer-name" dir="auto" title={name}>
          {name}
        </span>
        {items.length > 1 ? <span class="fv-viewer-pos">{t('filesview.position', { i: index + 1, n: items.length })}</span> : null}
        <button type="button" class="btn fv-vbtn fv-viewer-close" onClick={() => close.current()}>
          {t('filesview.close')}
        </button>
      </header>
      <div
        ref={stageRef}
        class={`fv-stage${zoom.scale > 1 ? ' fv-stage-zoomed' : ''}`}
        tabIndex={0}
        role="img"
        aria-label={t('filesview.picture_alt', { name })}
        aria-describedby="fv-viewer-help"
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
        onDblClick={(e) => toggleAt(local(e))}
        onContextMenu={rules.download ? undefined : (e) => e.preventDefault()}
      >
        {src && lines ? (
          <WatermarkedPicture
            key={`${att.blob_id}:${src}`}
            src={src}
            lines={lines}
            class={`fv-stage-img${full?.id === att.blob_id ? '' : ' fv-stage-img-thumb'}`}
            canvasRef={imgRef}
            onNatural={(w, h) => {
              if (full?.id === att.blob_id) setNatural({ w, h });
            }}
          />
        ) : src ? (
          <img
            ref={imgRef as { current: HTMLImageElement | null }}
            key={att.blob_id}
            class={`fv-stage-img${full?.id === att.blob_id ? '' : ' fv-stage-img-thumb'}`}
            src={src}
            alt=""
            draggable={false}
            onLoad={(e) => {
              const img = e.currentTarget as HTMLImageElement;
              // The full picture's pixels win over the metadata (and over the thumbnail's).
              if (full?.id === att.blob_id && img.naturalWidth > 0) setNatural({ w: img.naturalWidth, h: img.naturalHeight });
            }}
          />
        ) : null}
        {!full && !problem ? (
          <p class="fv-stage-note" role="status">
            {pct > 0 ? t('filesview.decrypting_pct', { pct }) : t('filesview.decrypting')}
          </p>
        ) : null}
        {problem ? (
          <div class="fv-stage-note fv-stage-problem" role="alert">
            <p>{tooLarge ? t('filesview.viewer_too_large', { size: formatSize(meta?.size ?? att.size, l) }) : openErrorText(problem, l)}</p>
          </div>
        ) : null}
      </div>
      <p id="fv-viewer-help" class="visually-hidden">
        {t('filesview.viewer_help')}
      </p>
      <div class="fv-viewer-bar" role="toolbar" aria-label={t('filesview.viewer_label')}>
        <button type="button" class="btn fv-vbtn" disabled={index === 0} onClick={() => go(-1)}>
          {t('filesview.prev')}
        </button>
        <button type="button" class="btn fv-vbtn" onClick={() => zoomBy(1 / STEP)} disabled={zoom.scale <= 1}>
          {t('filesview.zoom_out')}
        </button>
        <button type="button" class="btn fv-vbtn" onClick={fit} aria-describedby="fv-zoom-level">
          {t('filesview.fit')}
        </button>
        <span id="fv-zoom-level" class="fv-zoom-level" aria-live="polite">
          {t('filesview.zoom_level', { pct: Math.round(zoom.scale * 100) })}
        </span>
        <button type="button" class="btn fv-vbtn" onClick={() => zoomBy(STEP)} disabled={!full || zoom.scale >= 8}>
          {t('filesview.zoom_in')}
        </button>
        {rules.download ? (
          <button type="button" class="btn fv-vbtn" onClick={() => void view.downloads.start(att, context)}>
            {t('filesview.download')}
          </button>
        ) : (
          <span class="wm-view-only fv-view-only" title={t('protect.view_only_hint')}>
            {t('protect.view_only')}
          </span>
        )}
        <button type="button" class="btn fv-vbtn" disabled={index >= items.length - 1} onClick={() => go(1)}>
          {t('filesview.next')}
        </button>
      </div>
    </dialog>
  );
}
