/**
 * A parameter sweep: every combination of the values given per parameter, each backtested
 * on the same candles across the worker pool (all cores), then ranked.
 */
import type { StrategyDefinition } from '../strategies/strategy.ts';
import { resolveParams } from '../strategies/registry.ts';
import type { BacktestJob } from './backtest-job.ts';
import type { BacktestMetrics } from './metrics.ts';
import type { BacktestReport } from './report.ts';
import type { BacktestWorkerPool } from './worker-pool.ts';

/** Values to try per parameter, e.g. {"fast": [8, 12, 16], "slow": [26, 34]}. */
export type SweepGrid = Readonly<Record<string, readonly number[]>>;

/** Most combinations one sweep may try. */
export const MAX_SWEEP_COMBINATIONS = 10_000;

export const RANKINGS = ['return', 'sharpe', 'sortino', 'drawdown', 'win-rate'] as const;
export type Ranking = (typeof RANKINGS)[number];

export interface SweepPlan {
  /** Resolved parameter sets to run, in grid order. */
  readonly combinations: readonly Readonly<Record<string, number>>[];
  /** Combinations the strategy refuses (e.g. fast not under slow), with the reason. */
  readonly refused: readonly { readonly params: Readonly<Record<string, number>>; readonly reason: string }[];
}

/** A grid that cannot be swept, naming the parameter. */
export class SweepGridError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SweepGridError';
  }
}

/** Checks `grid` against `strategy` and lists the combinations over `base` parameters. */
export function planSweep(strategy: StrategyDefinition, base: Readonly<Record<string, unknown>>, grid: unknown): SweepPlan {
  if (typeof grid !== 'object' || grid === null || Array.isArray(grid)) throw new SweepGridError('must be a JSON object of parameter name to a list of values, e.g. {"fast":[8,12],"slow":[26,34]}');
  const entries = Object.entries(grid as Record<string, unknown>);
  if (entries.length === 0) throw new SweepGridError('names no parameter to sweep');
  let count = 1;
  for (const [name, values] of entries) {
    if (!(name in strategy.parameters)) throw new SweepGridError(`${strategy.name} has no parameter ${JSON.stringify(name)}; it takes ${Object.keys(strategy.parameters).join(', ')}`);
    if (!Array.isArray(values) || values.length === 0 || !values.every((value) => typeof value === 'number' && Number.isFinite(value))) {
      throw new SweepGridError(`${name} must be a non-empty list of numbers`);
    }
    count *= values.length;
  }
  if (count > MAX_SWEEP_COMBINATIONS) throw new SweepGridError(`has ${count} combinations; at most ${MAX_SWEEP_COMBINATIONS}`);
  let partial: Record<string, unknown>[] = [{ ...base }];
  for (const [name, values] of entries as [string, number[]][]) {
    partial = partial.flatMap((params) => values.map((value) => ({ ...params, [name]: value })));
  }
  const combinations: Readonly<Record<string, number>>[] = [];
  const refused: { params: Readonly<Record<string, number>>; reason: string }[] = [];
  for (const params of partial) {
    const resolved = resolveParams(strategy, params);
    if (resolved.kind === 'valid') combinations.push(resolved.params);
    else refused.push({ params: params as Record<string, number>, reason: resolved.message });
  }
  if (combinations.length === 0) throw new SweepGridError(`every combination is refused by ${strategy.name}, e.g. ${refused[0]?.reason}`);
  return { combinations, refused };
}

/** Higher is better for every ranking (drawdown is ranked smallest first). */
function score(metrics: BacktestMetrics, ranking: Ranking): number {
  switch (ranking) {
    case 'return':
      return metrics.totalReturn;
    case 'sharpe':
      return metrics.sharpe ?? Number.NEGATIVE_INFINITY;
    case 'sortino':
      return metrics.sortino ?? Number.NEGATIVE_INFINITY;
    case 'drawdown':
      return -metrics.maxDrawdown;
    case 'win-rate':
      return metrics.winRate ?? Number.NEGATIVE_INFINITY;
  }
}

/** Reports best first by `ranking`; ties keep grid order. */
export function rankReports(reports: readonly BacktestReport[], ranking: Ranking): BacktestReport[] {
  return reports.map((report, index) => ({ report, index })).sort((a, b) => score(b.report.metrics, ranking) - score(a.report.metrics, ranking) || a.index - b.index).map(({ report }) => report);
}

/**
 * Runs every combination of `plan` as a copy of `job` with those parameters on `pool`;
 * `onProgress` hears candles done across all of them.
 */
export async function runSweep(pool: BacktestWorkerPool, job: BacktestJob, plan: SweepPlan, onProgress?: (done: number, total: number) => void): Promise<BacktestReport[]> {
  const progress = new Array<number>(plan.combinations.length).fill(0);
  let perRun = 0;
  const report = () => {
    if (perRun > 0) onProgress?.(progress.reduce((sum, done) => sum + done, 0), perRun * plan.combinations.length);
  };
  return Promise.all(
    plan.combinations.map((params, index) =>
      pool.run({ ...job, params }, (done, total) => {
        perRun = total;
        progress[index] = done;
        report();
      }),
    ),
  );
}
