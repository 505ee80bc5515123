/**
 * Market data shared through this machine's Redis: several replicas (each its own
 * MarketData over its own Redis connection) asking for the same candles at once cause one
 * fetch per market, and what one replica fetched the others read without asking the source.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import t from 'tap';
import type { Candle } from '../../../libs/domain/candle.ts';
import { MarketData } from '../../../libs/market/market-data.ts';
import type { MarketSource } from '../../../libs/market/market-source.ts';
import { sharedCandleSource } from '../../../libs/market/shared-candles.ts';
import { candlesFromCloses, zigZag } from '../../support/builders.ts';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const MINUTE = 60_000;
const START = Date.UTC(2026, 0, 1);
const MARKETS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'];
const REPLICAS = 4;
const at = (index: number) => START + index * MINUTE;

/** The one upstream every replica would otherwise call: counts calls per market; candle 30 is a gap. */
function countingSource(): MarketSource & { fetches: Map<string, number> } {
  const series = new Map(MARKETS.map((market, index) => [market, candlesFromCloses(zigZag(10, 20, 100 + index * 50), START).filter((candle) => candle.openTime !== at(30))]));
  const fetches = new Map(MARKETS.map((market) => [market, 0]));
  return {
    id: 'memory',
    fetches,
    hasMarket: (market) => series.has(market),
    listMarkets: () => MARKETS,
    supportsTimeframe: (market) => series.has(market),
    async candles(market, _timeframe, from, to): Promise<readonly Candle[]> {
      fetches.set(market, (fetches.get(market) ?? 0) + 1);
      // Slow enough that every replica asks while the first fetch is under way.
      await new Promise((resolve) => setTimeout(resolve, 50));
      return (series.get(market) ?? []).filter((candle) => candle.openTime >= from && candle.openTime <= to);
    },
    clock: () => ({ kind: 'accelerated', startTime: START, speed: 60 }),
  };
}

const prefix = `test-${randomBytes(5).toString('hex')}`;
const connections: Redis[] = [];
t.teardown(async () => {
  const cleaner = new Redis(REDIS_URL);
  const keys = await cleaner.keys(`${prefix}:*`);
  if (keys.length > 0) await cleaner.del(...keys);
  await cleaner.quit();
  await Promise.all(connections.map((connection) => connection.quit()));
});

/** A replica's market data: its own Redis connection; `test` keeps each test's keys apart. */
function replica(upstream: MarketSource, test: string): MarketData {
  const redis = new Redis(REDIS_URL);
  connections.push(redis);
  return new MarketData([sharedCandleSource(upstream, redis, { prefix: `${prefix}:${test}` })]);
}

t.test('replicas asking for the same candles at once fetch each market once, gaps included', async (t) => {
  const upstream = countingSource();
  const replicas = Array.from({ length: REPLICAS }, () => replica(upstream, 'burst'));

  // Every replica, 50 bots each, asks for the window of every market at the same moment.
  const answers = await Promise.all(
    replicas.flatMap((marketData) => Array.from({ length: 50 }, (_, bot) => marketData.candles('memory', MARKETS[bot % MARKETS.length]!, '1m', at(10), at(40)))),
  );

  t.same([...upstream.fetches.values()], [1, 1, 1], 'one fetch per market for all replicas and bots');
  t.ok(answers.every((candles) => candles.length === 30), 'everyone got 31 candle times less the gap');
  t.notOk(answers[0]!.some((candle) => candle.openTime === at(30)), 'the gap stays a gap');
  const direct = await upstream.candles(MARKETS[0]!, '1m', at(10), at(40));
  t.same(answers[0], direct, 'the shared candles are the source\'s, to the last digit');
});

t.test('a replica that starts later reads what the others fetched, and asks the source only for what is new', async (t) => {
  const upstream = countingSource();
  await replica(upstream, 'late').candles('memory', 'BTC/USDT', '1m', at(0), at(20));
  t.equal(upstream.fetches.get('BTC/USDT'), 1);

  const late = replica(upstream, 'late');
  t.equal((await late.candles('memory', 'BTC/USDT', '1m', at(5), at(20))).length, 16, 'candles 5 to 20 from Redis');
  t.equal(upstream.fetches.get('BTC/USDT'), 1, 'without a fetch');
  await late.candles('memory', 'BTC/USDT', '1m', at(15), at(25));
  t.equal(upstream.fetches.get('BTC/USDT'), 2, 'the new candles 21 to 25 in one more fetch');
});
