import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [preact()],
  build: {
    // The Go binary embeds client-web/dist; the app goes in dist/app so that
    // dist/.gitkeep survives a rebuild.
    outDir: 'dist/app',
    emptyOutDir: true,
    target: 'es2020',
    sourcemap: false,
    // Never inline assets as data: URLs into JS/CSS; keep files plain for the CSP.
    assetsInlineLimit: 0,
  },
  server: {
    // `npm run dev` against a local `govchat serve --addr 127.0.0.1:8080`. The Host header
    // is kept (no changeOrigin) so the server's same-origin check sees the dev origin.
    proxy: {
      '/api': { target: 'http://127.0.0.1:8080', ws: true },
    },
  },
});
