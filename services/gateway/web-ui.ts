/**
 * The web UI, served by the gateway at `/` in every mode: the files Vite built into
 * `web/dist`, and `index.html` for any other GET outside /api, so a reloaded or
 * bookmarked page (/bots/<id>) opens the app, which routes in the browser.
 *
 * Vite names every built script and stylesheet by its content hash (`/assets/x-3f9a.js`),
 * so those are cached for a year; `index.html`, which names them, is never cached, so a
 * new build reaches every browser on its next load.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { API_PREFIX } from './routes.ts';

/** Where `npm run build:web` puts the UI. */
export const DEFAULT_WEB_ROOT = path.resolve(import.meta.dirname, '../../web/dist');

const HASHED_ASSETS = '/assets/';
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

/** moleculer-web `assets` settings: serve-static over the built UI with our cache headers. */
export function webAssetSettings(webRoot: string) {
  return {
    folder: webRoot,
    options: {
      index: false,
      fallthrough: true,
      setHeaders(response: ServerResponse, filePath: string) {
        const relative = `/${path.relative(webRoot, filePath).split(path.sep).join('/')}`;
        response.setHeader('Cache-Control', relative.startsWith(HASHED_ASSETS) ? IMMUTABLE : REVALIDATE);
        response.setHeader('X-Content-Type-Options', 'nosniff');
      },
    },
  };
}

/** True for a request the single-page app should answer: a GET or HEAD outside /api for a page, not a file. */
export function isAppPage(request: IncomingMessage): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  // moleculer-web strips a matched route's prefix from `url` and keeps the original.
  const url = (request as { originalUrl?: string }).originalUrl ?? request.url ?? '/';
  const pathname = url.split('?')[0] ?? '/';
  if (pathname === API_PREFIX || pathname.startsWith(`${API_PREFIX}/`)) return false;
  // A missing file (an old hashed script, a typo'd image) is a 404, not the app's HTML.
  return !/\.[A-Za-z0-9]{1,8}$/.test(pathname) || pathname.endsWith('.html');
}

/** Answers an app page with index.html; false when the UI is not built here (the caller sends its 404). */
export async function sendAppPage(webRoot: string, request: IncomingMessage, response: ServerResponse): Promise<boolean> {
  const indexFile = path.join(webRoot, 'index.html');
  if (!existsSync(indexFile)) return false;
  const html = await readFile(indexFile);
  response.writeHead(200, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': html.length,
    'Cache-Control': REVALIDATE,
    'X-Content-Type-Options': 'nosniff',
  });
  response.end(request.method === 'HEAD' ? undefined : html);
  return true;
}
