/**
 * `npm run cluster [-- --strategy 3 --execution 2 ...]`: the whole mesh on this machine as
 * separate processes (default: gateway, bots and risk once; scheduler, strategy and
 * execution twice), against NATS_URL, DATABASE_URL and REDIS_URL (this machine's servers
 * when unset). Prints where the API is; Ctrl-C stops every process gracefully.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { clusterLayout, DEFAULT_REPLICAS, ProcessCluster } from '../libs/platform/process-cluster.ts';
import { SERVICE_NAMES } from '../services/mesh.ts';

const { values } = parseArgs({
  options: { ...Object.fromEntries(SERVICE_NAMES.map((name) => [name, { type: 'string' as const }])), help: { type: 'boolean', short: 'h' } },
  allowPositionals: false,
});
if (values.help) {
  process.stdout.write(`usage: npm run cluster -- [--<service> <replicas>]...\n  services: ${SERVICE_NAMES.join(', ')}\n  default: ${Object.entries(DEFAULT_REPLICAS).map(([name, count]) => `${name} ${count}`).join(', ')}\n`);
  process.exit(0);
}
const replicas: Record<string, number> = { ...DEFAULT_REPLICAS };
for (const name of SERVICE_NAMES) {
  const raw = (values as Record<string, string | undefined>)[name];
  if (raw === undefined) continue;
  const count = Number(raw);
  if (!/^\d+$/.test(raw) || count > 32) {
    process.stderr.write(`--${name} must be a number of replicas from 0 to 32, got ${JSON.stringify(raw)}\n`);
    process.exit(2);
  }
  replicas[name] = count;
}
if (replicas['gateway'] === 0) process.stderr.write('no gateway: the API is not served\n');

const port = process.env['PORT'] ?? '3000';
const env: Record<string, string> = {
  NATS_URL: process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222',
  DATABASE_URL: process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/tradebot',
  REDIS_URL: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
  JWT_SECRET: process.env['JWT_SECRET'] ?? randomBytes(48).toString('base64url'),
};
if (!process.env['JWT_SECRET']) process.stderr.write('JWT_SECRET not set: using a random one for this run (tokens end with it)\n');

const cluster = new ProcessCluster({
  env,
  onLine: (label, line) => process.stdout.write(`${label.padEnd(12)} ${line}\n`),
});
let stopping = false;
const stop = async (signal: string) => {
  if (stopping) process.exit(1);
  stopping = true;
  process.stderr.write(`${signal}: stopping every process (in-flight work finishes first)...\n`);
  await cluster.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

const layout = clusterLayout(replicas).map((spec) => (spec.services[0] === 'gateway' ? { ...spec, env: { PORT: spec.label === 'gateway-1' ? port : '0' } } : spec));
try {
  // One process first, so the database is migrated once before the others start.
  const [first, ...rest] = layout;
  if (first) await cluster.start([first]);
  await cluster.start(rest);
} catch (error) {
  process.stderr.write(`cluster failed to start: ${(error as Error).message}\n`);
  await cluster.stop(5_000);
  process.exit(1);
}
process.stdout.write(`\nTradeBot cluster is up: ${layout.length} processes (${Object.entries(replicas).filter(([, count]) => count > 0).map(([name, count]) => `${name} x${count}`).join(', ')}).\n`);
if (replicas['gateway']) process.stdout.write(`API on http://localhost:${port}/api — Ctrl-C stops everything.\n\n`);
