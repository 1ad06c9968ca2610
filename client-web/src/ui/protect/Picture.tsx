import { useEffect, useRef } from 'preact/hooks';
import { canvasSize, paintWatermark, pictureStyle } from '../../watermark/watermark';

interface Props {
  src: string;
  lines: readonly string[];
  class?: string;
  /** The element for whoever sizes and moves it (the viewer's zoom). */
  canvasRef?: { current: HTMLElement | null };
  /** The picture's own size, once decoded. */
  onNatural?: (w: number, h: number) => void;
  label?: string;
}

/**
 * A decrypted picture drawn into a canvas with the viewer's watermark painted into its
 * pixels: what the screen shows — and any screenshot, or the canvas saved by a script —
 * carries the name and time. Drawn again when the minute changes.
 */
export function WatermarkedPicture({ src, lines, class: cls, canvasRef, onNatural, label }: Props) {
  const ref = useRef<HTMLCanvasElement>(null);
  const img = useRef<HTMLImageElement>();
  const natural = useRef(onNatural);
  natural.current = onNatural;
  const key = lines.join('\n');
  const linesRef = useRef(lines);
  linesRef.current = lines;

  const draw = () => {
    const c = ref.current;
    const i = img.current;
    if (!c || !i || !i.naturalWidth) return;
    const { w, h } = canvasSize(i.naturalWidth, i.naturalHeight);
    c.width = w;
    c.height = h;
    const ctx = c.getContext('2d');
    if (!ctx) return;
    ctx.clearRect(0, 0, w, h);
    ctx.drawImage(i, 0, 0, w, h);
    paintWatermark(ctx, w, h, linesRef.current, pictureStyle(w, h));
  };

  useEffect(() => {
    let live = true;
    const i = new Image();
    i.decoding = 'async';
    i.onload = () => {
      if (!live) return;
      img.current = i;
      draw();
      natural.current?.(i.naturalWidth, i.naturalHeight);
    };
    i.src = src;
    return () => {
      live = false;
      img.current = undefined;
    };
  }, [src]);

  useEffect(draw, [key]);

  return (
    <canvas
      ref={(el) => {
        (ref as { current: HTMLCanvasElement | null }).current = el;
        if (canvasRef) canvasRef.current = el;
      }}
      class={`wm-picture${cls ? ` ${cls}` : ''}`}
      role={label ? 'img' : undefined}
      aria-label={label}
      data-watermarked=""
      // No 图片另存为 / 复制图片 of the browser's menu on a protected picture.
      onContextMenu={(e) => e.preventDefault()}
    />
  );
}
