import t from 'tap';
import type { Candle } from '../../../libs/domain/candle.ts';
import { Decimal, ZERO } from '../../../libs/domain/decimal.ts';
import { FLAT_POSITION } from '../../../libs/domain/position.ts';
import type { Timeframe } from '../../../libs/domain/timeframe.ts';
import type { TradingContext } from '../../../libs/db/trading.repository.ts';
import { MarketData } from '../../../libs/market/market-data.ts';
import type { MarketSource } from '../../../libs/market/market-source.ts';
import { DEFAULT_RISK } from '../../../libs/risk/risk-settings.ts';
import { processTick, type TickPorts } from '../../../libs/trading/tick-processor.ts';
import { candlesFromCloses, zigZag } from '../../support/builders.ts';

const MINUTE = 60_000;
const START = Date.UTC(2026, 0, 1);
const MARKETS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'];
const BOTS = 1_000;
const at = (index: number) => START + index * MINUTE;

/** One source serving several markets, counting fetches per market. */
function countingSource(): MarketSource & { fetches: Map<string, number> } {
  const series = new Map(MARKETS.map((market, index) => [market, candlesFromCloses(zigZag(20, 20, 100 + index * 50), START)]));
  const fetches = new Map(MARKETS.map((market) => [market, 0]));
  return {
    id: 'memory',
    fetches,
    hasMarket: (market) => series.has(market),
    listMarkets: () => MARKETS,
    supportsTimeframe: (market, timeframe: Timeframe) => series.has(market) && timeframe === '1m',
    async candles(market, _timeframe, from, to): Promise<readonly Candle[]> {
      fetches.set(market, (fetches.get(market) ?? 0) + 1);
      return (series.get(market) ?? []).filter((candle) => candle.openTime >= from && candle.openTime <= to);
    },
    clock: () => ({ kind: 'accelerated', startTime: START, speed: 60 }),
  };
}

/** The tick ports of `bots` running in memory: no database, same tick processing. */
function memoryPorts(marketData: MarketData, bots: { id: string; market: string; params: Record<string, number> }[]): TickPorts {
  const lastCandle = new Map<string, number | null>(bots.map((bot) => [bot.id, null]));
  const byId = new Map(bots.map((bot) => [bot.id, bot]));
  return {
    async loadContext(botId) {
      const bot = byId.get(botId)!;
      const last = lastCandle.get(botId) ?? null;
      return {
        bot: {
          id: bot.id, userId: 'user', name: bot.id, exchange: 'paper', marketSource: 'memory', market: bot.market, timeframe: '1m',
          strategyName: 'ema-cross', strategyParams: bot.params, risk: DEFAULT_RISK, initialBalance: '1000', status: 'running', statusReason: null,
          createdAt: new Date(START), updatedAt: new Date(START),
        },
        state: { lastCandleTime: last === null ? null : new Date(last), resumeFrom: new Date(at(30)) },
        position: FLAT_POSITION,
        balances: { quote: new Decimal(1000), base: ZERO },
        counters: { tradingDay: null, tradesToday: 0, realizedProfitToday: ZERO },
        openOrders: 0,
      } as unknown as TradingContext;
    },
    async recordCandles(botId, _expected, _resumeFrom, records) {
      lastCandle.set(botId, records.at(-1)?.candleTime ?? null);
      return 'recorded';
    },
    marketData,
    approve: async () => ({ kind: 'denied', reason: 'not under test' }),
    publishOrder: async () => undefined,
    failBot: async (botId, reason) => { throw new Error(`${botId} failed: ${reason}`); },
    working: () => undefined,
    now: () => new Date(START),
    newId: () => crypto.randomUUID(),
  };
}

t.test('1,000 bots on 3 markets cause 3 candle fetches per candle, and each distinct indicator is computed once per market and candle', async (t) => {
  const source = countingSource();
  const marketData = new MarketData([source]);
  // Every bot uses EMA 12; half pair it with EMA 26 and half with EMA 40: three distinct EMAs per market.
  const bots = Array.from({ length: BOTS }, (_, index) => ({ id: `bot-${index}`, market: MARKETS[index % MARKETS.length]!, params: index % 2 === 0 ? { fast: 12, slow: 26 } : { fast: 12, slow: 40 } }));
  const ports = memoryPorts(marketData, bots);
  const totalFetches = () => [...source.fetches.values()].reduce((sum, count) => sum + count, 0);

  const warmUp = await Promise.all(bots.map((bot) => processTick(bot.id, at(30), ports)));
  t.ok(warmUp.every((outcome) => outcome.decided === 1), 'every bot decided its first candle');
  t.equal(marketData.stats.indicatorRebuilds, 9, 'three EMA series per market built, not one per bot');
  const warmUpFetches = [...source.fetches.values()];
  t.ok(warmUpFetches.every((count) => count >= 1 && count <= 4), `warming up, per market: the candle, then history the EMAs still lacked, once each, not once per bot (${warmUpFetches.join(', ')})`);

  for (let index = 31; index < 40; index += 1) {
    const fetchesBefore = new Map(source.fetches);
    const updatesBefore = marketData.stats.indicatorUpdates;
    const outcomes = await Promise.all(bots.map((bot) => processTick(bot.id, at(index), ports)));
    t.ok(outcomes.every((outcome) => outcome.decided === 1), `candle ${index}: all ${BOTS} bots decided it`);
    t.same(MARKETS.map((market) => source.fetches.get(market)! - fetchesBefore.get(market)!), [1, 1, 1], `candle ${index}: one fetch per market`);
    t.equal(marketData.stats.indicatorUpdates - updatesBefore, 9, `candle ${index}: 9 indicator updates (3 EMAs x 3 markets) for ${BOTS} bots`);
  }
  t.equal(marketData.stats.indicatorRebuilds, 9, 'no series rebuilt along the way');
  t.equal(totalFetches(), warmUpFetches.reduce((sum, count) => sum + count, 0) + 3 * 9, `${totalFetches()} fetches in all for ${BOTS * 10} decisions`);
});

t.test('two bots with the same EMA period cause one EMA computation', async (t) => {
  const source = countingSource();
  const marketData = new MarketData([source]);
  const specs = { fast: { kind: 'ema', period: 9 } } as const;
  const [first, second] = await Promise.all([
    marketData.readings('memory', 'BTC/USDT', '1m', specs, at(100)),
    marketData.readings('memory', 'BTC/USDT', '1m', { mine: { kind: 'ema', period: 9 } }, at(100)),
  ]);
  t.equal(marketData.stats.indicatorRebuilds, 1, 'one EMA(9) series');
  t.equal(marketData.stats.indicatorUpdates, 91, 'fed its 90 candles of history and the candle once, not twice');
  t.same(first?.['fast'], second?.['mine'], 'both bots read the same values');
  await marketData.readings('memory', 'BTC/USDT', '1m', { other: { kind: 'ema', period: 10 } }, at(100));
  t.equal(marketData.stats.indicatorRebuilds, 2, 'a different period is a different computation');
});
