// Sizes as people in Chinese offices read them (and as Windows shows them): binary
// multiples named KB, MB, GB, one decimal under 100 — 3.2 MB, 350 MB, 2 GB.

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

export function formatSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '';
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  let k = 0;
  let v = bytes;
  while (v >= 1024 && k < UNITS.length - 1) {
    v /= 1024;
    k++;
  }
  let digits = v < 100 ? 1 : 0;
  let text = v.toFixed(digits);
  // 1023.96 KB would print as "1024 KB": that is 1 MB.
  if (Number(text) >= 1024 && k < UNITS.length - 1) {
    v /= 1024;
    k++;
    digits = 1;
    text = v.toFixed(digits);
  }
  return `${text.replace(/\.0$/, '')} ${UNITS[k]}`;
}
