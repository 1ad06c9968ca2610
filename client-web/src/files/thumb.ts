// A picture's thumbnail, made in the sender's browser (the server never decodes a byte):
// turned upright as the camera meant (EXIF orientation), at most 320 px on the long
// side, JPEG at quality 0.8 on white (a transparent PNG would turn black in JPEG).

export const THUMB_MAX = 320;
export const THUMB_QUALITY = 0.8;

/** Types every browser we serve decodes (HEIC does not, SVG is not a photo). */
const PICTURES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/bmp', 'image/avif']);

export function isPicture(type: string): boolean {
  return PICTURES.has(type.toLowerCase());
}

/** The thumbnail's size: the long side at most `max`, the ratio kept, never upscaled,
 * never below 1 px. */
export function thumbSize(width: number, height: number, max = THUMB_MAX): { width: number; height: number } {
  const w = Math.max(1, Math.floor(width));
  const h = Math.max(1, Math.floor(height));
  const long = Math.max(w, h);
  if (long <= max) return { width: w, height: h };
  const scale = max / long;
  return {
    width: w >= h ? max : Math.max(1, Math.round(w * scale)),
    height: h > w ? max : Math.max(1, Math.round(h * scale)),
  };
}

export interface Thumbnail {
  blob: Blob;
  /** The picture's own size, upright (what the metadata's w and h say). */
  width: number;
  height: number;
}

/** Makes the thumbnail of a picture; null when the browser cannot decode it (it is then
 * sent as a plain file). */
export async function makeThumbnail(file: Blob): Promise<Thumbnail | null> {
  let full: ImageBitmap | undefined;
  let small: ImageBitmap | undefined;
  try {
    full = await createImageBitmap(file, { imageOrientation: 'from-image' });
    const size = thumbSize(full.width, full.height);
    // The browser's own high-quality downscale: one step from 4000 px to 320 px through
    // drawImage would alias.
    small = await createImageBitmap(full, { resizeWidth: size.width, resizeHeight: size.height, resizeQuality: 'high' });
    const blob = await toJpeg(small, size.width, size.height);
    return blob ? { blob, width: full.width, height: full.height } : null;
  } catch {
    return null;
  } finally {
    full?.close();
    small?.close();
  }
}

async function toJpeg(img: ImageBitmap, width: number, height: number): Promise<Blob | null> {
  if (typeof OffscreenCanvas !== 'undefined') {
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d');
    if (!ctx) return null;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, width, height);
    ctx.drawImage(img, 0, 0, width, height);
    return canvas.convertToBlob({ type: 'image/jpeg', quality: THUMB_QUALITY });
  }
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  ctx.drawImage(img, 0, 0, width, height);
  return new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', THUMB_QUALITY));
}
