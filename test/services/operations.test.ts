import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import t from 'tap';
import { runAdminCommand } from '../../bin/admin-command.ts';
import { AuditRepository } from '../../libs/db/audit.repository.ts';
import { UserRepository } from '../../libs/db/user.repository.ts';
import { REPLAY_BOT } from '../e2e/trading-session.ts';
import { eventually, startTestPlatform } from '../support/platform.ts';
import { createTestDatabase } from '../support/postgres.ts';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const database = await createTestDatabase('ops');
t.teardown(() => database.drop());
const metricsPort = await freePort();
const platform = await startTestPlatform({
  env: { REPLAY_SPEED: '600', DATABASE_URL: database.url, JWT_SECRET: randomBytes(32).toString('hex'), HEALTH_PORT: '0', METRICS_PORT: String(metricsPort), NATS_URL: 'nats://127.0.0.1:4222', NAMESPACE: `ops${randomBytes(3).toString('hex')}`, BUS_PREFIX: `ops${randomBytes(3).toString('hex')}` },
});
t.teardown(() => platform.stop());

t.test('health and readiness on the gateway and on the process health port', async (t) => {
  t.match((await platform.api.get('/health')).body, { status: 'ok' });
  const ready = await platform.api.get('/ready');
  t.equal(ready.status, 200);
  t.match(ready.body, { status: 'ready', checks: { postgres: { ok: true }, migrations: { ok: true }, nats: { ok: true } } });
  const base = `http://127.0.0.1:${platform.mesh.healthPort()}`;
  const health = await fetch(`${base}/health`);
  t.equal(health.status, 200);
  t.match(await health.json(), { status: 'ok', services: ['gateway', 'bots', 'scheduler', 'strategy', 'risk', 'execution'] });
  const processReady = await fetch(`${base}/ready`);
  t.equal(processReady.status, 200);
  t.equal((await processReady.json()).status, 'ready');
  t.equal((await fetch(`${base}/other`)).status, 404);
});

t.test('readiness is 503 naming the dependency that is down', async (t) => {
  const lonely = await startTestPlatform({ services: ['gateway'], env: { REDIS_URL: 'redis://127.0.0.1:1', HEALTH_PORT: '0' } });
  t.teardown(() => lonely.stop());
  const ready = await lonely.api.get('/ready');
  t.equal(ready.status, 503);
  t.match(ready.body, { status: 'not-ready', checks: { postgres: { ok: true }, redis: { ok: false, error: String } } });
  t.equal((await fetch(`http://127.0.0.1:${lonely.mesh.healthPort()}/ready`)).status, 503);
  t.equal((await lonely.api.get('/health')).status, 200, 'still alive: liveness does not depend on Redis');
});

t.test('Prometheus metrics: requests, ticks, decisions by signal, orders by state, bus lag, Postgres pool', async (t) => {
  const trader = await platform.api.signUp('metrics@example.com');
  const bot = (await trader.post('/bots', REPLAY_BOT)).body;
  await trader.post(`/bots/${bot.id}/start`);
  const text = await eventually(async () => {
    const body = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    return /tradebot_orders_transitions_total\{[^}]*status="filled"/.test(body) && /tradebot_postgres_pool_connections\{/.test(body) ? body : undefined;
  }, 60_000, 'a filled order and pool figures in the metrics');
  t.match(text, /moleculer_request_total\{[^}]*action="bots\.create"/, 'request rates per action');
  t.match(text, /moleculer_request_time_bucket\{/, 'request latencies');
  t.match(text, /tradebot_ticks_processed_total\{[^}]*result="decided"[^}]*\} [1-9]/, 'ticks processed');
  t.match(text, /tradebot_decisions_total\{[^}]*signal="(hold|buy|sell)"/, 'decisions by signal');
  t.match(text, /tradebot_bus_stream_published\{/, 'bus figures');
  t.match(text, /nodeID="/, 'labelled by node');
  await trader.post(`/bots/${bot.id}/stop`);
});

t.test('admins list dead letters; users may not', async (t) => {
  const user = await platform.api.signUp('ops-user@example.com');
  t.equal((await user.get('/admin/dead-letters')).status, 403);
  await platform.api.signUp('ops-admin@example.com');
  await runAdminCommand(['grant', 'ops-admin@example.com'], { users: new UserRepository(platform.mesh.database), audit: new AuditRepository(platform.mesh.database), operator: 'test' });
  const admin = platform.api.as((await platform.api.post('/auth/login', { email: 'ops-admin@example.com', password: 'correct horse battery staple' })).body.token);
  const list = await admin.get('/admin/dead-letters');
  t.equal(list.status, 200);
  t.same(list.body, { items: [] });
  t.equal((await admin.post('/admin/dead-letters/no-such-letter/replay')).status, 404);
});
