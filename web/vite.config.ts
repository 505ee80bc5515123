/**
 * Builds the web UI into web/dist (served by the gateway at `/`, by nginx in compose).
 * `npm run dev:web` serves it with hot reload and proxies /api to a platform on :3000.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  logLevel: 'warn',
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1_000 },
  server: { proxy: { '/api': { target: 'http://127.0.0.1:3000', changeOrigin: false } } },
});
