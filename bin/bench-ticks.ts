/**
 * `npm run bench:ticks -- --bots N [--replicas R] [--bus inproc|jetstream] [--candles C]`:
 * drives N paper bots (EMA cross on 10 simulated markets) through the real pipeline —
 * tick published on the bus, strategy service, market data, risk, decision and any order
 * committed in Postgres, execution — and prints sustained ticks/s (first tick published
 * to last decision recorded), latency percentiles (tick published to its decision
 * recorded), and CPU and memory per process. Every candle's ticks for all N bots are
 * published at once, as the scheduler does at a candle close.
 *
 * In process: one process runs bots, risk, strategy (R subscriptions) and execution on the
 * in-process bus. JetStream: this process publishes; one process runs bots, risk and
 * execution and R processes run the strategy service, on NATS_URL. Both on a fresh
 * Postgres database (on ADMIN_DATABASE_URL's server), dropped afterwards.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { Bus } from '../libs/bus/bus.ts';
import { connectJetStreamBus, type JetStreamBus } from '../libs/bus/jetstream-bus.ts';
import { STREAMS, tickMessageId, type StreamPayloads } from '../libs/contracts/streams.ts';
import { BotRepository } from '../libs/db/bot.repository.ts';
import { migrateDatabase, openDatabase } from '../libs/db/database.ts';
import { UserRepository } from '../libs/db/user.repository.ts';
import { loadConfig } from '../libs/platform/config.ts';
import { createLogger } from '../libs/platform/logger.ts';
import { ProcessCluster } from '../libs/platform/process-cluster.ts';
import { DEFAULT_RISK } from '../libs/risk/risk-settings.ts';
import { startMesh, type Mesh } from '../services/mesh.ts';

const { values } = parseArgs({
  options: {
    bots: { type: 'string', default: '10000' },
    replicas: { type: 'string', default: '2' },
    bus: { type: 'string', default: 'inproc' },
    candles: { type: 'string', default: '3' },
  },
});
const BOTS = Number(values.bots);
const REPLICAS = Number(values.replicas);
const CANDLES = Number(values.candles);
const BUS = values.bus;
if (!(BOTS >= 1) || !(REPLICAS >= 1) || !(CANDLES >= 1) || (BUS !== 'inproc' && BUS !== 'jetstream')) {
  process.stderr.write('usage: npm run bench:ticks -- --bots N [--replicas R] [--bus inproc|jetstream] [--candles C]\n');
  process.exit(2);
}

const ADMIN_URL = process.env['ADMIN_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
const MARKETS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'XRP/USDT', 'ADA/USDT', 'DOGE/USDT', 'DOT/USDT', 'LTC/USDT', 'LINK/USDT', 'AVAX/USDT'];
const FIRST_CANDLE = Date.UTC(2026, 0, 2);
const MINUTE = 60_000;
const format = (value: number) => Math.round(value).toLocaleString('en-US');
const load = () => os.loadavg().map((value) => value.toFixed(2)).join(' ');
const log = (line: string) => process.stderr.write(`${line}\n`);

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** CPU seconds and resident memory of a process, from /proc. */
function processUsage(pid: number): { cpuSeconds: number; rssMb: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticksPerSecond = 100;
    const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
    const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return { cpuSeconds, rssMb: rss ? Number(rss[1]) / 1024 : 0 };
  } catch {
    return undefined;
  }
}

const name = `bench_${randomBytes(4).toString('hex')}`;
const databaseUrl = (() => {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
})();
await admin((client) => client.query(`create database ${name}`));
const sql = new pg.Client({ connectionString: databaseUrl });
let mesh: Mesh | undefined;
let cluster: ProcessCluster | undefined;
let publisher: JetStreamBus<StreamPayloads> | undefined;
// Ctrl-C ends the wait, so the processes, the streams and the database are still cleaned up.
let interrupted = false;
process.on('SIGINT', () => {
  if (interrupted) process.exit(130);
  interrupted = true;
  log('interrupted: cleaning up (Ctrl-C again to leave everything as it is)');
});

try {
  log(`bench:ticks — ${format(BOTS)} bots, ${BUS === 'inproc' ? 'in-process bus' : 'JetStream bus'}, ${REPLICAS} strategy ${BUS === 'inproc' ? 'subscriptions' : 'processes'}, ${CANDLES} candles; load ${load()}`);
  const logger = createLogger({ level: 'warn', pretty: false });
  const setup = await openDatabase({ databaseUrl, dataDir: '.', poolSize: 4, logger });
  await migrateDatabase(setup);
  const userId = randomUUID();
  await new UserRepository(setup).create({ id: userId, email: `bench-${userId}@example.com`, passwordHash: 'x', role: 'user', createdAt: new Date() });
  const bots = new BotRepository(setup);
  const template = randomUUID();
  await bots.create(userId, template, {
    name: 'bench', exchange: 'paper', marketSource: 'simulated', market: MARKETS[0]!, timeframe: '1m',
    strategyName: 'ema-cross', strategyParams: { fast: 12, slow: 26 }, risk: { ...DEFAULT_RISK }, initialBalance: '1000',
    exchangeAccountId: null, stopPolicy: 'cancel-orders',
  }, new Date());
  await bots.applyCommand(userId, template, 'start', new Date());
  await setup.close();

  await sql.connect();
  log(`creating ${format(BOTS)} bots...`);
  // Clones of the template bot, spread over the markets: every column copied, new ids.
  await sql.query(`create temporary table bench_ids as select gen_random_uuid() as id, row_number() over () as n from generate_series(1, ${BOTS - 1})`);
  for (const table of ['bots', 'bot_states', 'positions']) {
    const key = table === 'bots' ? 'id' : 'bot_id';
    const { rows } = await sql.query<{ column_name: string }>(`select column_name from information_schema.columns where table_name = $1 and column_name <> $2`, [table, key]);
    const columns = rows.map((row) => row.column_name);
    const values = columns.map((column) => (column === 'market' ? `(array[${MARKETS.map((market) => `'${market}'`).join(',')}])[1 + (ids.n % ${MARKETS.length})]` : `t.${column}`));
    await sql.query(`insert into ${table} (${key}, ${columns.join(', ')}) select ids.id, ${values.join(', ')} from bench_ids ids cross join ${table} t where t.${key} = $1`, [template]);
  }
  const { rows: botRows } = await sql.query<{ id: string }>('select id from bots');
  const botIds = botRows.map((row) => row.id);
  await sql.query('analyze');

  const env: Record<string, string> = {
    DATABASE_URL: databaseUrl, JWT_SECRET: randomBytes(48).toString('base64url'), BACKTEST_WORKERS: '0', LOG_LEVEL: 'warn',
    BUS_PREFIX: name, NAMESPACE: name, REDIS_PREFIX: name,
  };
  let bus: Bus<StreamPayloads>;
  const pids: { label: string; pid: number }[] = [];
  if (BUS === 'inproc') {
    mesh = await startMesh({ config: loadConfig(env), services: ['bots', 'risk', 'execution'], logger });
    bus = mesh.bus;
    // Extra strategy subscriptions compete on the one bus, as replicas would.
    const { createStrategyService } = await import('../services/strategy/strategy.service.ts');
    const { TradingRepository } = await import('../libs/db/trading.repository.ts');
    const { BacktestRepository } = await import('../libs/db/backtest.repository.ts');
    for (let replica = 0; replica < REPLICAS; replica += 1) {
      mesh.broker.createService({
        ...createStrategyService({
          bus, trading: new TradingRepository(mesh.database), marketData: mesh.marketData, clock: { now: () => Date.now() }, newId: randomUUID,
          backtests: { repository: new BacktestRepository(mesh.database), pool: undefined, data: { replaySeries: () => undefined, simulationSeed: 42, simulationStart: 0, simulatedMarket: () => true } },
        }),
        name: `strategy-${replica}`,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    pids.push({ label: 'bench (all services)', pid: process.pid });
  } else {
    const clusterEnv = { ...env, NATS_URL, LOG_LEVEL: 'info', DATABASE_POOL_SIZE_STRATEGY: '16' };
    cluster = new ProcessCluster({ env: clusterEnv });
    await cluster.start([{ label: 'core', services: ['bots', 'risk', 'execution'] }]);
    await cluster.start(Array.from({ length: REPLICAS }, (_, index) => ({ label: `strategy-${index + 1}`, services: ['strategy'] })));
    publisher = await connectJetStreamBus<StreamPayloads>({ servers: NATS_URL, prefix: name });
    bus = publisher;
    for (const label of cluster.labels()) pids.push({ label, pid: cluster.pid(label)! });
    pids.push({ label: 'bench (publisher)', pid: process.pid });
  }

  const before = new Map(pids.map(({ label, pid }) => [label, processUsage(pid)]));
  const publishedAt = new Map<number, number>();
  const started = performance.now();
  const wallStart = Date.now();
  for (let candle = 0; candle < CANDLES; candle += 1) {
    const candleTime = FIRST_CANDLE + candle * MINUTE;
    publishedAt.set(candleTime, Date.now());
    // As the scheduler: every bot's tick for the candle, in parallel chunks.
    for (let from = 0; from < botIds.length; from += 1_000) {
      await Promise.all(botIds.slice(from, from + 1_000).map((botId) => bus.publish(STREAMS.ticks, botId, { botId, candleTime }, tickMessageId(botId, candleTime))));
    }
  }
  const publishSeconds = (performance.now() - started) / 1_000;
  const expected = BOTS * CANDLES;
  let decided = 0;
  let lastReport = performance.now();
  while (decided < expected) {
    if (interrupted) throw new Error(`interrupted after ${decided} of ${expected} ticks`);
    await new Promise((resolve) => setTimeout(resolve, 250));
    decided = Number((await sql.query<{ count: string }>('select count(*) from decisions')).rows[0]!.count);
    if (performance.now() - lastReport > 5_000) {
      lastReport = performance.now();
      log(`  ${format(decided)} of ${format(expected)} ticks decided (${format(decided / ((performance.now() - started) / 1_000))}/s), load ${load()}`);
    }
  }
  const seconds = (performance.now() - started) / 1_000;
  const after = new Map(pids.map(({ label, pid }) => [label, processUsage(pid)]));

  const { rows: latencies } = await sql.query<{ ms: string }>(
    `select extract(epoch from (created_at - to_timestamp(published / 1000.0))) * 1000 as ms
     from decisions d join (select unnest($1::bigint[]) as candle, unnest($2::bigint[]) as published) p on d.candle_time = to_timestamp(p.candle / 1000.0)
     order by ms`,
    [[...publishedAt.keys()], [...publishedAt.values()]],
  );
  const percentile = (p: number) => Number(latencies[Math.min(latencies.length - 1, Math.floor((latencies.length * p) / 100))]?.ms ?? NaN);
  const { rows: outcomes } = await sql.query<{ outcome: string; count: string }>('select outcome, count(*) from decisions group by outcome order by outcome');

  console.log(`\nbench:ticks  ${format(BOTS)} bots x ${CANDLES} candles, ${BUS === 'inproc' ? 'in-process' : 'JetStream'} bus, ${REPLICAS} strategy replica(s), ${os.cpus().length} cores`);
  console.log(`  sustained      ${format(expected / seconds)} ticks/s  (${format(expected)} ticks in ${seconds.toFixed(1)} s; publishing took ${publishSeconds.toFixed(1)} s)`);
  console.log(`  latency        p50 ${format(percentile(50))} ms, p95 ${format(percentile(95))} ms, p99 ${format(percentile(99))} ms (tick published to decision recorded)`);
  console.log(`  outcomes       ${outcomes.map((row) => `${row.outcome} ${format(Number(row.count))}`).join(', ')}`);
  for (const { label } of pids) {
    const start = before.get(label);
    const end = after.get(label);
    if (!start || !end) continue;
    console.log(`  ${label.padEnd(22)} CPU ${((end.cpuSeconds - start.cpuSeconds) / seconds * 100).toFixed(0).padStart(4)}% of a core, RSS ${format(end.rssMb)} MB`);
  }
  console.log(`  load average   ${load()} (1, 5, 15 min) after the run\n`);
} finally {
  await cluster?.stop(10_000);
  await mesh?.stop().catch(() => undefined);
  await publisher?.destroy([STREAMS.ticks, STREAMS.orders]).catch(() => undefined);
  await publisher?.close().catch(() => undefined);
  await sql.end().catch(() => undefined);
  await admin((client) => client.query(`drop database if exists ${name} with (force)`));
}
