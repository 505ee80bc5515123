import t from 'tap';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildWebUi, WEB_DIST } from '../../web/build.ts';
import { startTestPlatform } from '../support/platform.ts';

await buildWebUi();
const platform = await startTestPlatform({ services: ['gateway', 'bots'] });
t.teardown(() => platform.stop());
const get = (route: string, init: RequestInit = {}) => fetch(`${platform.baseUrl}${route}`, init);
const builtIndex = readFileSync(path.join(WEB_DIST, 'index.html'), 'utf8');
const script = /src="(\/assets\/[^"]+\.js)"/.exec(builtIndex)?.[1];

t.test('the gateway serves the built UI at / as uncached HTML', async (t) => {
  const response = await get('/');
  t.equal(response.status, 200);
  t.match(response.headers.get('content-type'), /^text\/html/);
  t.equal(response.headers.get('cache-control'), 'no-cache', 'index.html is revalidated so a new build reaches browsers');
  t.equal(await response.text(), builtIndex);
});

t.test('any other page outside /api is the app too, so a reload or a bookmark opens it', async (t) => {
  for (const route of ['/bots/0b8e3c55-0000-4000-8000-000000000000', '/backtests?x=1', '/login']) {
    const response = await get(route);
    t.equal(response.status, 200, route);
    t.equal(await response.text(), builtIndex, `${route} is index.html`);
  }
  const head = await get('/fleet', { method: 'HEAD' });
  t.equal(head.status, 200, 'HEAD of a page');
});

t.test('hashed assets have their content type and are cached for a year', async (t) => {
  t.ok(script, 'index.html names a hashed script');
  const response = await get(script!);
  t.equal(response.status, 200);
  t.match(response.headers.get('content-type'), /^(text|application)\/javascript/);
  t.match(response.headers.get('cache-control'), /max-age=31536000.*immutable/);
  t.equal(response.headers.get('x-content-type-options'), 'nosniff');
});

t.test('a missing file is a 404, not the app; /api keeps its JSON errors', async (t) => {
  const missing = await get('/assets/gone-12345678.js');
  t.equal(missing.status, 404);
  const api = await get('/api/no/such/route');
  t.equal(api.status, 404);
  t.match(api.headers.get('content-type'), /application\/json/);
  t.match(await api.json(), { error: { code: 'NOT_FOUND' } });
  const post = await get('/bots', { method: 'POST' });
  t.equal(post.status, 404, 'only GET and HEAD fall back to the app');
});
