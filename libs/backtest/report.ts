/**
 * A backtest's report: what a run amounted to, as plain JSON (decimal strings for money,
 * ISO times), for the CLI, the API and the HTML page; and its text form for a terminal.
 */
import { isTimeframe, timeframeMs } from '../domain/timeframe.ts';
import type { RiskSettings, RiskSettingsRecord } from '../risk/risk-settings.ts';
import type { BacktestRun } from './backtest.ts';
import { computeMetrics, type BacktestMetrics } from './metrics.ts';

export interface TradeReport {
  readonly entryTime: string;
  readonly exitTime: string | null;
  readonly entries: number;
  readonly quantity: string;
  readonly cost: string;
  readonly proceeds: string;
  readonly profit: string;
  /** Profit over cost, in percent. */
  readonly returnPercent: number;
}

export interface EquityPoint {
  readonly time: string;
  readonly equity: number;
}

export interface BacktestReport {
  readonly strategy: string;
  readonly params: Readonly<Record<string, number>>;
  readonly market: string;
  readonly timeframe: string;
  readonly feeRate: string;
  readonly slippageRate: string;
  readonly risk: RiskSettingsRecord;
  readonly metrics: BacktestMetrics;
  /** The first `maxTrades` round trips (all when the run made fewer). */
  readonly trades: readonly TradeReport[];
  /** The equity curve sampled at up to `equityPoints` candles, for charts. */
  readonly equity: readonly EquityPoint[];
}

export interface ReportOptions {
  readonly maxTrades?: number;
  readonly equityPoints?: number;
}

function riskRecord(risk: RiskSettings): RiskSettingsRecord {
  return { stakeAmount: risk.stakeAmount.toFixed(), maxPositionAmount: risk.maxPositionAmount.toFixed(), stopLossPercent: risk.stopLossPercent, takeProfitPercent: risk.takeProfitPercent };
}

const iso = (time: number) => new Date(time).toISOString();

export function buildReport(run: BacktestRun, options: ReportOptions = {}): BacktestReport {
  const { settings } = run;
  const maxTrades = options.maxTrades ?? 1_000;
  const points = Math.max(2, options.equityPoints ?? 500);
  const sampleEvery = Math.max(1, Math.ceil(run.equity.length / points));
  const equity: EquityPoint[] = [];
  for (let index = 0; index < run.equity.length; index += sampleEvery) equity.push({ time: iso(run.candles[run.firstIndex + index]!.openTime), equity: run.equity[index]! });
  const lastIndex = run.equity.length - 1;
  if (lastIndex % sampleEvery !== 0) equity.push({ time: iso(run.candles.at(-1)!.openTime), equity: run.equity[lastIndex]! });
  return {
    strategy: settings.strategy.name,
    params: { ...settings.params },
    market: settings.symbol,
    timeframe: settings.timeframe,
    feeRate: settings.fillModel.feeRate.toFixed(),
    slippageRate: settings.fillModel.slippageRate.toFixed(),
    risk: riskRecord(settings.risk),
    metrics: computeMetrics(run),
    trades: run.trades.slice(0, maxTrades).map((trade) => ({
      entryTime: iso(trade.entryTime),
      exitTime: trade.exitTime === undefined ? null : iso(trade.exitTime),
      entries: trade.entries,
      quantity: trade.quantity.toFixed(),
      cost: trade.cost.toFixed(),
      proceeds: trade.proceeds.toFixed(),
      profit: trade.profit.toFixed(),
      returnPercent: trade.cost.isZero() ? 0 : trade.profit.div(trade.cost).mul(100).toNumber(),
    })),
    equity,
  };
}

export const percent = (value: number | null, digits = 2): string => (value === null || !Number.isFinite(value) ? '—' : `${(value * 100).toFixed(digits)}%`);
export const ratio = (value: number | null): string => (value === null || !Number.isFinite(value) ? '—' : value.toFixed(2));

/** Rounds a decimal string for display (the report keeps it exact). */
export function shortAmount(amount: string, significant = 10): string {
  const value = Number(amount);
  return Number.isFinite(value) ? String(Number(value.toPrecision(significant))) : amount;
}

/** The report as the CLI prints it. */
export function formatReport(report: BacktestReport): string {
  const m = report.metrics;
  const step = isTimeframe(report.timeframe) ? timeframeMs(report.timeframe) : 0;
  const days = (m.lastCandleTime - m.firstCandleTime + step) / 86_400_000;
  const rows: [string, string][] = [
    ['strategy', `${report.strategy} ${JSON.stringify(report.params)}`],
    ['market', `${report.market} ${report.timeframe}, ${m.candles} candles, ${new Date(m.firstCandleTime).toISOString()} to ${new Date(m.lastCandleTime).toISOString()} (${days.toFixed(1)} days)`],
    ['gaps', m.gapCount === 0 ? 'none' : `${m.gapCount} gaps, ${m.missingCandles} candles missing (decided as no-data, indicators carried on)`],
    ['costs', `fee ${report.feeRate}, slippage ${report.slippageRate}; stake ${report.risk.stakeAmount}, max position ${report.risk.maxPositionAmount}, stop-loss ${report.risk.stopLossPercent ?? 'off'}%, take-profit ${report.risk.takeProfitPercent ?? 'off'}%`],
    ['trades', `${m.trades} closed${m.openTrade ? ' + 1 open' : ''} (${m.fills} fills)`],
    ['win rate', `${percent(m.winRate, 1)} (${m.wins} won, ${m.losses} lost)`],
    ['total return', percent(m.totalReturn)],
    ['annualised return', percent(m.annualisedReturn)],
    ['max drawdown', percent(m.maxDrawdown)],
    ['Sharpe', ratio(m.sharpe)],
    ['Sortino', ratio(m.sortino)],
    ['exposure', percent(m.exposure, 1)],
    ['buy and hold', percent(m.buyAndHoldReturn)],
    ['balance', `${shortAmount(m.initialBalance)} → ${shortAmount(m.finalQuoteBalance)} quote + ${shortAmount(m.finalBaseBalance)} base`],
    ['final equity', m.finalEquity],
    ['fees paid', m.feesPaid],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n');
}
