/**
 * The mesh as separate processes on this machine's NATS, Postgres and Redis: two
 * schedulers, two strategy and two execution replicas, 200 paper bots on the replayed
 * ETH/BTC market. One strategy and one execution replica are killed with SIGKILL in
 * mid-run and started again; one scheduler is killed for good. Afterwards every bot has exactly one decision per candle,
 * in candle order, with no gap; no order was placed twice and none was left behind; and
 * the two schedulers put each bot's tick for each candle on the stream once.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import pg from 'pg';
import t from 'tap';
import { connect } from 'nats';
import { connectJetStreamBus } from '../../libs/bus/jetstream-bus.ts';
import { ProcessCluster } from '../../libs/platform/process-cluster.ts';
import { createTestDatabase } from '../support/postgres.ts';
import { ApiClient, eventually, SHARED_DATA } from '../support/platform.ts';
import { REPLAY_BOT } from './trading-session.ts';

const NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const BOTS = 200;
const MINUTE = 60_000;

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// Generous: on a loaded machine (other suites on the same two cores) a backlog takes minutes to clear.
t.setTimeout(600_000);
t.test('kill -9 of a strategy, an execution and a scheduler replica in mid-run loses no tick and doubles none', async (t) => {
  const database = await createTestDatabase('fault');
  const name = `fault_${randomBytes(4).toString('hex')}`;
  const port = await freePort();
  const errors: string[] = [];
  const cluster = new ProcessCluster({
    env: {
      NATS_URL, REDIS_URL, DATABASE_URL: database.url, JWT_SECRET: randomBytes(48).toString('base64url'),
      BUS_PREFIX: name, NAMESPACE: name, REDIS_PREFIX: name, BUS_PARTITIONS: '16', BUS_ACK_WAIT_MS: '2000',
      REPLAY_DIR: SHARED_DATA, REPLAY_SPEED: '60', BACKTEST_WORKERS: '0', LOG_LEVEL: 'info',
      RATE_LIMIT_PER_USER: '100000', RATE_LIMIT_PER_ADDRESS: '100000',
    },
    onLine: (label, line) => {
      if (/"level":(50|60)/.test(line) || (!line.startsWith('{') && /Error|error/.test(line))) errors.push(`${label}: ${line}`);
    },
  });
  const sql = new pg.Client({ connectionString: database.url });
  t.teardown(async () => {
    await cluster.stop(5_000);
    await sql.end().catch(() => undefined);
    const cleanup = await connectJetStreamBus({ servers: NATS_URL, prefix: name, partitions: 16 });
    await cleanup.destroy(['ticks', 'orders']);
    await cleanup.close();
    await database.drop();
  });

  // One process migrates the database first; then the replicas.
  await cluster.start([{ label: 'core', services: ['gateway', 'bots', 'risk'], env: { PORT: String(port) } }]);
  await cluster.start([
    { label: 'scheduler-1', services: ['scheduler'] },
    { label: 'scheduler-2', services: ['scheduler'] },
    { label: 'strategy-1', services: ['strategy'] },
    { label: 'strategy-2', services: ['strategy'] },
    { label: 'execution-1', services: ['execution'] },
    { label: 'execution-2', services: ['execution'] },
  ]);
  await sql.connect();

  const api = await new ApiClient(`http://127.0.0.1:${port}`).signUp('fleet@example.com');
  const botIds: string[] = [];
  for (let index = 0; index < BOTS; index += 1) {
    // Quick strategies, so orders are placed and filled while the replicas are killed.
    const strategy = index % 2 === 0 ? { name: 'ema-cross', params: { fast: 2, slow: 4 } } : { name: 'dca', params: { period: 2, stepPercent: 0.1, targetPercent: 0.1 } };
    const created = await api.post('/bots', { ...REPLAY_BOT, name: `bot ${index}`, strategy });
    if (created.status !== 201) throw new Error(`create failed: ${created.status} ${JSON.stringify(created.body)}`);
    botIds.push(created.body.id);
  }
  for (const botId of botIds) {
    const started = await api.post(`/bots/${botId}/start`);
    if (started.status !== 200) throw new Error(`start failed: ${started.status} ${JSON.stringify(started.body)}`);
  }
  const decided = async () => Number((await sql.query<{ count: string }>('select count(*) from decisions')).rows[0]!.count);

  // Mid-run: every bot is deciding, orders are being placed.
  await eventually(async () => ((await decided()) >= BOTS * 6 ? true : undefined), 90_000, 'six candles decided per bot');
  // One scheduler dies for good: the other one, publishing the same ticks all along, carries on alone.
  await Promise.all([cluster.kill('strategy-1', 'SIGKILL'), cluster.kill('execution-1', 'SIGKILL'), cluster.kill('scheduler-1', 'SIGKILL')]);
  const atKill = await decided();
  const killCandle = new Date((await sql.query<{ latest: Date }>('select max(candle_time) as latest from decisions')).rows[0]!.latest).getTime();
  await Promise.all([cluster.restart('strategy-1'), cluster.restart('execution-1')]);
  // Every bot goes on: each decides candles at least three minutes past the kill.
  const botsPastKill = async () => Number((await sql.query<{ count: string }>('select count(distinct bot_id) from decisions where candle_time >= $1', [new Date(killCandle + 3 * MINUTE)])).rows[0]!.count);
  const progress: number[] = [];
  await eventually(async () => {
    progress.push(await botsPastKill());
    return progress.at(-1) === BOTS ? true : undefined;
  }, 120_000, 'every bot to decide three candles past the kill').catch((error: Error) => {
    throw new Error(`${error.message}; bots past it over time: ${progress.filter((_, index) => index % 20 === 0).join(' ')}`);
  });
  t.ok((await decided()) > atKill, 'decisions went on after the kill');

  for (const botId of botIds) await api.post(`/bots/${botId}/stop`);
  // Let the last ticks and orders through: nothing pending or in flight on the bus, no order waiting.
  const observer = await connectJetStreamBus({ servers: NATS_URL, prefix: name, partitions: 16 });
  t.teardown(() => observer.close());
  for (const stream of ['ticks', 'orders']) await observer.ensureStream(stream);
  await eventually(async () => ((await observer.lag()).length === 0 ? true : undefined), 180_000, 'the bus to drain');
  await eventually(async () => {
    const { rows } = await sql.query<{ count: string }>(`select count(*) from orders where status = 'pending_submit'`);
    return rows[0]!.count === '0' ? true : undefined;
  }, 120_000, 'every committed order to be placed');

  const { rows: decisions } = await sql.query<{ bot_id: string; candle_time: Date }>('select bot_id, candle_time from decisions order by id');
  const byBot = new Map<string, number[]>();
  for (const row of decisions) {
    const times = byBot.get(row.bot_id) ?? [];
    times.push(row.candle_time.getTime());
    byBot.set(row.bot_id, times);
  }
  const broken = botIds.filter((botId) => {
    const times = byBot.get(botId) ?? [];
    return times.length < 4 || times.some((time, index) => index > 0 && time - times[index - 1]! !== MINUTE);
  });
  const firstBroken = broken[0] === undefined ? undefined : (byBot.get(broken[0]) ?? []).map((time) => new Date(time).toISOString().slice(11, 16));
  t.same(broken, [], `each of ${BOTS} bots${firstBroken ? ` (first broken: ${firstBroken.join(' ')})` : ''}: one decision per candle, recorded in candle order, no gap (${decisions.length} decisions)`);

  const { rows: orders } = await sql.query<{ status: string; count: string }>('select status, count(*) from orders group by status');
  const filled = Number(orders.find((row) => row.status === 'filled')?.count ?? 0);
  t.ok(filled >= BOTS / 2, `orders were placed through the kills (${JSON.stringify(orders)})`);
  const { rows: doubled } = await sql.query('select order_id from fills group by order_id having count(*) > 1');
  t.same(doubled, [], 'no order was filled twice');
  const { rows: twice } = await sql.query('select bot_id, candle_time from orders group by bot_id, candle_time having count(*) > 1');
  t.same(twice, [], 'no candle of a bot ordered twice');

  // Two schedulers published every tick; the stream kept each (bot, candle) once.
  const connection = await connect({ servers: NATS_URL });
  t.teardown(() => connection.close());
  const manager = await connection.jetstreamManager();
  const streamName = `${name}_ticks`;
  const info = await manager.streams.info(streamName);
  const seen = new Set<string>();
  let repeated = 0;
  for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq += 200) {
    const batch = await Promise.all(Array.from({ length: Math.min(200, info.state.last_seq - seq + 1) }, (_, offset) => manager.streams.getMessage(streamName, { seq: seq + offset })));
    for (const message of batch) {
      const tick = message.json<{ botId: string; candleTime: number }>();
      const key = `${tick.botId}:${tick.candleTime}`;
      if (seen.has(key)) repeated += 1;
      seen.add(key);
    }
  }
  t.ok(seen.size >= BOTS * 8, `ticks on the stream (${seen.size})`);
  t.equal(repeated, 0, 'no bot was ticked twice for a candle, with two schedulers publishing');
  t.same(errors.filter((line) => !/SIGKILL|strategy-1|execution-1|scheduler-1/.test(line)).slice(0, 5), [], 'no process logged an error');
});
