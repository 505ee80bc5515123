import t from 'tap';
import { EMA } from 'trading-signals';
import type { Candle } from '../../../libs/domain/candle.ts';
import { timeframeMs, type Timeframe } from '../../../libs/domain/timeframe.ts';
import { createSimulatedMarket, DEFAULT_SIMULATED_MARKETS } from '../../../libs/market/simulated-market.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const START = Date.UTC(2026, 0, 1);

function market(seed = 42) {
  return createSimulatedMarket({ seed, startTime: START, speed: 60 });
}

/** `days` of 1-minute candles from START. */
async function minutes(symbol: string, days: number, seed = 42): Promise<readonly Candle[]> {
  return market(seed).candles(symbol, '1m', START, START + days * DAY - MINUTE);
}

/** Reference aggregation, written independently of the library's. */
function aggregate(candles: readonly Candle[], timeframe: Timeframe): Candle[] {
  const groups = new Map<number, Candle[]>();
  for (const candle of candles) {
    const key = Math.floor(candle.openTime / timeframeMs(timeframe)) * timeframeMs(timeframe);
    groups.set(key, [...(groups.get(key) ?? []), candle]);
  }
  return [...groups].map(([openTime, group]) => ({
    openTime,
    open: group[0]!.open,
    high: Math.max(...group.map((candle) => candle.high)),
    low: Math.min(...group.map((candle) => candle.low)),
    close: group.at(-1)!.close,
    volume: group.reduce((sum, candle) => sum + candle.volume, 0),
  }));
}

function logReturns(candles: readonly Candle[]): number[] {
  return candles.slice(1).map((candle, index) => Math.log(candle.close / candles[index]!.close));
}

function standardDeviation(values: readonly number[]): number {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  return Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

/** Indices of candles at which EMA(12) crosses EMA(26), as the ema-cross strategy sees them. */
function crossovers(candles: readonly Candle[]): { index: number; upward: boolean }[] {
  const fast = new EMA(12);
  const slow = new EMA(26);
  const crosses: { index: number; upward: boolean }[] = [];
  let previous: number | undefined;
  candles.forEach((candle, index) => {
    fast.add(candle.close);
    slow.add(candle.close);
    if (!slow.isStable) return;
    const difference = fast.getResultOrThrow() - slow.getResultOrThrow();
    if (previous !== undefined && previous <= 0 && difference > 0) crosses.push({ index, upward: true });
    if (previous !== undefined && previous >= 0 && difference < 0) crosses.push({ index, upward: false });
    previous = difference;
  });
  return crosses;
}

t.test('simulated market: two instances with the same seed give identical candles on every timeframe', async (t) => {
  const first = market();
  const second = market();
  for (const timeframe of ['1m', '5m', '1h', '1d'] as const) {
    const to = START + 3 * DAY - timeframeMs(timeframe);
    t.same(await second.candles('BTC/USDT', timeframe, START, to), await first.candles('BTC/USDT', timeframe, START, to), timeframe);
  }
});

t.test('simulated market: the order and size of requests do not change a candle', async (t) => {
  const bulk = await market().candles('ETH/USDT', '1m', START, START + 2 * DAY);
  const pieces = market();
  await pieces.candles('SOL/USDT', '1m', START, START + DAY);
  const late = await pieces.candles('ETH/USDT', '1m', START + DAY + 17 * MINUTE, START + 2 * DAY);
  const single = await pieces.candles('ETH/USDT', '1m', START + 333 * MINUTE, START + 333 * MINUTE);
  const early = await pieces.candles('ETH/USDT', '1m', START, START + DAY + 16 * MINUTE);
  t.same([...early, ...late], bulk);
  t.same(single, [bulk[333]]);
});

t.test('simulated market: a different seed gives different candles', async (t) => {
  const one = await minutes('BTC/USDT', 1, 1);
  const other = await minutes('BTC/USDT', 1, 2);
  t.not(one[0]!.close, other[0]!.close);
  t.ok(one.filter((candle, index) => candle.close === other[index]!.close).length < 10, 'closes hardly ever coincide');
});

t.test('simulated market: any well-formed market is served at its own price level', async (t) => {
  const source = market();
  for (const symbol of ['ZZZ9/QQQ', 'A/B', 'PEPE/USDT']) {
    t.ok(source.hasMarket(symbol), `${symbol} is served`);
    t.ok(source.supportsTimeframe(symbol, '15m'), `${symbol} has 15m candles`);
    const candles = await source.candles(symbol, '1m', START, START + HOUR - MINUTE);
    t.equal(candles.length, 60, `${symbol} has an hour of candles`);
  }
  const [btc] = await source.candles('BTC/USDT', '1m', START, START);
  const [ethBtc] = await source.candles('ETH/BTC', '1m', START, START);
  const [doge] = await source.candles('DOGE/USDT', '1m', START, START);
  t.ok(btc!.close > 20_000 && btc!.close < 200_000, `BTC/USDT at ${btc!.close}`);
  t.ok(ethBtc!.close > 0.01 && ethBtc!.close < 0.2, `ETH/BTC at ${ethBtc!.close}`);
  t.ok(doge!.close > 0.01 && doge!.close < 1, `DOGE/USDT at ${doge!.close}`);
  const [zzz] = await source.candles('ZZZ9/QQQ', '1m', START, START);
  const [yyy] = await source.candles('YYY9/QQQ', '1m', START, START);
  t.not(zzz!.close, yyy!.close, 'unknown markets get levels of their own');
});

t.test('simulated market: a malformed market is refused with a clear error', async (t) => {
  const source = market();
  for (const symbol of ['btc/usdt', 'BTC-USDT', 'BTC/', 'BTC/USDT/X', 'BTC/BTC', 'TOOLONGCURRENCY/USDT']) {
    t.notOk(source.hasMarket(symbol), `${symbol} is not served`);
    t.notOk(source.supportsTimeframe(symbol, '1m'), `${symbol} has no timeframes`);
    await t.rejects(source.candles(symbol, '1m', START, START), { name: 'RangeError', message: /market/ }, symbol);
  }
  await t.rejects(source.candles('btc/usdt', '1m', START, START), { message: /BASE\/QUOTE.*"btc\/usdt"/ });
  await t.rejects(source.candles('BTC/BTC', '1m', START, START), { message: /against itself/ });
  await t.rejects(source.candles('BTC/USDT', '2m' as Timeframe, START, START), { message: /timeframe must be one of/ });
});

t.test('simulated market: options are checked and the clock is accelerated from the start time', async (t) => {
  const source = createSimulatedMarket({ seed: 7, startTime: START, speed: 120 });
  t.same(source.clock('BTC/USDT'), { kind: 'accelerated', startTime: START, speed: 120 });
  t.equal(source.id, 'simulated');
  t.same(source.listMarkets(), DEFAULT_SIMULATED_MARKETS);
  t.ok(source.listMarkets().includes('BTC/USDT') && source.listMarkets().includes('ETH/BTC'));
  t.same(createSimulatedMarket({ seed: 7, startTime: START, speed: 1, symbols: ['AAA/BBB'] }).listMarkets(), ['AAA/BBB']);
  t.throws(() => createSimulatedMarket({ seed: 7, startTime: START, speed: 1, symbols: ['aaa'] }), /simulated market list/);
  t.throws(() => createSimulatedMarket({ seed: 1.5, startTime: START, speed: 1 }), /seed/);
  t.throws(() => createSimulatedMarket({ seed: 1, startTime: START, speed: 0 }), /speed/);
});

t.test('simulated market: candles lie on the timeframe grid inside [from, to]', async (t) => {
  const source = market();
  const from = START + 7 * MINUTE + 1;
  const to = START + 2 * HOUR + 3 * MINUTE;
  const candles = await source.candles('BTC/USDT', '15m', from, to);
  t.same(candles.map((candle) => candle.openTime), [1, 2, 3, 4, 5, 6, 7, 8].map((quarter) => START + quarter * 15 * MINUTE));
  t.same(await source.candles('BTC/USDT', '1h', START + 1, START + HOUR - 1), [], 'no grid point inside the range');
  t.same(await source.candles('BTC/USDT', '1m', START + HOUR, START), [], 'from after to');
  await t.rejects(source.candles('BTC/USDT', '1m', 0, 30 * 365 * DAY), /at most/);
});

t.test('simulated market: 5m, 15m, 1h, 4h and 1d candles are the aggregates of their 1m candles', async (t) => {
  const source = market();
  const from = START + 3 * DAY;
  const oneMinute = await source.candles('SOL/USDT', '1m', from, from + 2 * DAY - MINUTE);
  for (const timeframe of ['5m', '15m', '1h', '4h', '1d'] as const) {
    const larger = await source.candles('SOL/USDT', timeframe, from, from + 2 * DAY - MINUTE);
    t.equal(larger.length, (2 * DAY) / timeframeMs(timeframe), `${timeframe} count`);
    t.same(larger, aggregate(oneMinute, timeframe), timeframe);
  }
});

t.test('simulated market: every candle over 60 days keeps low <= open, close <= high and positive prices', async (t) => {
  for (const symbol of ['BTC/USDT', 'ETH/BTC', 'USDC/USDT']) {
    const candles = await minutes(symbol, 60);
    t.equal(candles.length, 60 * 1_440);
    const broken = candles.find(
      (candle) =>
        !(candle.low > 0) ||
        candle.high < Math.max(candle.open, candle.close) ||
        candle.low > Math.min(candle.open, candle.close) ||
        !(candle.volume >= 0) ||
        ![candle.open, candle.high, candle.low, candle.close, candle.volume].every(Number.isFinite),
    );
    t.equal(broken, undefined, `${symbol}: no candle breaks the invariants`);
    t.ok(candles.every((candle, index) => candle.openTime === START + index * MINUTE), `${symbol}: one candle per minute, no holes`);
  }
});

t.test('simulated market: prices jump now and then between one close and the next open', async (t) => {
  const candles = await minutes('BTC/USDT', 30);
  const typicalMove = median(candles.map((candle) => Math.abs(Math.log(candle.close / candle.open))));
  const gaps = candles.slice(1).map((candle, index) => Math.abs(Math.log(candle.open / candles[index]!.close)));
  const jumps = gaps.filter((gap) => gap > 5 * typicalMove).length;
  const largeJumps = gaps.filter((gap) => gap > 20 * typicalMove).length;
  t.ok(jumps >= 30, `${jumps} jumps over 5x the typical 1-minute move in 30 days`);
  t.ok(largeJumps >= 1, `${largeJumps} jumps over 20x the typical move`);
  t.ok(jumps < gaps.length / 100, 'jumps are occasional (under 1% of candles)');
  t.ok(gaps.filter((gap) => gap === 0).length > 0.95 * gaps.length, 'most candles open at the previous close');
});

t.test('simulated market: volatility changes between calm and wild days', async (t) => {
  for (const symbol of ['BTC/USDT', 'ETH/BTC']) {
    const returns = logReturns(await minutes(symbol, 30));
    const daily = Array.from({ length: 30 }, (_, day) => standardDeviation(returns.slice(day * 1_440, (day + 1) * 1_440)));
    const ratio = Math.max(...daily) / Math.min(...daily);
    t.ok(ratio > 2, `${symbol}: wildest day's 1m volatility is ${ratio.toFixed(2)}x the calmest day's`);
  }
});

t.test('simulated market: moves revert over minutes and trend over hours', async (t) => {
  for (const symbol of ['BTC/USDT', 'SOL/USDT']) {
    const closes = (await minutes(symbol, 60)).map((candle) => candle.close);
    const variance = (lag: number) => {
      const moves: number[] = [];
      for (let index = lag; index < closes.length; index += lag) moves.push(Math.log(closes[index]! / closes[index - lag]!));
      return moves.reduce((sum, move) => sum + move * move, 0) / moves.length;
    };
    // A random walk gives ratios of 1; below 1 means reversion, above 1 means trends.
    const minutesToQuarter = variance(15) / (15 * variance(1));
    const quarterToFourHours = variance(240) / (16 * variance(15));
    t.ok(minutesToQuarter < 0.8, `${symbol}: 15-minute variance is ${minutesToQuarter.toFixed(2)} of 15 one-minute variances`);
    t.ok(quarterToFourHours > 1, `${symbol}: 4-hour variance is ${quarterToFourHours.toFixed(2)} of 16 fifteen-minute variances`);
  }
});

t.test('simulated market: EMA 12/26 cross several times an hour, so a demo bot trades within two minutes at speed 60', async (t) => {
  for (const symbol of ['BTC/USDT', 'ETH/BTC', 'ZZZ9/QQQ']) {
    const candles = await minutes(symbol, 10);
    const crosses = crossovers(candles);
    const perHour = crosses.length / (candles.length / 60);
    t.ok(perHour >= 2 && perHour <= 6, `${symbol}: ${perHour.toFixed(2)} crossovers an hour`);
    // A bot started at a random minute buys at the next upward cross; at speed 60 one candle is one second.
    const upward = crosses.filter((cross) => cross.upward).map((cross) => cross.index);
    const waits = Array.from({ length: 100 }, (_, trial) => {
      const startIndex = 100 + trial * 137;
      return (upward.find((index) => index > startIndex) ?? Number.POSITIVE_INFINITY) - startIndex;
    });
    const within = waits.filter((wait) => wait <= 120).length;
    t.ok(within >= 80, `${symbol}: ${within} of 100 bots see an upward cross within 120 candles (median ${median(waits)})`);
  }
});
