/**
 * Building larger candles from smaller ones, the one rule every source shares so that a
 * 5-minute candle always agrees with its 1-minute candles: open of the first, close of the
 * last, highest high, lowest low, summed volume.
 */
import type { Candle } from '../domain/candle.ts';
import { candleOpenTime, timeframeMs, type Timeframe } from '../domain/timeframe.ts';

/** Whether candles of `larger` can be built exactly from candles of `smaller`. */
export function isAggregatable(smaller: Timeframe, larger: Timeframe): boolean {
  return timeframeMs(larger) >= timeframeMs(smaller) && timeframeMs(larger) % timeframeMs(smaller) === 0;
}

/**
 * Candles of `timeframe` from `candles` (oldest first, each inside one bucket of the
 * larger grid). A bucket holding no candle yields nothing: gaps stay gaps, and a bucket
 * holding only some of its candles is built from those it has.
 */
export function aggregateCandles(candles: readonly Candle[], timeframe: Timeframe): Candle[] {
  const result: Candle[] = [];
  let bucket = Number.NaN;
  let open = 0;
  let high = 0;
  let low = 0;
  let close = 0;
  let volume = 0;
  for (const candle of candles) {
    const time = candleOpenTime(candle.openTime, timeframe);
    if (time !== bucket) {
      if (!Number.isNaN(bucket)) result.push({ openTime: bucket, open, high, low, close, volume });
      bucket = time;
      open = candle.open;
      high = candle.high;
      low = candle.low;
      volume = 0;
    }
    if (candle.high > high) high = candle.high;
    if (candle.low < low) low = candle.low;
    close = candle.close;
    volume += candle.volume;
  }
  if (!Number.isNaN(bucket)) result.push({ openTime: bucket, open, high, low, close, volume });
  return result;
}
