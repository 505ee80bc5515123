import t from 'tap';
import type { Candle } from '../../../libs/domain/candle.ts';
import { CandleRepository } from '../../../libs/db/candle.repository.ts';
import { migrateDatabase, openDatabase } from '../../../libs/db/database.ts';
import { CandleNotPublishedError, createCcxtMarket, UnknownCcxtExchangeError, type CandleStore } from '../../../libs/market/ccxt-market.ts';
import { TestClock } from '../../../libs/platform/clock.ts';
import { createLogger } from '../../../libs/platform/logger.ts';
import { candlesFromCloses, zigZag } from '../../support/builders.ts';
import { startKlinesServer } from '../../support/klines-server.ts';
import { createTestDatabase } from '../../support/postgres.ts';
import { createTradingFixture } from '../../support/trading-fixture.ts';

const MINUTE = 60_000;
const START = Date.UTC(2026, 2, 1);
const GAP = 1_234;
const all = candlesFromCloses(zigZag(50, 50, 100, 0.5), START).map((candle, index) => ({ ...candle, high: candle.close + 0.1 + (index % 3) / 10, low: candle.close - 0.2 }));
const served = all.filter((_, index) => index !== GAP);
const at = (index: number) => START + index * MINUTE;

const server = await startKlinesServer({ ETHBTC: { base: 'ETH', quote: 'BTC', candles: { '1m': served } } });
t.teardown(() => server.close());
const postgres = await createTestDatabase('ccxt');
const database = await openDatabase({ databaseUrl: postgres.url, dataDir: '.', poolSize: 2, logger: createLogger({ level: 'warn', pretty: false }) });
await migrateDatabase(database);
t.teardown(async () => { await database.close(); await postgres.drop(); });
const store = new CandleRepository(database);

function binance(options: { clock: TestClock; store?: CandleStore; rateLimit?: number; fetchLimit?: number }) {
  return createCcxtMarket({
    exchangeId: 'binance', store: options.store ?? store, clock: options.clock, apiUrls: { public: server.apiUrl },
    exchangeOptions: { rateLimit: options.rateLimit ?? 1 }, ...(options.fetchLimit ? { fetchLimit: options.fetchLimit } : {}),
  });
}

async function storedRows(): Promise<{ candles: number; gaps: number }> {
  const [row] = await database.em().getConnection().execute<{ candles: string; gaps: string }[]>(
    `select count(*) filter (where close is not null) as candles, count(*) filter (where close is null) as gaps from candles where source = 'ccxt:binance'`);
  return { candles: Number(row?.candles), gaps: Number(row?.gaps) };
}

t.test("ccxt's binance class, pointed at the loopback server, serves its markets and candles; history is fetched once", async (t) => {
  const clock = new TestClock(at(all.length) + 10 * MINUTE);
  const source = await binance({ clock });
  t.equal(source.id, 'ccxt:binance');
  t.ok(source.hasMarket('ETH/BTC') && source.hasMarket('DOGE/USDT'), 'before the market list is loaded any well-formed market may be asked for');
  await source.prepare();
  t.same(source.listMarkets(), ['ETH/BTC']);
  t.notOk(source.hasMarket('DOGE/USDT'), 'once loaded, only the exchange markets');
  t.same(source.clock('ETH/BTC'), { kind: 'wall' });

  const requestsBefore = server.klineRequests().length;
  const candles = await source.candles('ETH/BTC', '1m', at(0), at(2_499));
  t.equal(candles.length, 2_499, 'every candle but the one the exchange does not have');
  t.same(candles.slice(GAP - 1, GAP + 1).map((candle) => (candle.openTime - START) / MINUTE), [GAP - 1, GAP + 1], 'the gap stays a gap');
  t.same(candles[10], all[10], 'prices as the exchange sent them');
  t.equal(server.klineRequests().length - requestsBefore, 3, 'three requests of 1000 candles');
  t.same(await storedRows(), { candles: 2_499, gaps: 1 }, 'candles and the known gap kept in Postgres');

  const again = await source.candles('ETH/BTC', '1m', at(0), at(2_499));
  const restarted = await binance({ clock });
  const afterRestart = await restarted.candles('ETH/BTC', '1m', at(100), at(2_000));
  t.same(again, candles);
  t.same(afterRestart, candles.filter((candle) => candle.openTime >= at(100) && candle.openTime <= at(2_000)));
  t.equal(server.klineRequests().length - requestsBefore, 3, 'asked again, by the same or a new process: nothing fetched');

  const extended = await source.candles('ETH/BTC', '1m', at(2_400), at(2_505));
  t.equal(extended.length, 100, 'the exchange has nothing after its last candle');
  t.equal(server.klineRequests().length - requestsBefore, 4, 'only the part not yet held is fetched');
  t.same(server.klineRequests().at(-1)?.query['startTime'], String(at(2_500)));
  t.same(await storedRows(), { candles: 2_499, gaps: 7 }, 'candles long closed that the exchange does not have are known gaps');
});

/** A candle store in memory, for a test that must start with none stored. */
function memoryStore(): CandleStore & { saved: Map<number, Candle | null> } {
  const saved = new Map<number, Candle | null>();
  return {
    saved,
    async stored(_source, _market, _timeframe, from, to) {
      return new Map([...saved].filter(([time]) => time >= from && time <= to));
    },
    async save(_source, _market, _timeframe, candles, gaps) {
      for (const candle of candles) saved.set(candle.openTime, candle);
      for (const gap of gaps) saved.set(gap, null);
    },
  };
}

t.test('a candle that just closed but is not published yet is retried, and counted as a gap once late enough', async (t) => {
  const lastServed = served.at(-1)!.openTime;
  const clock = new TestClock(lastServed + 2 * MINUTE + 1_000);
  const memory = memoryStore();
  const source = await binance({ clock, store: memory });
  await t.rejects(source.candles('ETH/BTC', '1m', lastServed - MINUTE, lastServed + MINUTE), CandleNotPublishedError);
  clock.advance(10_000);
  const candles = await source.candles('ETH/BTC', '1m', lastServed - MINUTE, lastServed + MINUTE);
  t.same(candles.map((candle) => candle.openTime), [lastServed - MINUTE, lastServed]);
  t.equal(memory.saved.get(lastServed + MINUTE), null, 'the late candle is now a known gap');
  t.same(await source.candles('ETH/BTC', '1m', lastServed + 5 * MINUTE, lastServed + 6 * MINUTE), [], 'candles not closed yet are never asked for');
});

t.test("ccxt's rate limiter spaces the requests of one source", async (t) => {
  const separate = await createTestDatabase('ccxt_rate');
  const separateDatabase = await openDatabase({ databaseUrl: separate.url, dataDir: '.', poolSize: 2, logger: createLogger({ level: 'warn', pretty: false }) });
  t.teardown(async () => { await separateDatabase.close(); await separate.drop(); });
  await migrateDatabase(separateDatabase);
  const source = await binance({ clock: new TestClock(at(all.length) + 10 * MINUTE), store: new CandleRepository(separateDatabase), rateLimit: 500, fetchLimit: 100 });
  const before = server.klineRequests().length;
  await source.candles('ETH/BTC', '1m', at(0), at(499));
  const requests = server.klineRequests().slice(before);
  t.equal(requests.length, 5);
  const spacing = requests.slice(1).map((request, index) => request.at - requests[index]!.at);
  // ccxt weighs a Binance klines request of 100 candles at 0.4 of the rate-limit unit: 200 ms apart at 500 ms.
  t.ok(spacing.every((milliseconds) => milliseconds >= 190), `requests at least the weighted rate limit apart: ${spacing.map(Math.round).join(', ')} ms`);
});

t.test('an exchange ccxt does not know is refused by name', async (t) => {
  await t.rejects(createCcxtMarket({ exchangeId: 'nasdaq', store, clock: new TestClock(0) }), UnknownCcxtExchangeError);
});

t.test("a bot on a ccxt market decides on the exchange's candles and records the exchange's gap in its decision log", async (t) => {
  const clock = new TestClock(at(all.length) + 10 * MINUTE);
  const fixture = await createTradingFixture([], { sources: async (own) => [await binance({ clock, store: new CandleRepository(own) })] });
  t.teardown(() => fixture.close());
  const botId = await fixture.createRunningBot({ marketSource: 'ccxt:binance', market: 'ETH/BTC' });
  for (let index = GAP - 3; index <= GAP + 3; index += 1) await fixture.tick(botId, at(index));
  const decisions = [...(await fixture.history.decisions(botId, { limit: 10 }, (row) => row)).items].reverse();
  t.same(decisions.map((row) => row.outcome === 'no-data'), [false, false, false, true, false, false, false]);
  t.match(decisions[3]?.reason, /no candle in the market data for this time \(a gap\)/);
  t.equal(Number(decisions[4]?.price), all[GAP + 1]!.close, "decides on the next candle at the exchange's close");
});
