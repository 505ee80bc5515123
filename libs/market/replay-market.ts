/**
 * The "replay" market: recorded candle files played back on an accelerated clock, so a
 * bot can be watched trading real history. Each file serves its market at its own
 * timeframe and at every larger timeframe built from it. Gaps in a file stay gaps: a
 * missing candle is absent from every answer, never invented.
 */
import type { Candle } from '../domain/candle.ts';
import { isTimeframe, timeframeMs, type Timeframe } from '../domain/timeframe.ts';
import { aggregateCandles, isAggregatable } from './candle-aggregation.ts';
import { loadCandleDirectory, loadCandleFile, type CandleFile, type GapReport } from './candle-file.ts';
import type { MarketClockSpec, MarketSource } from './market-source.ts';

/** What the replay market serves for one market, for logs and the user interface. */
export interface ReplaySeriesInfo {
  readonly symbol: string;
  /** Path of the file whose candles are served. */
  readonly path: string;
  /** Timeframe of that file; larger ones are built from it. */
  readonly timeframe: Timeframe;
  readonly candleCount: number;
  readonly firstOpenTime: number;
  readonly lastOpenTime: number;
  readonly gaps: GapReport;
  /** Files of the same market at a larger timeframe, not served because this one is finer. */
  readonly unusedPaths: readonly string[];
}

/** A replay market, which can also say what each of its files holds. */
export interface ReplayMarket extends MarketSource {
  /** Description of the series served for `symbol`, or undefined when not served. */
  series(symbol: string): ReplaySeriesInfo | undefined;
}

/** Options of createReplayMarket. */
export interface ReplayMarketOptions {
  /** Loaded candle files; at most one per (market, timeframe). */
  readonly files: readonly CandleFile[];
  /** How many times faster than real time the replay runs (60: one 1m candle per second). */
  readonly speed: number;
  /** Candles of each file skipped before its clock starts (default 0). */
  readonly startOffsetCandles?: number;
}

interface Series {
  readonly info: ReplaySeriesInfo;
  readonly clock: MarketClockSpec;
  /** Candles by timeframe, built on first use, with their open times for searching. */
  readonly byTimeframe: Map<Timeframe, { readonly candles: readonly Candle[]; readonly times: Float64Array }>;
}

function indexed(candles: readonly Candle[]): { readonly candles: readonly Candle[]; readonly times: Float64Array } {
  return { candles, times: Float64Array.from(candles, (candle) => candle.openTime) };
}

/** First index whose time is after `time` (`inclusive`: at or after). */
function searchTimes(times: Float64Array, time: number, inclusive: boolean): number {
  let low = 0;
  let high = times.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const before = inclusive ? times[middle]! < time : times[middle]! <= time;
    if (before) low = middle + 1;
    else high = middle;
  }
  return low;
}

function buildSeries(file: CandleFile, unused: readonly CandleFile[], speed: number, startOffsetCandles: number): Series {
  const first = file.candles[0];
  const last = file.candles.at(-1);
  if (!first || !last) throw new RangeError(`${file.path}: no candles to replay`);
  const step = timeframeMs(file.timeframe);
  const startTime = first.openTime + startOffsetCandles * step;
  // The clock stops once the last candle has closed, which happens at its open time plus one candle.
  const endTime = last.openTime + step;
  if (startTime >= endTime) {
    throw new RangeError(`${file.path}: start offset of ${startOffsetCandles} candles is past its last candle (it spans ${(endTime - first.openTime) / step} candles)`);
  }
  return {
    info: {
      symbol: file.symbol,
      path: file.path,
      timeframe: file.timeframe,
      candleCount: file.candles.length,
      firstOpenTime: first.openTime,
      lastOpenTime: last.openTime,
      gaps: file.gaps,
      unusedPaths: unused.map((other) => other.path),
    },
    clock: { kind: 'accelerated', startTime, speed, endTime },
    byTimeframe: new Map([[file.timeframe, indexed(file.candles)]]),
  };
}

/**
 * A replay market over already loaded files. Where several files hold one market, the
 * finest timeframe is served (larger ones are built from it); two files of the same
 * market and timeframe are refused as ambiguous.
 */
export function createReplayMarket(options: ReplayMarketOptions): ReplayMarket {
  const { speed, startOffsetCandles = 0 } = options;
  if (!(Number.isFinite(speed) && speed > 0)) throw new RangeError(`replay speed must be a positive number, got ${speed}`);
  if (!Number.isSafeInteger(startOffsetCandles) || startOffsetCandles < 0) {
    throw new RangeError(`replay start offset must be a whole number of candles, zero or more, got ${startOffsetCandles}`);
  }
  const bySymbol = new Map<string, CandleFile[]>();
  for (const file of options.files) {
    const same = bySymbol.get(file.symbol) ?? [];
    const clash = same.find((other) => other.timeframe === file.timeframe);
    if (clash) throw new RangeError(`${file.path} and ${clash.path} both hold ${file.symbol} on ${file.timeframe}; keep one`);
    same.push(file);
    bySymbol.set(file.symbol, same);
  }
  const series = new Map<string, Series>();
  for (const [symbol, files] of bySymbol) {
    const [base, ...unused] = [...files].sort((a, b) => timeframeMs(a.timeframe) - timeframeMs(b.timeframe));
    if (base) series.set(symbol, buildSeries(base, unused, speed, startOffsetCandles));
  }
  const markets = Object.freeze([...series.keys()].sort());

  function seriesOf(symbol: string): Series {
    const found = series.get(symbol);
    if (!found) throw new RangeError(`market ${symbol} is not available on source replay; it serves ${markets.join(', ') || 'no markets'}`);
    return found;
  }

  function candlesOf(found: Series, timeframe: Timeframe): { readonly candles: readonly Candle[]; readonly times: Float64Array } {
    const cached = found.byTimeframe.get(timeframe);
    if (cached) return cached;
    const base = found.byTimeframe.get(found.info.timeframe);
    if (!base || !isAggregatable(found.info.timeframe, timeframe)) {
      throw new RangeError(`replay of ${found.info.symbol} has ${found.info.timeframe} candles and cannot serve ${timeframe}`);
    }
    const built = indexed(aggregateCandles(base.candles, timeframe));
    found.byTimeframe.set(timeframe, built);
    return built;
  }

  return {
    id: 'replay',
    hasMarket: (symbol) => series.has(symbol),
    listMarkets: () => markets,
    supportsTimeframe(symbol, timeframe) {
      const found = series.get(symbol);
      return found !== undefined && isTimeframe(timeframe) && isAggregatable(found.info.timeframe, timeframe);
    },
    async candles(symbol, timeframe, from, to) {
      if (!Number.isFinite(from) || !Number.isFinite(to)) throw new RangeError(`candle range must be two finite times, got ${from} to ${to}`);
      const { candles, times } = candlesOf(seriesOf(symbol), timeframe);
      return candles.slice(searchTimes(times, from, true), searchTimes(times, to, false));
    },
    clock: (symbol) => seriesOf(symbol).clock,
    series: (symbol) => series.get(symbol)?.info,
  };
}

/** Where a replay market's files come from: a folder of `*.json` files, explicit paths, or both. */
export interface LoadReplayMarketOptions {
  readonly directory?: string;
  readonly files?: readonly string[];
  readonly speed: number;
  readonly startOffsetCandles?: number;
}

/** Loads and validates the candle files, then builds the replay market over them. */
export async function loadReplayMarket(options: LoadReplayMarketOptions): Promise<ReplayMarket> {
  const fromDirectory = options.directory === undefined ? [] : await loadCandleDirectory(options.directory);
  const fromPaths = await Promise.all((options.files ?? []).map((file) => loadCandleFile(file)));
  const files = [...fromDirectory, ...fromPaths];
  if (files.length === 0) {
    const where = options.directory === undefined ? 'no candle files were given' : `no *.json candle files in ${options.directory}`;
    throw new RangeError(`replay market needs at least one candle file: ${where}`);
  }
  return createReplayMarket({ files, speed: options.speed, startOffsetCandles: options.startOffsetCandles });
}
