/**
 * A backtest described as plain data (what a worker thread receives), and running one:
 * loading its candles, resolving its strategy and settings, and building its report.
 * The CLI, the sweep's workers and the API's workers all run backtests through here.
 */
import type { Candle } from '../domain/candle.ts';
import { Decimal } from '../domain/decimal.ts';
import { isTimeframe, type Timeframe } from '../domain/timeframe.ts';
import type { PaperFillModel } from '../exchange/paper/paper-exchange.ts';
import { aggregateCandles, isAggregatable } from '../market/candle-aggregation.ts';
import { loadCandleFile } from '../market/candle-file.ts';
import { createSimulatedMarket } from '../market/simulated-market.ts';
import { riskSettingsFromRecord, type RiskSettingsRecord } from '../risk/risk-settings.ts';
import { findStrategy, resolveParams } from '../strategies/registry.ts';
import { BacktestInputError, runBacktest, type BacktestRun, type BacktestSettings } from './backtest.ts';
import { IndicatorSeriesCache } from './indicator-series.ts';
import { buildReport, type BacktestReport, type ReportOptions } from './report.ts';

/** Where a job's candles come from; never a path a client chose (the API resolves replay files itself). */
export type BacktestData =
  /** Candles packed by `packCandles`, shared between threads without copying. */
  | { readonly kind: 'packed'; readonly key: string; readonly buffer: SharedArrayBuffer; readonly symbol: string; readonly timeframe: Timeframe }
  /** A candle file; aggregated to `timeframe` when it is larger than the file's. */
  | { readonly kind: 'file'; readonly path: string; readonly timeframe?: Timeframe; readonly from?: number; readonly to?: number }
  /** The simulated market over [from, to]. */
  | { readonly kind: 'simulated'; readonly seed: number; readonly symbol: string; readonly timeframe: Timeframe; readonly from: number; readonly to: number };

export interface BacktestJob {
  readonly strategy: string;
  /** Parameters as given; defaults are filled and bounds checked here. */
  readonly params: Readonly<Record<string, unknown>>;
  readonly data: BacktestData;
  readonly initialBalance: string;
  readonly risk: RiskSettingsRecord;
  readonly feeRate: string;
  readonly slippageRate: string;
  readonly tradeFrom?: number;
  readonly report?: ReportOptions;
}

/** Candles of a job, with the market and timeframe they are for. */
export interface LoadedCandles {
  readonly key: string;
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly candles: readonly Candle[];
}

const FIELDS_PER_CANDLE = 6;

/** Packs candles into shared memory for worker threads (six floats per candle). */
export function packCandles(candles: readonly Candle[]): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(candles.length * FIELDS_PER_CANDLE * Float64Array.BYTES_PER_ELEMENT);
  const values = new Float64Array(buffer);
  candles.forEach((candle, index) => {
    values.set([candle.openTime, candle.open, candle.high, candle.low, candle.close, candle.volume], index * FIELDS_PER_CANDLE);
  });
  return buffer;
}

export function unpackCandles(buffer: SharedArrayBuffer): Candle[] {
  const values = new Float64Array(buffer);
  const candles: Candle[] = new Array(values.length / FIELDS_PER_CANDLE);
  for (let index = 0; index < candles.length; index += 1) {
    const at = index * FIELDS_PER_CANDLE;
    candles[index] = { openTime: values[at]!, open: values[at + 1]!, high: values[at + 2]!, low: values[at + 3]!, close: values[at + 4]!, volume: values[at + 5]! };
  }
  return candles;
}

function dataKey(data: BacktestData): string {
  switch (data.kind) {
    case 'packed':
      return data.key;
    case 'file':
      return `file:${data.path}:${data.timeframe ?? ''}:${data.from ?? ''}:${data.to ?? ''}`;
    case 'simulated':
      return `simulated:${data.seed}:${data.symbol}:${data.timeframe}:${data.from}:${data.to}`;
  }
}

function within(candles: readonly Candle[], from: number | undefined, to: number | undefined): readonly Candle[] {
  if (from === undefined && to === undefined) return candles;
  return candles.filter((candle) => (from === undefined || candle.openTime >= from) && (to === undefined || candle.openTime <= to));
}

/** Loads the candles a job names (files are validated: a bad row is a CandleFileError naming it). */
export async function loadJobCandles(data: BacktestData): Promise<LoadedCandles> {
  const key = dataKey(data);
  switch (data.kind) {
    case 'packed':
      return { key, symbol: data.symbol, timeframe: data.timeframe, candles: unpackCandles(data.buffer) };
    case 'file': {
      const file = await loadCandleFile(data.path);
      const timeframe = data.timeframe ?? file.timeframe;
      if (!isTimeframe(timeframe) || !isAggregatable(file.timeframe, timeframe)) {
        throw new BacktestInputError(`${file.path} holds ${file.timeframe} candles, which cannot make ${timeframe} candles`);
      }
      const candles = timeframe === file.timeframe ? file.candles : aggregateCandles(file.candles, timeframe);
      const selected = within(candles, data.from, data.to);
      if (selected.length === 0) throw new BacktestInputError(`${file.path} has no candles in the range asked for`);
      return { key, symbol: file.symbol, timeframe, candles: selected };
    }
    case 'simulated': {
      const market = createSimulatedMarket({ seed: data.seed, startTime: data.from, speed: 1 });
      const candles = await market.candles(data.symbol, data.timeframe, data.from, data.to);
      if (candles.length === 0) throw new BacktestInputError('the simulated range holds no candle');
      return { key, symbol: data.symbol, timeframe: data.timeframe, candles };
    }
  }
}

/** The engine's settings for `job` on candles of `symbol`; a bad strategy or parameter is a BacktestInputError naming it. */
export function settingsForJob(job: BacktestJob, symbol: string, timeframe: Timeframe, recordDecisions = false): BacktestSettings {
  const strategy = findStrategy(job.strategy);
  if (!strategy) throw new BacktestInputError(`unknown strategy ${JSON.stringify(job.strategy)}`);
  const params = resolveParams(strategy, job.params);
  if (params.kind === 'invalid') throw new BacktestInputError(`${params.field}: ${params.message}`);
  const fillModel: PaperFillModel = { feeRate: new Decimal(job.feeRate), slippageRate: new Decimal(job.slippageRate) };
  return {
    strategy, params: params.params, symbol, timeframe, fillModel,
    initialBalance: new Decimal(job.initialBalance),
    risk: riskSettingsFromRecord(job.risk),
    ...(job.tradeFrom !== undefined ? { tradeFrom: job.tradeFrom } : {}),
    recordDecisions,
  };
}

/** What a thread keeps between jobs: the last candles loaded and their indicator series. */
export class JobCache {
  #candles: LoadedCandles | undefined;
  #indicators: IndicatorSeriesCache | undefined;

  async candles(data: BacktestData): Promise<{ loaded: LoadedCandles; indicators: IndicatorSeriesCache }> {
    if (this.#candles?.key !== dataKey(data) || this.#indicators === undefined) {
      this.#candles = await loadJobCandles(data);
      this.#indicators = new IndicatorSeriesCache(this.#candles.candles);
    }
    return { loaded: this.#candles, indicators: this.#indicators };
  }
}

/** Runs `job`, reporting progress; returns the run and its report. */
export async function runJob(job: BacktestJob, cache: JobCache, onProgress?: (done: number, total: number) => void): Promise<{ run: BacktestRun; report: BacktestReport }> {
  const { loaded, indicators } = await cache.candles(job.data);
  const settings = settingsForJob(job, loaded.symbol, loaded.timeframe);
  const run = runBacktest(loaded.candles, settings, { indicators, ...(onProgress ? { onProgress } : {}) });
  return { run, report: buildReport(run, job.report) };
}
