/**
 * The chart of a completed backtest for the web UI: its candles (drawn at a larger
 * timeframe when there are too many to draw), the strategy's indicator lines computed on
 * the candles the backtest decided, its entries and exits, and its equity curve.
 */
import type { Context } from 'moleculer';
import { ACTION } from '../../libs/contracts/actions.ts';
import { loadJobCandles } from '../../libs/backtest/backtest-job.ts';
import { jobForRequest, type BacktestDataContext, type BacktestRequest } from '../../libs/backtest/backtest-request.ts';
import type { BacktestReport } from '../../libs/backtest/report.ts';
import type { BacktestRepository } from '../../libs/db/backtest.repository.ts';
import { TIMEFRAMES, timeframeMs, type Timeframe } from '../../libs/domain/timeframe.ts';
import { aggregateCandles, isAggregatable } from '../../libs/market/candle-aggregation.ts';
import { findStrategy, resolveParams } from '../../libs/strategies/registry.ts';
import { displayCandleOf, indicatorLines, type ChartMarker } from '../../libs/trading/chart-series.ts';
import { callerOf, type CallerMeta } from '../shared/caller.ts';
import { conflict, notFound } from '../shared/errors.ts';
import { backtestIdParams } from './backtest-schemas.ts';

/** Most candles drawn; a longer backtest is drawn at the smallest timeframe that fits. */
export const MAX_DISPLAY_CANDLES = 2_000;

export interface BacktestChartDeps {
  readonly repository: BacktestRepository;
  readonly data: BacktestDataContext;
}

function displayTimeframe(count: number, timeframe: Timeframe, spanMs: number): Timeframe {
  if (count <= MAX_DISPLAY_CANDLES) return timeframe;
  const larger = TIMEFRAMES.filter((candidate) => isAggregatable(timeframe, candidate) && candidate !== timeframe);
  return larger.find((candidate) => spanMs / timeframeMs(candidate) < MAX_DISPLAY_CANDLES) ?? larger.at(-1) ?? timeframe;
}

export function backtestChartActions(deps: BacktestChartDeps) {
  return {
    [ACTION.strategy.backtestChart]: {
      params: backtestIdParams,
      async handler(ctx: Context<{ id: string }, CallerMeta>) {
        const row = await deps.repository.findOwned(callerOf(ctx).id, ctx.params.id);
        if (!row) throw notFound('backtest');
        if (row.status !== 'completed' || !row.result) throw conflict(`the backtest is ${row.status}; its chart is ready once it has completed`);
        const request = row.request as unknown as BacktestRequest;
        const report = row.result as unknown as BacktestReport;
        const loaded = await loadJobCandles(jobForRequest(request, deps.data).data);
        const candles = loaded.candles;
        const first = candles[0]?.openTime ?? 0;
        const display = displayTimeframe(candles.length, loaded.timeframe, (candles.at(-1)?.openTime ?? first) - first);
        const shown = display === loaded.timeframe ? candles : aggregateCandles(candles, display);
        const shownTimes = shown.map((candle) => candle.openTime);
        const snap = display === loaded.timeframe ? undefined : (time: number) => displayCandleOf(shownTimes, time);
        const strategy = findStrategy(request.strategy.name);
        const params = strategy ? resolveParams(strategy, request.strategy.params) : undefined;
        const specs = strategy && params?.kind === 'valid' ? strategy.indicators(params.params) : {};
        const markers: ChartMarker[] = [];
        for (const trade of report.trades) {
          const entry = Date.parse(trade.entryTime);
          markers.push({ time: snap?.(entry) ?? entry, side: 'buy', text: `buy${trade.entries > 1 ? ` ×${trade.entries}` : ''}` });
          if (trade.exitTime !== null) {
            const exit = Date.parse(trade.exitTime);
            markers.push({ time: snap?.(exit) ?? exit, side: 'sell', text: `sell ${trade.returnPercent >= 0 ? '+' : ''}${trade.returnPercent.toFixed(2)}%` });
          }
        }
        markers.sort((a, b) => a.time - b.time);
        return {
          market: request.data.market,
          timeframe: display,
          candles: shown.map((candle) => ({ time: candle.openTime, open: candle.open, high: candle.high, low: candle.low, close: candle.close, volume: candle.volume })),
          indicators: indicatorLines(candles, specs, first, snap),
          markers,
          equity: report.equity.map((point) => ({ time: Date.parse(point.time), value: point.equity })),
        };
      },
    },
  };
}
