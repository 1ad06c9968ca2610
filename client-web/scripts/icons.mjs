// Renders the app icons (public/icons/*.png) from public/favicon.svg in Debian's chromium
// (playwright-core; CHROMIUM overrides /usr/bin/chromium). No image library, no download.
//
//   node scripts/icons.mjs
//
// Run it after changing favicon.svg and commit the PNGs it writes:
//   icon-192.png, icon-512.png   purpose "any": the SVG as it is, transparent corners
//   maskable-512.png             purpose "maskable": full-bleed accent red with the artwork
//                                shrunk into the central safe zone (a circle of 40 % radius)
//   apple-touch-icon.png         180 px, full bleed (iOS rounds the corners itself and would
//                                show transparent corners as black)

import { readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser } from '../e2e/harness.mjs';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const SVG = path.join(ROOT, 'public', 'favicon.svg');
const OUT = path.join(ROOT, 'public', 'icons');
const ACCENT = '#9e1b1b'; // --accent in src/styles.css, the favicon's background

// scale: how much of the canvas the artwork covers; bleed: paint the canvas accent red.
const ICONS = [
  { file: 'icon-192.png', size: 192, scale: 1, bleed: false },
  { file: 'icon-512.png', size: 512, scale: 1, bleed: false },
  { file: 'maskable-512.png', size: 512, scale: 0.8, bleed: true },
  { file: 'apple-touch-icon.png', size: 180, scale: 0.9, bleed: true },
];

function page(svgDataURL, { size, scale, bleed }) {
  const art = Math.round(size * scale);
  const pad = (size - art) / 2;
  return `<!doctype html><html><head><style>
    html, body { margin: 0; width: ${size}px; height: ${size}px; overflow: hidden;
      background: ${bleed ? ACCENT : 'transparent'}; }
    img { position: absolute; left: ${pad}px; top: ${pad}px; width: ${art}px; height: ${art}px; }
  </style></head><body><img src="${svgDataURL}" alt=""></body></html>`;
}

const svg = await readFile(SVG, 'utf8');
const dataURL = 'data:image/svg+xml;base64,' + Buffer.from(svg).toString('base64');
await mkdir(OUT, { recursive: true });
const browser = await launchBrowser();
try {
  for (const icon of ICONS) {
    const context = await browser.newContext({ viewport: { width: icon.size, height: icon.size }, deviceScaleFactor: 1 });
    const p = await context.newPage();
    await p.setContent(page(dataURL, icon));
    await p.locator('img').evaluate((img) => img.decode());
    const png = await p.screenshot({ omitBackground: !icon.bleed, clip: { x: 0, y: 0, width: icon.size, height: icon.size } });
    await writeFile(path.join(OUT, icon.file), png);
    console.log(`wrote public/icons/${icon.file} (${icon.size}×${icon.size}, ${png.length} bytes)`);
    await context.close();
  }
} finally {
  await browser.close();
}
