/**
 * Market data done once: candles are fetched once per (source, market, timeframe, candle)
 * and indicator values computed once per (source, market, timeframe, indicator, candle),
 * then shared by every bot that asks (DESIGN.md §5). Each indicator series is computed
 * incrementally; a series that is cold, or asked about a candle far from where it stands,
 * is rebuilt from a window of history long enough for its value to be trusted.
 */
import type { Candle } from '../domain/candle.ts';
import { timeframeMs, type Timeframe } from '../domain/timeframe.ts';
import { createIndicator, historyNeeded, indicatorKey, type IndicatorCalculator, type IndicatorReading, type IndicatorSpec, type IndicatorValue } from '../strategies/indicators.ts';
import type { MarketSource } from './market-source.ts';

/** Counters that show the sharing works (tests and metrics read them). */
export interface MarketDataStats {
  /** Calls to a source for candles. */
  candleFetches: number;
  /** Candles fed to indicator calculators. */
  indicatorUpdates: number;
  /** Series rebuilt from a window of history. */
  indicatorRebuilds: number;
}

export class UnknownMarketError extends Error {
  constructor(source: string, symbol: string) {
    super(`market ${symbol} is not available on source ${source}`);
    this.name = 'UnknownMarketError';
  }
}

/** Candles kept per (source, market, timeframe) in memory. */
const CANDLES_KEPT = 4_000;
/** Indicator values kept per series. */
const VALUES_KEPT = 2_000;
/** How far ahead of where it stands a series is advanced incrementally instead of rebuilt. */
const MAX_INCREMENTAL_CANDLES = 500;

interface CandleSeries {
  /** Open time -> candle, for times fetched (absent key: never fetched). */
  readonly candles: Map<number, Candle | null>;
  /** Serializes fetches so concurrent asks for one candle cause one fetch. */
  pending: Promise<unknown>;
}

interface IndicatorSeries {
  readonly spec: IndicatorSpec;
  calculator: IndicatorCalculator;
  /** Open time of the last candle fed, or undefined when cold. */
  lastTime: number | undefined;
  /** Values by candle open time (undefined while warming up); only candles present in the data. */
  readonly values: Map<number, IndicatorValue | undefined>;
  /** Candle open times fed, ascending, for finding the previous value across gaps. */
  readonly times: number[];
  pending: Promise<unknown>;
}

function chain<T>(holder: { pending: Promise<unknown> }, work: () => Promise<T>): Promise<T> {
  const next = holder.pending.then(work, work);
  holder.pending = next.catch(() => undefined);
  return next;
}

function trimOldest<K, V>(map: Map<K, V>, keep: number): void {
  if (map.size <= keep) return;
  let excess = map.size - keep;
  for (const key of map.keys()) {
    if (excess-- <= 0) break;
    map.delete(key);
  }
}

/** True when `time` lies inside what the series has seen but no candle opened then. */
function isGapInside(series: IndicatorSeries, time: number): boolean {
  const first = series.times[0];
  return first !== undefined && series.lastTime !== undefined && time >= first && time <= series.lastTime;
}

export class MarketData {
  readonly #sources: ReadonlyMap<string, MarketSource>;
  readonly #candleSeries = new Map<string, CandleSeries>();
  readonly #indicatorSeries = new Map<string, IndicatorSeries>();
  readonly stats: MarketDataStats = { candleFetches: 0, indicatorUpdates: 0, indicatorRebuilds: 0 };

  constructor(sources: Iterable<MarketSource>) {
    this.#sources = new Map([...sources].map((source) => [source.id, source]));
  }

  source(id: string): MarketSource | undefined {
    return this.#sources.get(id);
  }

  sources(): readonly MarketSource[] {
    return [...this.#sources.values()];
  }

  #requireSource(sourceId: string, symbol: string): MarketSource {
    const source = this.#sources.get(sourceId);
    if (!source || !source.hasMarket(symbol)) throw new UnknownMarketError(sourceId, symbol);
    return source;
  }

  /**
   * Candles with open time in [from, to], oldest first, fetching from the source only the
   * part not already held. Gaps in the data are absent from the result.
   */
  async candles(sourceId: string, symbol: string, timeframe: Timeframe, from: number, to: number): Promise<Candle[]> {
    const source = this.#requireSource(sourceId, symbol);
    const key = `${sourceId}|${symbol}|${timeframe}`;
    let series = this.#candleSeries.get(key);
    if (!series) {
      series = { candles: new Map(), pending: Promise.resolve() };
      this.#candleSeries.set(key, series);
    }
    const held = series;
    const step = timeframeMs(timeframe);
    return chain(held, async () => {
      let missingFrom: number | undefined;
      let missingTo: number | undefined;
      for (let time = from; time <= to; time += step) {
        if (!held.candles.has(time)) {
          missingFrom ??= time;
          missingTo = time;
        }
      }
      if (missingFrom !== undefined && missingTo !== undefined) {
        this.stats.candleFetches += 1;
        const fetched = await source.candles(symbol, timeframe, missingFrom, missingTo);
        const byTime = new Map(fetched.map((candle) => [candle.openTime, candle]));
        for (let time = missingFrom; time <= missingTo; time += step) {
          if (!held.candles.has(time)) held.candles.set(time, byTime.get(time) ?? null);
        }
        trimOldest(held.candles, CANDLES_KEPT);
      }
      const result: Candle[] = [];
      for (let time = from; time <= to; time += step) {
        const candle = held.candles.get(time);
        if (candle) result.push(candle);
      }
      return result;
    });
  }

  /** The candle that opened at `openTime`, or undefined when the data has a gap there. */
  async candleAt(sourceId: string, symbol: string, timeframe: Timeframe, openTime: number): Promise<Candle | undefined> {
    const [candle] = await this.candles(sourceId, symbol, timeframe, openTime, openTime);
    return candle;
  }

  /**
   * Readings (value at the candle and at the candle before it in the data) of each named
   * indicator at `candleTime`.
   */
  async readings(
    sourceId: string,
    symbol: string,
    timeframe: Timeframe,
    specs: Readonly<Record<string, IndicatorSpec>>,
    candleTime: number,
  ): Promise<Record<string, IndicatorReading<IndicatorValue>>> {
    const entries = await Promise.all(
      Object.entries(specs).map(async ([name, spec]) => [name, await this.#reading(sourceId, symbol, timeframe, spec, candleTime)] as const),
    );
    return Object.fromEntries(entries);
  }

  async #reading(sourceId: string, symbol: string, timeframe: Timeframe, spec: IndicatorSpec, candleTime: number): Promise<IndicatorReading<IndicatorValue>> {
    const key = `${sourceId}|${symbol}|${timeframe}|${indicatorKey(spec)}`;
    let series = this.#indicatorSeries.get(key);
    if (!series) {
      series = { spec, calculator: createIndicator(spec), lastTime: undefined, values: new Map(), times: [], pending: Promise.resolve() };
      this.#indicatorSeries.set(key, series);
    }
    const held = series;
    return chain(held, async () => {
      if (!held.values.has(candleTime) && !isGapInside(held, candleTime)) await this.#advance(held, sourceId, symbol, timeframe, candleTime);
      const index = held.times.lastIndexOf(candleTime);
      const previousTime = index > 0 ? held.times[index - 1] : undefined;
      return {
        current: held.values.get(candleTime),
        previous: previousTime === undefined ? undefined : held.values.get(previousTime),
      };
    });
  }

  async #advance(series: IndicatorSeries, sourceId: string, symbol: string, timeframe: Timeframe, candleTime: number): Promise<void> {
    const step = timeframeMs(timeframe);
    const incremental = series.lastTime !== undefined && candleTime > series.lastTime && candleTime - series.lastTime <= MAX_INCREMENTAL_CANDLES * step;
    if (!incremental) {
      this.stats.indicatorRebuilds += 1;
      series.calculator = createIndicator(series.spec);
      series.lastTime = undefined;
      series.values.clear();
      series.times.length = 0;
    }
    const from = series.lastTime === undefined ? candleTime - historyNeeded(series.spec) * step : series.lastTime + step;
    const candles = await this.candles(sourceId, symbol, timeframe, from, candleTime);
    for (const candle of candles) {
      series.values.set(candle.openTime, series.calculator.next(candle.close));
      series.times.push(candle.openTime);
      series.lastTime = candle.openTime;
      this.stats.indicatorUpdates += 1;
    }
    if (series.times.length > VALUES_KEPT) {
      for (const time of series.times.splice(0, series.times.length - VALUES_KEPT)) series.values.delete(time);
    }
  }
}
