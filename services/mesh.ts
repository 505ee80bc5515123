/**
 * The composition root: builds the infrastructure (database, bus, market data) from the
 * configuration, creates the chosen services with their dependencies, and starts them in
 * one broker. `npm start` runs all six here; `npm run service -- <names>` runs some.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ServiceBroker, type ServiceSchema } from 'moleculer';
import { brokerOptions } from '../moleculer.config.ts';
import type { Bus } from '../libs/bus/bus.ts';
import { createInProcessBus } from '../libs/bus/in-process-bus.ts';
import { connectJetStreamBus } from '../libs/bus/jetstream-bus.ts';
import { STREAMS } from '../libs/contracts/streams.ts';
import type { StreamPayloads } from '../libs/contracts/streams.ts';
import { BotRepository } from '../libs/db/bot.repository.ts';
import { migrateDatabase, openDatabase, pendingMigrations, type Database } from '../libs/db/database.ts';
import { checkReadiness, startHealthServer, type Probes, type Readiness } from '../libs/platform/readiness.ts';
import { PLATFORM_METRICS } from './shared/platform-metrics.ts';
import { FleetRepository } from '../libs/db/fleet.repository.ts';
import { HistoryRepository } from '../libs/db/history.repository.ts';
import { MarketClockRepository } from '../libs/db/market-clock.repository.ts';
import { TradingRepository } from '../libs/db/trading.repository.ts';
import { RiskRepository } from '../libs/db/risk.repository.ts';
import { ExchangeAccountRepository } from '../libs/db/exchange-account.repository.ts';
import { createMemoryRateLimiter, createRedisRateLimiter, type BucketShape } from '../libs/exchange/rate-limiter.ts';
import { createSecretBox } from '../libs/platform/secret-box.ts';
import { UserRepository } from '../libs/db/user.repository.ts';
import { createExchangeRegistry } from '../libs/exchange/exchange-registry.ts';
import { BacktestRepository } from '../libs/db/backtest.repository.ts';
import type { BacktestDataContext } from '../libs/backtest/backtest-request.ts';
import { BacktestWorkerPool } from '../libs/backtest/worker-pool.ts';
import { MarketData } from '../libs/market/market-data.ts';
import type { MarketSource } from '../libs/market/market-source.ts';
import { loadReplayMarket, type ReplayMarket } from '../libs/market/replay-market.ts';
import { createSimulatedMarket } from '../libs/market/simulated-market.ts';
import { sharedCandleSource } from '../libs/market/shared-candles.ts';
import { systemClock, type Clock } from '../libs/platform/clock.ts';
import { ConfigError, type Config } from '../libs/platform/config.ts';
import { CandleRepository } from '../libs/db/candle.repository.ts';
import { createCcxtMarket, UnknownCcxtExchangeError, type CandleStore } from '../libs/market/ccxt-market.ts';
import { createLogger, type Logger } from '../libs/platform/logger.ts';
import { createTokenSigner } from '../libs/platform/tokens.ts';
import { AuditRepository } from '../libs/db/audit.repository.ts';
import { RefreshTokenRepository } from '../libs/db/refresh-token.repository.ts';
import { createLimiter, type LimiterStore } from '../libs/platform/rate-limit.ts';
import { createRedisClient, type Redis } from '../libs/platform/redis.ts';
import { createAuditService } from './gateway/audit.service.ts';
import { createMemoryJournal, createRedisJournal, DEFAULT_JOURNAL_OPTIONS } from '../libs/platform/live-event-journal.ts';
import { createBotsService } from './bots/bots.service.ts';
import { createBusService } from './bus/bus.service.ts';
import { createExecutionService } from './execution/execution.service.ts';
import { createAuthService } from './gateway/auth.service.ts';
import { createGatewayService } from './gateway/gateway.service.ts';
import { DEFAULT_WEB_ROOT } from './gateway/web-ui.ts';
import { createRiskService } from './risk/risk.service.ts';
import { createSchedulerService } from './scheduler/scheduler.service.ts';
import { createStrategyService } from './strategy/strategy.service.ts';

export const SERVICE_NAMES = ['gateway', 'bots', 'scheduler', 'strategy', 'risk', 'execution'] as const;
export type MeshServiceName = (typeof SERVICE_NAMES)[number];

export function isServiceName(name: string): name is MeshServiceName {
  return (SERVICE_NAMES as readonly string[]).includes(name);
}

/**
 * Postgres connections each service needs in a process of its own (the strategy and
 * execution replicas do the bus work); `DATABASE_POOL_SIZE_<SERVICE>` overrides one.
 */
export const DEFAULT_POOL_SIZES: Readonly<Record<MeshServiceName, number>> = { gateway: 4, bots: 4, scheduler: 2, strategy: 10, risk: 4, execution: 6 };

/**
 * The pool of a process running `services`: DATABASE_POOL_SIZE when set, else the sum of
 * each service's size (its DATABASE_POOL_SIZE_<SERVICE>, or its default).
 */
export function poolSizeFor(services: readonly MeshServiceName[], env: Readonly<Record<string, string | undefined>>): number {
  const explicit = env['DATABASE_POOL_SIZE']?.trim();
  if (explicit) return loadConfigPoolSize(explicit, 'DATABASE_POOL_SIZE');
  return services.reduce((sum, service) => {
    const variable = `DATABASE_POOL_SIZE_${service.toUpperCase()}`;
    const raw = env[variable]?.trim();
    return sum + (raw ? loadConfigPoolSize(raw, variable) : DEFAULT_POOL_SIZES[service]);
  }, 0);
}

function loadConfigPoolSize(raw: string, variable: string): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1 || value > 500) throw new ConfigError(variable, `must be an integer from 1 to 500, got ${JSON.stringify(raw)}`);
  return value;
}

/** Services that work on the bus; a process running any of them also runs the bus service (lag, dead letters). */
const BUS_WORKERS: readonly MeshServiceName[] = ['scheduler', 'strategy', 'execution'];

/**
 * The bus from configuration: JetStream when NATS_URL is set (distributed mode: every
 * stream provisioned and checked before any service starts), the in-process bus otherwise.
 */
export async function createBus(config: Config, logger: Logger, name?: string): Promise<Bus<StreamPayloads>> {
  if (!config.natsUrl) return createInProcessBus<StreamPayloads>({ partitions: config.busPartitions, logger });
  const bus = await connectJetStreamBus<StreamPayloads>({ servers: config.natsUrl, prefix: config.busPrefix, partitions: config.busPartitions, ackWaitMs: config.busAckWaitMs, logger, ...(name ? { name } : {}) });
  try {
    for (const stream of Object.values(STREAMS)) await bus.ensureStream(stream);
  } catch (error) {
    await bus.close();
    throw error;
  }
  return bus;
}

/** Lifetime of an access token: short, because it cannot be revoked; the refresh token renews it. */
export const TOKEN_LIFETIME_SECONDS = 900;

/** Requests per second (and burst) per exchange account: under every major exchange's published limit for a single key. */
const EXCHANGE_RATE: BucketShape = { ratePerSecond: 10, burst: 10 };

/** Failed sign-ins tolerated per account and per address, and how long a key is then refused. */
const LOGIN_THROTTLE = {
  account: { name: 'login-account', points: 5, windowSeconds: 15 * 60, blockSeconds: 15 * 60 },
  address: { name: 'login-address', points: 50, windowSeconds: 60 * 60, blockSeconds: 60 * 60 },
} as const;

export interface MeshOptions {
  readonly config: Config;
  readonly services: readonly MeshServiceName[];
  readonly logger?: Logger;
  /** Real time; tests may pass their own. */
  readonly clock?: Clock;
  readonly nodeID?: string;
  /**
   * Fine-tuning for tests: scheduler pass interval, how many late candles a scheduler pass
   * still publishes a tick for (the rest are caught up by the strategy), outbox sweep timings,
   * and the failed sign-ins allowed per address (50 unless given).
   */
  readonly tuning?: { schedulerStepMs?: number; schedulerBackfill?: number; sweepIntervalMs?: number; sweepAfterMs?: number; reconcileIntervalMs?: number; loginFailuresPerAddress?: number };
}

export interface Mesh {
  readonly broker: ServiceBroker;
  readonly database: Database;
  readonly bus: Bus<StreamPayloads>;
  readonly marketData: MarketData;
  readonly logger: Logger;
  /** The Redis connection when REDIS_URL is set. */
  readonly redis: Redis | undefined;
  /** Port the gateway listens on (when it runs here). */
  port(): number | undefined;
  /** Port of the HEALTH_PORT server (when configured). */
  healthPort(): number | undefined;
  /** Postgres, migrations, NATS and Redis (those configured), each checked now. */
  readiness(): Promise<Readiness>;
  stop(): Promise<void>;
}

function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

/** What API backtests may read: the replay files this platform serves and the simulated market. */
export function backtestDataContext(config: Config, marketData: MarketData): BacktestDataContext {
  const replay = marketData.source('replay') as ReplayMarket | undefined;
  const simulated = marketData.source('simulated');
  return {
    replaySeries: (market) => replay?.series(market),
    simulationSeed: config.simulationSeed,
    simulationStart: config.simulationStart,
    simulatedMarket: (market) => simulated?.hasMarket(market) === true,
  };
}

/**
 * Market sources from configuration: the simulated market always, replay when a folder is
 * given, and a ccxt source per exchange in CCXT_EXCHANGES (none by default, so the
 * embedded platform never loads ccxt nor uses the network).
 */
export async function createMarketSources(config: Config, ccxt?: { store: CandleStore; clock: Clock }): Promise<MarketSource[]> {
  const sources: MarketSource[] = [createSimulatedMarket({ seed: config.simulationSeed, startTime: config.simulationStart, speed: config.simulationSpeed })];
  if (config.replayDir) sources.push(await loadReplayMarket({ directory: config.replayDir, speed: config.replaySpeed }));
  for (const exchangeId of config.ccxtExchanges) {
    if (!ccxt) throw new Error('ccxt market sources need a candle store and a clock');
    try {
      sources.push(await createCcxtMarket({ exchangeId, store: ccxt.store, clock: ccxt.clock }));
    } catch (error) {
      if (error instanceof UnknownCcxtExchangeError) throw new ConfigError('CCXT_EXCHANGES', error.message);
      throw error;
    }
  }
  return sources;
}

export async function startMesh(options: MeshOptions): Promise<Mesh> {
  const { config } = options;
  const logger = options.logger ?? createLogger({ level: config.logLevel, pretty: config.logPretty });
  const clock = options.clock ?? systemClock;
  const newId = () => randomUUID();

  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.databasePoolSize, logger });
  const applied = await migrateDatabase(database);
  if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');

  const redis = config.redisUrl ? createRedisClient(config.redisUrl, (error) => logger.warn({ err: error }, 'Redis is unreachable; rate limits count in memory and live-event resumption pauses until it is back')) : undefined;
  const limiterStore: LimiterStore = { redis, prefix: config.redisPrefix };
  let bus: Bus<StreamPayloads>;
  try {
    bus = await createBus(config, logger, options.nodeID ?? options.services.join('+'));
  } catch (error) {
    redis?.disconnect();
    await database.close();
    throw error;
  }
  const sources = await createMarketSources(config, { store: new CandleRepository(database), clock });
  // With Redis, every replica shares the candles: fetched or generated once per market per candle.
  const marketData = new MarketData(redis ? sources.map((source) => sharedCandleSource(source, redis, { prefix: config.redisPrefix })) : sources);
  const bots = new BotRepository(database);
  const trading = new TradingRepository(database);
  // Exchange accounts: keys sealed under EXCHANGE_SECRETS_KEYS; clients paced per (exchange, API key) across replicas (Redis) or in this process.
  const accounts = config.exchangeSecretKeys ? new ExchangeAccountRepository(database, createSecretBox(config.exchangeSecretKeys)) : undefined;
  const exchangeLimiter = redis ? createRedisRateLimiter(redis, config.redisPrefix, EXCHANGE_RATE) : createMemoryRateLimiter(EXCHANGE_RATE);
  const exchanges = createExchangeRegistry({ live: { account: async (id) => accounts?.credentials(id), urls: config.exchangeUrls, limiter: exchangeLimiter } });
  const risk = new RiskRepository(database);
  const tuning = options.tuning ?? {};

  // Orchestrators' view of this process: every dependency it needs, checked on demand.
  const probes: Probes = {
    postgres: async () => { await database.em().getConnection().execute('select 1'); },
    migrations: async () => {
      const pending = await pendingMigrations(database);
      if (pending.length > 0) throw new Error(`migrations not applied: ${pending.join(', ')}`);
    },
    ...(config.natsUrl ? { nats: async () => { if (!(broker.transit as { connected?: boolean } | undefined)?.connected) throw new Error('not connected to NATS'); } } : {}),
    ...(redis ? { redis: async () => { await redis.ping(); } } : {}),
  };
  const readiness = () => checkReadiness(probes);

  const factories: Record<MeshServiceName, () => ServiceSchema[]> = {
    gateway: () => {
      const tokens = createTokenSigner(config.jwtSecret, TOKEN_LIFETIME_SECONDS);
      const audit = new AuditRepository(database);
      const rateLimits = {
        user: createLimiter({ name: 'user', points: config.rateLimitPerUser, windowSeconds: 60 }, limiterStore),
        address: createLimiter({ name: 'address', points: config.rateLimitPerAddress, windowSeconds: 60 }, limiterStore),
      };
      // The resume window is real time, whatever clock the trading runs on.
      const journalOptions = { ...DEFAULT_JOURNAL_OPTIONS, now: systemClock.now };
      const addressThrottle = { ...LOGIN_THROTTLE.address, points: tuning.loginFailuresPerAddress ?? LOGIN_THROTTLE.address.points };
      const throttle = { account: createLimiter(LOGIN_THROTTLE.account, limiterStore), address: createLimiter(addressThrottle, limiterStore) };
      return [
        createGatewayService({
          port: config.port, tokens, clock, version: packageVersion(), webRoot: DEFAULT_WEB_ROOT, trustProxy: config.trustProxy, rateLimits, audit,
          journal: redis ? createRedisJournal(redis, config.redisPrefix, journalOptions) : createMemoryJournal(journalOptions),
          nodeId: () => broker.nodeID,
          readiness,
        }),
        createAuthService({ users: new UserRepository(database), refreshTokens: new RefreshTokenRepository(database), tokens, throttle, clock, newId }),
        createAuditService({ audit, clock }),
      ];
    },
    bots: () => [createBotsService({ bots, history: new HistoryRepository(database), fleet: new FleetRepository(database), trading, marketData, clock, newId, accounts })],
    scheduler: () => [
      createSchedulerService({
        bus, bots, clocks: new MarketClockRepository(database), marketData, clock,
        ...(tuning.schedulerStepMs ? { stepMs: tuning.schedulerStepMs } : {}),
        ...(tuning.schedulerBackfill ? { options: { maxBackfill: tuning.schedulerBackfill } } : {}),
      }),
    ],
    strategy: () => [
      createStrategyService({
        bus, trading, marketData, clock, newId,
        backtests: {
          repository: new BacktestRepository(database),
          pool: config.backtestWorkers > 0 ? new BacktestWorkerPool(config.backtestWorkers) : undefined,
          data: backtestDataContext(config, marketData),
        },
      }),
    ],
    risk: () => [createRiskService({ trading, risk, exchanges, clock })],
    execution: () => [
      createExecutionService({
        bus, trading, risk, exchanges, accounts, clock, newId, reconcileIntervalMs: tuning.reconcileIntervalMs ?? config.reconcileIntervalMs,
        ...(tuning.sweepIntervalMs ? { sweepIntervalMs: tuning.sweepIntervalMs } : {}),
        ...(tuning.sweepAfterMs ? { sweepAfterMs: tuning.sweepAfterMs } : {}),
      }),
    ],
  };

  const broker = new ServiceBroker(brokerOptions({ config, logger, ...(options.nodeID ? { nodeID: options.nodeID } : {}) }));
  for (const name of options.services) for (const schema of factories[name]()) broker.createService(schema);
  if (options.services.some((name) => BUS_WORKERS.includes(name))) broker.createService(createBusService({ bus, clock }));
  let healthServer: { port: number; close(): Promise<void> } | undefined;
  let poolTimer: NodeJS.Timeout | undefined;
  try {
    await broker.start();
    if (config.healthPort !== undefined) {
      healthServer = await startHealthServer({
        port: config.healthPort,
        readiness,
        health: async () => ({ status: 'ok', nodeID: broker.nodeID, services: [...options.services], uptimeSeconds: Math.round(process.uptime()) }),
      });
    }
    if (broker.isMetricsEnabled() && database.kind === 'postgres') poolTimer = watchPool(broker, database);
  } catch (error) {
    await healthServer?.close();
    await broker.stop().catch(() => undefined);
    await bus.close();
    redis?.disconnect();
    await database.close();
    throw error;
  }

  return {
    broker, database, bus, marketData, logger, redis,
    port() {
      const gateway = broker.getLocalService('gateway') as unknown as { server?: { address(): { port: number } | string | null } } | undefined;
      const address = gateway?.server?.address();
      return address && typeof address === 'object' ? address.port : undefined;
    },
    healthPort: () => healthServer?.port,
    readiness,
    async stop() {
      clearInterval(poolTimer);
      await healthServer?.close();
      await broker.stop();
      await bus.close();
      await redis?.quit().catch(() => undefined);
      await database.close();
    },
  };
}

/** Keeps the Postgres pool gauges current (every 5 s). */
function watchPool(broker: ServiceBroker, database: Database): NodeJS.Timeout {
  const connection = database.orm.em.getConnection() as unknown as { getNativeClient(): Promise<{ totalCount: number; idleCount: number; waitingCount: number }> };
  const timer = setInterval(() => {
    connection.getNativeClient().then((pool) => {
      broker.metrics.set(PLATFORM_METRICS.poolConnections, pool.totalCount);
      broker.metrics.set(PLATFORM_METRICS.poolIdle, pool.idleCount);
      broker.metrics.set(PLATFORM_METRICS.poolWaiting, pool.waitingCount);
    }, () => undefined);
  }, 5_000);
  timer.unref();
  return timer;
}
