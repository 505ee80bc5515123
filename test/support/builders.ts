/** Small builders for tests: candle series, in-memory market sources, bot configurations. */
import type { Candle } from '../../libs/domain/candle.ts';
import { timeframeMs, type Timeframe } from '../../libs/domain/timeframe.ts';
import type { BotConfiguration } from '../../libs/db/bot.repository.ts';
import type { MarketSource } from '../../libs/market/market-source.ts';
import { DEFAULT_RISK } from '../../libs/risk/risk-settings.ts';

/** Candles at consecutive open times from `start`, one per close price. */
export function candlesFromCloses(closes: readonly number[], start: number, timeframe: Timeframe = '1m'): Candle[] {
  const step = timeframeMs(timeframe);
  return closes.map((close, index) => ({ openTime: start + index * step, open: close, high: close, low: close, close, volume: 1 }));
}

/** A zig-zag of closes: `legs` legs of `legLength` candles alternately up and down, which makes EMA crosses. */
export function zigZag(legs: number, legLength: number, base = 100, slope = 1): number[] {
  const closes: number[] = [];
  let price = base;
  for (let leg = 0; leg < legs; leg += 1) {
    for (let index = 0; index < legLength; index += 1) {
      price += leg % 2 === 0 ? slope : -slope;
      closes.push(price);
    }
  }
  return closes;
}

/** A market source over fixed candles, counting fetches. */
export function memorySource(id: string, symbol: string, timeframe: Timeframe, candles: readonly Candle[]): MarketSource & { fetches: number } {
  const source = {
    id,
    fetches: 0,
    hasMarket: (wanted: string) => wanted === symbol,
    listMarkets: () => [symbol],
    supportsTimeframe: (wanted: string, tf: Timeframe) => wanted === symbol && tf === timeframe,
    async candles(_symbol: string, _tf: Timeframe, from: number, to: number) {
      source.fetches += 1;
      return candles.filter((candle) => candle.openTime >= from && candle.openTime <= to);
    },
    clock: () => ({ kind: 'accelerated' as const, startTime: candles[0]?.openTime ?? 0, speed: 60 }),
  };
  return source;
}

export function botConfiguration(overrides: Partial<BotConfiguration> = {}): BotConfiguration {
  return {
    name: 'test bot',
    exchange: 'paper',
    marketSource: 'memory',
    market: 'ETH/BTC',
    timeframe: '1m',
    strategyName: 'ema-cross',
    strategyParams: { fast: 3, slow: 6 },
    risk: { ...DEFAULT_RISK, stopLossPercent: null, takeProfitPercent: null },
    initialBalance: '1000',
    exchangeAccountId: null,
    stopPolicy: 'cancel-orders',
    ...overrides,
  };
}
