/**
 * The trading core on a real database without the service mesh: repositories over a fresh
 * PGlite folder (or a Postgres URL), market data over given candles, and ports wired the
 * way the services wire them.
 */
import { randomUUID } from 'node:crypto';
import type { Candle } from '../../libs/domain/candle.ts';
import { Decimal } from '../../libs/domain/decimal.ts';
import { mayEnter } from '../../libs/domain/bot-lifecycle.ts';
import { BotRepository, type BotConfiguration } from '../../libs/db/bot.repository.ts';
import { migrateDatabase, openDatabase, type Database } from '../../libs/db/database.ts';
import { HistoryRepository } from '../../libs/db/history.repository.ts';
import { TradingRepository } from '../../libs/db/trading.repository.ts';
import { UserRepository } from '../../libs/db/user.repository.ts';
import { createExchangeRegistry } from '../../libs/exchange/exchange-registry.ts';
import { MarketData } from '../../libs/market/market-data.ts';
import type { MarketSource } from '../../libs/market/market-source.ts';
import { createLogger } from '../../libs/platform/logger.ts';
import { approveIntent } from '../../libs/risk/pre-trade-check.ts';
import { riskSettingsFromRecord } from '../../libs/risk/risk-settings.ts';
import { processOrder } from '../../libs/trading/order-processor.ts';
import { processTick, type TickOptions, type TickPorts } from '../../libs/trading/tick-processor.ts';
import { botConfiguration, memorySource } from './builders.ts';
import { temporaryDataDir } from './platform.ts';

export interface TradingFixture {
  readonly database: Database;
  readonly bots: BotRepository;
  readonly trading: TradingRepository;
  readonly history: HistoryRepository;
  readonly marketData: MarketData;
  readonly published: { botId: string; orderId: string }[];
  readonly failures: { botId: string; reason: string }[];
  createRunningBot(overrides?: Partial<BotConfiguration>): Promise<string>;
  tick(botId: string, candleTime: number, overrides?: Partial<TickPorts>, options?: TickOptions): ReturnType<typeof processTick>;
  placeOrder(orderId: string): ReturnType<typeof processOrder>;
  close(): Promise<void>;
}

export interface TradingFixtureOptions {
  readonly databaseUrl?: string;
  /** Market sources instead of the in-memory "memory" source over `candles` (built once the database is open). */
  readonly sources?: (database: Database) => Promise<MarketSource[]>;
}

export async function createTradingFixture(candles: readonly Candle[], options: TradingFixtureOptions = {}): Promise<TradingFixture> {
  const folder = temporaryDataDir();
  const logger = createLogger({ level: 'warn', pretty: false });
  const database = await openDatabase({ databaseUrl: options.databaseUrl, dataDir: folder.path, poolSize: 4, logger });
  await migrateDatabase(database);
  const users = new UserRepository(database);
  const userId = randomUUID();
  await users.create({ id: userId, email: `${userId}@example.com`, passwordHash: 'x', role: 'user', createdAt: new Date() });
  const bots = new BotRepository(database);
  const trading = new TradingRepository(database);
  const history = new HistoryRepository(database);
  const marketData = new MarketData(options.sources ? await options.sources(database) : [memorySource('memory', 'ETH/BTC', '1m', candles)]);
  const exchanges = createExchangeRegistry();
  const published: { botId: string; orderId: string }[] = [];
  const failures: { botId: string; reason: string }[] = [];

  const ports = (): TickPorts => ({
    loadContext: (botId) => trading.loadContext(botId),
    recordCandles: (...args) => trading.recordCandles(...args),
    marketData,
    async approve(botId, intent, price) {
      const context = await trading.loadContext(botId);
      if (!context) return { kind: 'denied', reason: 'bot not found' };
      const venue = exchanges.venueFor(context.bot.exchange);
      return approveIntent(intent, riskSettingsFromRecord(context.bot.risk), {
        position: context.position, balances: context.balances, price: new Decimal(price), feeRate: venue.feeRate,
        slippageRate: venue.slippageRate, openOrders: context.openOrders, entriesAllowed: mayEnter(context.bot.status),
      });
    },
    async publishOrder(botId, orderId) {
      published.push({ botId, orderId });
    },
    async failBot(botId, reason) {
      failures.push({ botId, reason });
    },
    working() {},
    now: () => new Date(),
    newId: () => randomUUID(),
  });

  return {
    database, bots, trading, history, marketData, published, failures,
    async createRunningBot(overrides = {}) {
      const id = randomUUID();
      await bots.create(userId, id, botConfiguration(overrides), new Date());
      await bots.applyCommand(userId, id, 'start', new Date());
      return id;
    },
    tick: (botId, candleTime, overrides = {}, options = {}) => processTick(botId, candleTime, { ...ports(), ...overrides }, options),
    placeOrder: (orderId) =>
      processOrder(orderId, {
        findOrder: (id) => trading.findOrder(id),
        exchangeFor: async () => exchanges.venueFor('paper').client,
        applySubmission: (...args) => trading.applySubmission(...args),
        now: () => new Date(),
      }),
    async close() {
      await database.close();
      folder.remove();
    },
  };
}
