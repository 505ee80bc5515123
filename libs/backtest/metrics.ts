/**
 * What a backtest run amounted to: the account at the end (exact decimals) and the
 * statistics traders compare strategies by (floats: they describe money, they are not
 * money). Ratios are annualised from per-candle returns of the equity curve with no
 * risk-free rate, as Freqtrade and backtrader do.
 */
import { decimalFromPrice } from '../domain/decimal.ts';
import { equity as accountEquity } from '../domain/position.ts';
import { timeframeMs } from '../domain/timeframe.ts';
import type { BacktestRun } from './backtest.ts';

const YEAR_MS = 365 * 24 * 3_600_000;

export interface BacktestMetrics {
  /** Candles decided (gaps not counted). */
  readonly candles: number;
  readonly firstCandleTime: number;
  readonly lastCandleTime: number;
  readonly gapCount: number;
  readonly missingCandles: number;
  readonly fills: number;
  /** Round trips closed. */
  readonly trades: number;
  /** Whether a position is still open at the end. */
  readonly openTrade: boolean;
  readonly wins: number;
  readonly losses: number;
  /** Share of closed trades with a profit, or null with no closed trade. */
  readonly winRate: number | null;
  /** Final equity over initial balance, minus one. */
  readonly totalReturn: number;
  /** Total return compounded to a year. */
  readonly annualisedReturn: number;
  /** Largest fall of the equity from a previous peak, as a share of that peak. */
  readonly maxDrawdown: number;
  /** Null when the equity never moved. */
  readonly sharpe: number | null;
  /** Null when the equity never fell. */
  readonly sortino: number | null;
  /** Share of decided candles closed with a position open. */
  readonly exposure: number;
  /** Return of buying at the first decided close and holding to the last, before fees. */
  readonly buyAndHoldReturn: number;
  readonly initialBalance: string;
  /** Quote currency at the end (a position still open is not sold). */
  readonly finalQuoteBalance: string;
  readonly finalBaseBalance: string;
  /** Quote plus base valued at the last close. */
  readonly finalEquity: string;
  readonly feesPaid: string;
  readonly realizedProfit: string;
}

export function computeMetrics(run: BacktestRun): BacktestMetrics {
  const { equity, candles, firstIndex, settings } = run;
  const first = candles[firstIndex]!;
  const last = candles.at(-1)!;
  const step = timeframeMs(settings.timeframe);
  const initial = settings.initialBalance.toNumber();

  let peak = initial;
  let maxDrawdown = 0;
  let sum = 0;
  let sumSquares = 0;
  let downsideSquares = 0;
  let previous = initial;
  for (let index = 0; index < equity.length; index += 1) {
    const value = equity[index]!;
    if (value > peak) peak = value;
    else if (peak > 0 && (peak - value) / peak > maxDrawdown) maxDrawdown = (peak - value) / peak;
    const change = previous === 0 ? 0 : value / previous - 1;
    sum += change;
    sumSquares += change * change;
    if (change < 0) downsideSquares += change * change;
    previous = value;
  }
  const count = equity.length;
  const mean = sum / count;
  const deviation = Math.sqrt(Math.max(0, sumSquares / count - mean * mean));
  const downside = Math.sqrt(downsideSquares / count);
  const periodsPerYear = YEAR_MS / step;
  const finalEquity = accountEquity(run.balances, decimalFromPrice(last.close));
  const totalReturn = finalEquity.toNumber() / initial - 1;
  const durationMs = last.openTime + step - first.openTime;
  const closed = run.trades.filter((trade) => trade.exitTime !== undefined);
  const wins = closed.filter((trade) => trade.profit.gt(0)).length;

  return {
    candles: count,
    firstCandleTime: first.openTime,
    lastCandleTime: last.openTime,
    gapCount: run.gaps.gapCount,
    missingCandles: run.gaps.missingCandles,
    fills: run.fills.length,
    trades: closed.length,
    openTrade: closed.length < run.trades.length,
    wins,
    losses: closed.length - wins,
    winRate: closed.length === 0 ? null : wins / closed.length,
    totalReturn,
    annualisedReturn: totalReturn <= -1 ? -1 : Math.pow(1 + totalReturn, YEAR_MS / durationMs) - 1,
    maxDrawdown,
    sharpe: deviation === 0 ? null : (mean / deviation) * Math.sqrt(periodsPerYear),
    sortino: downside === 0 ? null : (mean / downside) * Math.sqrt(periodsPerYear),
    exposure: run.candlesInPosition / count,
    buyAndHoldReturn: last.close / first.close - 1,
    initialBalance: settings.initialBalance.toFixed(),
    finalQuoteBalance: run.balances.quote.toFixed(),
    finalBaseBalance: run.balances.base.toFixed(),
    finalEquity: finalEquity.toFixed(),
    feesPaid: run.position.feesPaid.toFixed(),
    realizedProfit: run.position.realizedProfit.toFixed(),
  };
}
