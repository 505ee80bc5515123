/** Candle timeframes a bot may run on, and arithmetic on candle open times (UTC milliseconds). */

export const TIMEFRAMES = ['1m', '5m', '15m', '1h', '4h', '1d'] as const;
export type Timeframe = (typeof TIMEFRAMES)[number];

const MINUTE = 60_000;
const TIMEFRAME_MS: Readonly<Record<Timeframe, number>> = {
  '1m': MINUTE,
  '5m': 5 * MINUTE,
  '15m': 15 * MINUTE,
  '1h': 60 * MINUTE,
  '4h': 240 * MINUTE,
  '1d': 1440 * MINUTE,
};

export function isTimeframe(value: string): value is Timeframe {
  return (TIMEFRAMES as readonly string[]).includes(value);
}

/** Length of one candle of `timeframe` in milliseconds. */
export function timeframeMs(timeframe: Timeframe): number {
  return TIMEFRAME_MS[timeframe];
}

/** Open time of the candle that contains `time`. */
export function candleOpenTime(time: number, timeframe: Timeframe): number {
  const length = timeframeMs(timeframe);
  return Math.floor(time / length) * length;
}

/** Open time of the most recent candle that has fully closed at `now`. */
export function lastClosedCandleOpenTime(now: number, timeframe: Timeframe): number {
  return candleOpenTime(now, timeframe) - timeframeMs(timeframe);
}

/** Open times from `first` to `last` inclusive, one per candle. */
export function candleOpenTimesBetween(first: number, last: number, timeframe: Timeframe): number[] {
  const length = timeframeMs(timeframe);
  const times: number[] = [];
  for (let time = first; time <= last; time += length) times.push(time);
  return times;
}

/** Start of the UTC day containing `time`, as an ISO date (YYYY-MM-DD). */
export function utcDay(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}
