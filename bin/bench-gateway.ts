/**
 * `npm run bench:gateway [-- --seconds S --concurrency C]`: the gateway's throughput. Runs
 * the platform in this process on a fresh data folder (embedded PGlite, the scheduler left
 * out so nothing else competes), signs a user up, creates a bot, then keeps C requests in
 * flight on each route for S seconds and prints requests per second and latency
 * percentiles per route. Rate limits are lifted for the run; everything else (token
 * verification, validation, audit on writes, the error shape) is the real path.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../libs/platform/config.ts';
import { createLogger } from '../libs/platform/logger.ts';
import { startMesh } from '../services/mesh.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '5' }, concurrency: { type: 'string', default: '32' } } });
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);
if (!(seconds > 0) || !(concurrency >= 1)) {
  process.stderr.write('usage: npm run bench:gateway -- [--seconds S] [--concurrency C]\n');
  process.exit(2);
}

const folder = mkdtempSync(path.join(os.tmpdir(), 'tradebot-bench-gateway-'));
const config = loadConfig({ ...process.env, PORT: '0', DATA_DIR: folder, LOG_LEVEL: 'warn', RATE_LIMIT_PER_USER: '1000000', RATE_LIMIT_PER_ADDRESS: '1000000' });
const mesh = await startMesh({ config, services: ['gateway', 'bots', 'strategy', 'risk', 'execution'], logger: createLogger({ level: 'warn', pretty: false }) });
const base = `http://127.0.0.1:${mesh.port()}/api`;

function send(method: string, route: string, body?: unknown, token?: string): Promise<Response> {
  return fetch(`${base}${route}`, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
}

async function json(method: string, route: string, body?: unknown, token?: string) {
  const response = await send(method, route, body, token);
  return { status: response.status, body: (await response.json()) as any };
}

try {
  const credentials = { email: 'bench@example.com', password: 'a long benchmark password' };
  await json('POST', '/auth/register', credentials);
  const { token } = (await json('POST', '/auth/login', credentials)).body;
  const bot = (await json('POST', '/bots', { name: 'bench', market: 'BTC/USDT', strategy: { name: 'ema-cross' } }, token)).body;

  const routes: { name: string; method: string; route: string; body?: unknown; token?: string }[] = [
    { name: 'GET /api/health (no token)', method: 'GET', route: '/health' },
    { name: 'GET /api/strategies (public)', method: 'GET', route: '/strategies' },
    { name: 'GET /api/auth/me', method: 'GET', route: '/auth/me', token },
    { name: 'GET /api/bots', method: 'GET', route: '/bots', token },
    { name: 'GET /api/bots/:id', method: 'GET', route: `/bots/${bot.id}`, token },
    { name: 'GET /api/bots/:id/decisions', method: 'GET', route: `/bots/${bot.id}/decisions?limit=50`, token },
    { name: 'PATCH /api/bots/:id (audited write)', method: 'PATCH', route: `/bots/${bot.id}`, body: { name: 'bench renamed' }, token },
    { name: 'GET /api/bots/:id of nobody (404)', method: 'GET', route: `/bots/${crypto.randomUUID()}`, token },
  ];

  process.stdout.write(`gateway benchmark: ${concurrency} requests in flight, ${seconds} s per route, ${os.cpus().length} CPUs, load ${os.loadavg().map((load) => load.toFixed(2)).join(' ')}\n`);
  process.stdout.write(`${'route'.padEnd(40)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)}  statuses\n`);
  for (const spec of routes) {
    const latencies: number[] = [];
    const statuses = new Map<number, number>();
    const deadline = performance.now() + seconds * 1000;
    const worker = async () => {
      while (performance.now() < deadline) {
        const started = performance.now();
        const response = await send(spec.method, spec.route, spec.body, spec.token);
        await response.arrayBuffer();
        latencies.push(performance.now() - started);
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      }
    };
    const began = performance.now();
    await Promise.all(Array.from({ length: concurrency }, worker));
    const elapsed = (performance.now() - began) / 1000;
    latencies.sort((a, b) => a - b);
    const percentile = (share: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * share))] ?? 0;
    const statusText = [...statuses].map(([status, count]) => `${status}×${count}`).join(' ');
    process.stdout.write(`${spec.name.padEnd(40)} ${(latencies.length / elapsed).toFixed(0).padStart(8)} ${percentile(0.5).toFixed(1).padStart(8)} ${percentile(0.99).toFixed(1).padStart(8)}  ${statusText}\n`);
  }
} finally {
  await mesh.stop();
  rmSync(folder, { recursive: true, force: true });
}
