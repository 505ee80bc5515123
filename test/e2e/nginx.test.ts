/**
 * nginx in front of the gateway, as docker-compose runs it: the repository's
 * nginx/nginx.conf passes `nginx -t` (Debian's nginx), and the REST session of a new user
 * runs end to end through a real nginx with that configuration. Only what cannot hold
 * outside compose is changed: the gateway's address and the port nginx listens on.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import t, { type Test } from 'tap';
import { buildWebUi, WEB_DIST } from '../../web/build.ts';
import { ApiClient, eventually, startTestPlatform } from '../support/platform.ts';
import { assertConsecutive, checkLedger, decisionTimes, startReplayBot, stopAndSettle, waitForTrading } from './trading-session.ts';

const NGINX = '/usr/sbin/nginx';
const CONFIG = path.resolve(import.meta.dirname, '../../nginx/nginx.conf');

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The compose configuration pointed at `gatewayPort`, listening on `listenPort`, with its files in `folder`. */
function localConfig(folder: string, gatewayPort: number, listenPort: number): string {
  const config = readFileSync(CONFIG, 'utf8');
  t.match(config, /server gateway:3000/, 'the configuration proxies to the compose service "gateway"');
  const local = config
    .replace('server gateway:3000', `server 127.0.0.1:${gatewayPort}`)
    .replace('listen 80;', `listen 127.0.0.1:${listenPort};`)
    .replace('http {', `http {\n  access_log ${folder}/access.log;\n  client_body_temp_path ${folder}/body;\n  proxy_temp_path ${folder}/proxy;`);
  const file = path.join(folder, 'nginx.conf');
  writeFileSync(file, `pid ${folder}/nginx.pid;\nerror_log ${folder}/error.log;\n${local}`);
  return file;
}

/** Runs nginx in the foreground on `file` until the test ends, then removes `folder`. */
function runNginx(t: Test, file: string, folder: string): void {
  const nginx = spawn(NGINX, ['-c', file, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise((resolve) => nginx.once('exit', resolve));
  t.teardown(async () => {
    nginx.kill('SIGTERM');
    await exited;
    rmSync(folder, { recursive: true, force: true });
  });
}

t.test('nginx -t accepts the configuration', async (t) => {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'tradebot-nginx-'));
  t.teardown(() => rmSync(folder, { recursive: true, force: true }));
  const file = localConfig(folder, 3000, await freePort());
  const { stderr } = await promisify(execFile)(NGINX, ['-t', '-c', file]);
  t.match(stderr, /syntax is ok/);
  t.match(stderr, /test is successful/);
});

t.test('the REST session of a new user runs through a real nginx', async (t) => {
  const platform = await startTestPlatform({ env: { REPLAY_SPEED: '3000', TRUST_PROXY: '1' } });
  t.teardown(() => platform.stop());
  const folder = mkdtempSync(path.join(os.tmpdir(), 'tradebot-nginx-'));
  const listenPort = await freePort();
  const file = localConfig(folder, Number(new URL(platform.baseUrl).port), listenPort);
  runNginx(t, file, folder);
  const front = new ApiClient(`http://127.0.0.1:${listenPort}`);
  await eventually(async () => ((await front.get('/health').catch(() => undefined))?.status === 200 ? true : undefined), 10_000, 'nginx to serve');

  const health = await front.get('/health');
  t.match(health.headers.get('x-request-id'), /^[0-9a-f]{32}$/, "nginx's request id reaches the gateway, which answers with it");
  const viaNginx = { ...platform, api: front };
  const bot = await startReplayBot(t, viaNginx, 'behind-nginx@example.com');
  await waitForTrading(bot, 30, 1);
  await stopAndSettle(viaNginx, bot);
  assertConsecutive(t, await decisionTimes(viaNginx, bot.botId));
  await checkLedger(t, viaNginx, bot);
  t.match(readFileSync(path.join(folder, 'access.log'), 'utf8'), /POST \/api\/bots\/[0-9a-f-]+\/start/, 'the calls went through nginx');
});

t.test('nginx serves the built web UI as the gateway does: pages are the app, hashed assets cached for a year', async (t) => {
  await buildWebUi();
  const folder = mkdtempSync(path.join(os.tmpdir(), 'tradebot-nginx-'));
  const listenPort = await freePort();
  // The image copies web/dist to nginx's html folder; here nginx reads it where it is built.
  const file = localConfig(folder, 3000, listenPort);
  writeFileSync(file, readFileSync(file, 'utf8').replace('root /usr/share/nginx/html;', `root ${WEB_DIST};`));
  runNginx(t, file, folder);
  const base = `http://127.0.0.1:${listenPort}`;
  await eventually(async () => ((await fetch(`${base}/`).catch(() => undefined))?.status === 200 ? true : undefined), 10_000, 'nginx to serve');
  const index = readFileSync(path.join(WEB_DIST, 'index.html'), 'utf8');
  for (const page of ['/', '/bots/0b8e3c55-0000-4000-8000-000000000000', '/backtests']) {
    const response = await fetch(`${base}${page}`);
    t.equal(response.status, 200, page);
    t.match(response.headers.get('content-type'), /^text\/html/);
    t.equal(response.headers.get('cache-control'), 'no-cache', `${page} is revalidated`);
    t.equal(await response.text(), index, `${page} is the app`);
  }
  const script = /src="(\/assets\/[^"]+\.js)"/.exec(index)?.[1];
  const asset = await fetch(`${base}${script}`);
  t.equal(asset.status, 200);
  t.match(asset.headers.get('content-type'), /javascript/);
  t.match(asset.headers.get('cache-control'), /max-age=31536000.*immutable/);
  t.equal((await fetch(`${base}/assets/gone-12345678.js`)).status, 404, 'a missing asset is a 404, not the app');
});
