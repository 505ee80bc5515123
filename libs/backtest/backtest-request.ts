/**
 * A backtest asked for through the API: checked field by field against the strategy
 * catalog and the platform's market data, normalised (every default filled in) for
 * storage, and turned into a job for a worker thread. Data is named by market source and
 * market, never by a path: the replay files are the ones the platform serves.
 */
import { Decimal, isDecimalString } from '../domain/decimal.ts';
import { isTimeframe, timeframeMs, TIMEFRAMES, type Timeframe } from '../domain/timeframe.ts';
import { DEFAULT_PAPER_FILL_MODEL } from '../exchange/paper/paper-exchange.ts';
import { isAggregatable } from '../market/candle-aggregation.ts';
import { DEFAULT_RISK, type RiskSettingsRecord } from '../risk/risk-settings.ts';
import { resolveStrategyParams } from '../strategies/registry.ts';
import { BacktestInputError } from './backtest.ts';
import type { BacktestJob } from './backtest-job.ts';

/** Market sources a backtest can read. */
export const BACKTEST_SOURCES = ['replay', 'simulated'] as const;
export type BacktestSource = (typeof BACKTEST_SOURCES)[number];

/** Most candles one API backtest may decide. */
export const MAX_BACKTEST_CANDLES = 1_000_000;
/** The simulated market generates at most this many 1-minute candles per backtest. */
const MAX_SIMULATED_MINUTES = 4_200_000;
/** Range of a simulated backtest when none is given: the week before the simulation starts. */
const DEFAULT_SIMULATED_DAYS = 7;
const DAY = 86_400_000;

/** A backtest as the API accepts it (already shape-checked by the action's schema). */
export interface BacktestInput {
  readonly strategy: { readonly name: string; readonly params?: Readonly<Record<string, unknown>> };
  readonly data: { readonly source?: string; readonly market: string; readonly timeframe?: string; readonly from?: string; readonly to?: string };
  readonly quoteBalance?: string;
  readonly risk?: Partial<RiskSettingsRecord>;
  readonly feeRate?: string;
  readonly slippageRate?: string;
}

/** A backtest as stored: everything resolved. */
export interface BacktestRequest {
  readonly strategy: { readonly name: string; readonly params: Readonly<Record<string, number>> };
  readonly data: { readonly source: BacktestSource; readonly market: string; readonly timeframe: Timeframe; readonly from: string; readonly to: string };
  readonly quoteBalance: string;
  readonly risk: RiskSettingsRecord;
  readonly feeRate: string;
  readonly slippageRate: string;
}

/** What the platform serves as replay files: each market's file and what it spans. */
export interface ReplaySeries {
  readonly path: string;
  readonly timeframe: Timeframe;
  readonly firstOpenTime: number;
  readonly lastOpenTime: number;
}

export interface BacktestDataContext {
  /** The replay file serving `market`, or undefined (no such market, or no replay configured). */
  replaySeries(market: string): ReplaySeries | undefined;
  readonly simulationSeed: number;
  readonly simulationStart: number;
  /** Whether the simulated market can serve `market`. */
  simulatedMarket(market: string): boolean;
}

export type BacktestRequestResult =
  | { readonly kind: 'valid'; readonly request: BacktestRequest }
  | { readonly kind: 'invalid'; readonly field: string; readonly message: string };

function invalid(field: string, message: string): BacktestRequestResult {
  return { kind: 'invalid', field, message };
}

function time(text: string | undefined): number | undefined | 'bad' {
  if (text === undefined) return undefined;
  const value = Date.parse(text);
  return /^\d{4}-\d{2}-\d{2}T/.test(text) && Number.isFinite(value) ? value : 'bad';
}

function positive(text: string | undefined, fallback: string): string | undefined {
  const value = text ?? fallback;
  return isDecimalString(value) && new Decimal(value).gt(0) ? new Decimal(value).toFixed() : undefined;
}

function fraction(text: string | undefined, fallback: Decimal): string | undefined {
  const value = text ?? fallback.toFixed();
  return isDecimalString(value) && new Decimal(value).gte(0) && new Decimal(value).lt('0.5') ? new Decimal(value).toFixed() : undefined;
}

/** Checks and completes `input`; a refusal names the field as the client sent it. */
export function resolveBacktestRequest(input: BacktestInput, context: BacktestDataContext): BacktestRequestResult {
  const params = resolveStrategyParams(input.strategy.name, input.strategy.params ?? {});
  if (params.kind === 'invalid') return invalid(params.field, params.message);

  const source = input.data.source ?? 'replay';
  if (!(BACKTEST_SOURCES as readonly string[]).includes(source)) return invalid('data.source', `backtests read ${BACKTEST_SOURCES.join(' or ')}, got ${JSON.stringify(source)}`);
  const timeframe = input.data.timeframe ?? '1m';
  if (!isTimeframe(timeframe)) return invalid('data.timeframe', `must be one of ${TIMEFRAMES.join(', ')}`);
  const step = timeframeMs(timeframe);
  const from = time(input.data.from);
  const to = time(input.data.to);
  if (from === 'bad') return invalid('data.from', 'must be an ISO 8601 time such as 2018-01-20T00:00:00Z');
  if (to === 'bad') return invalid('data.to', 'must be an ISO 8601 time such as 2018-01-30T00:00:00Z');

  let range: { from: number; to: number };
  if (source === 'replay') {
    const series = context.replaySeries(input.data.market);
    if (!series) return invalid('data.market', `no replay file serves ${input.data.market}`);
    if (!isAggregatable(series.timeframe, timeframe)) return invalid('data.timeframe', `the replay of ${input.data.market} has ${series.timeframe} candles, which cannot make ${timeframe} candles`);
    range = { from: Math.max(from ?? series.firstOpenTime, series.firstOpenTime), to: Math.min(to ?? series.lastOpenTime, series.lastOpenTime) };
    if (range.from > range.to) {
      return invalid(from !== undefined && from > series.lastOpenTime ? 'data.from' : 'data.to', `the replay of ${input.data.market} spans ${new Date(series.firstOpenTime).toISOString()} to ${new Date(series.lastOpenTime).toISOString()}`);
    }
  } else {
    if (!context.simulatedMarket(input.data.market)) return invalid('data.market', `the simulated market cannot serve ${JSON.stringify(input.data.market)}`);
    const end = to ?? context.simulationStart;
    range = { from: from ?? end - DEFAULT_SIMULATED_DAYS * DAY, to: end };
    if (range.from >= range.to) return invalid('data.to', 'must be after data.from');
    if ((range.to - range.from) / 60_000 > MAX_SIMULATED_MINUTES) return invalid('data.to', `a simulated backtest spans at most ${MAX_SIMULATED_MINUTES / 1_440} days`);
  }
  if ((range.to - range.from) / step + 1 > MAX_BACKTEST_CANDLES) return invalid('data.to', `a backtest decides at most ${MAX_BACKTEST_CANDLES.toLocaleString('en-US')} candles; shorten the range or use a larger timeframe`);

  const quoteBalance = positive(input.quoteBalance, '1000');
  if (quoteBalance === undefined) return invalid('quoteBalance', 'quoteBalance must be a decimal string greater than 0');
  const stakeAmount = positive(input.risk?.stakeAmount, DEFAULT_RISK.stakeAmount);
  if (stakeAmount === undefined) return invalid('risk.stakeAmount', 'risk.stakeAmount must be a decimal string greater than 0');
  const maxPositionAmount = positive(input.risk?.maxPositionAmount, DEFAULT_RISK.maxPositionAmount);
  if (maxPositionAmount === undefined) return invalid('risk.maxPositionAmount', 'risk.maxPositionAmount must be a decimal string greater than 0');
  const feeRate = fraction(input.feeRate, DEFAULT_PAPER_FILL_MODEL.feeRate);
  if (feeRate === undefined) return invalid('feeRate', 'feeRate must be a decimal fraction from 0 up to 0.5, e.g. 0.001 for 0.1%');
  const slippageRate = fraction(input.slippageRate, DEFAULT_PAPER_FILL_MODEL.slippageRate);
  if (slippageRate === undefined) return invalid('slippageRate', 'slippageRate must be a decimal fraction from 0 up to 0.5, e.g. 0.0005');

  return {
    kind: 'valid',
    request: {
      strategy: { name: input.strategy.name, params: params.params },
      data: { source: source as BacktestSource, market: input.data.market, timeframe, from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString() },
      quoteBalance,
      risk: {
        stakeAmount,
        maxPositionAmount,
        stopLossPercent: input.risk?.stopLossPercent !== undefined ? input.risk.stopLossPercent : DEFAULT_RISK.stopLossPercent,
        takeProfitPercent: input.risk?.takeProfitPercent !== undefined ? input.risk.takeProfitPercent : DEFAULT_RISK.takeProfitPercent,
      },
      feeRate,
      slippageRate,
    },
  };
}

/** The worker job of a stored request; throws BacktestInputError when its data is no longer served. */
export function jobForRequest(request: BacktestRequest, context: BacktestDataContext): BacktestJob {
  const from = Date.parse(request.data.from);
  const to = Date.parse(request.data.to);
  const common = {
    strategy: request.strategy.name, params: request.strategy.params, initialBalance: request.quoteBalance,
    risk: request.risk, feeRate: request.feeRate, slippageRate: request.slippageRate, report: { maxTrades: 1_000, equityPoints: 500 },
  };
  if (request.data.source === 'replay') {
    const series = context.replaySeries(request.data.market);
    if (!series) throw new BacktestInputError(`no replay file serves ${request.data.market} any more`);
    return { ...common, data: { kind: 'file', path: series.path, timeframe: request.data.timeframe, from, to } };
  }
  return { ...common, data: { kind: 'simulated', seed: context.simulationSeed, symbol: request.data.market, timeframe: request.data.timeframe, from, to } };
}
