/** How backtests look on the wire: ISO times, the request as resolved, the report when done. */
import type { BacktestRow, BacktestSummaryRow } from '../../libs/db/backtest.repository.ts';

export function backtestSummaryView(row: BacktestSummaryRow | BacktestRow) {
  return {
    id: row.id,
    status: row.status,
    progress: Number(row.progress),
    request: row.request,
    error: row.error ?? null,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

/** A backtest in a list: its summary and, once completed, its metrics (enough to rank runs). */
export function backtestListItemView(row: BacktestSummaryRow) {
  return { ...backtestSummaryView(row), metrics: row.metrics };
}

export function backtestView(row: BacktestRow) {
  return { ...backtestSummaryView(row), result: row.result ?? null };
}
