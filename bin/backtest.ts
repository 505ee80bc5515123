/**
 * `npm run backtest -- --strategy ema-cross --params '{"fast":12,"slow":26}' --data ../shared/data/ohlcv/ETH_BTC-1m.json`
 * Backtests a strategy on a candle file with the live trading code and prints the report;
 * `--out page.html` draws it; `--sweep` tries a grid of parameters on every core. See
 * `--help`. Bad options and bad files are refused with the option or row named.
 */
import { writeFileSync } from 'node:fs';
import { runBacktest, BacktestInputError } from '../libs/backtest/backtest.ts';
import { packCandles, settingsForJob, type BacktestJob } from '../libs/backtest/backtest-job.ts';
import { CliOptionError, parseBacktestOptions, USAGE, type BacktestCliOptions } from '../libs/backtest/cli-options.ts';
import { ProgressBar } from '../libs/backtest/progress-bar.ts';
import { buildReport, formatReport, percent, ratio, type BacktestReport } from '../libs/backtest/report.ts';
import { buildHtmlReport } from '../libs/backtest/report-html.ts';
import { planSweep, rankReports, runSweep, SweepGridError } from '../libs/backtest/sweep.ts';
import { BacktestWorkerPool, defaultPoolSize } from '../libs/backtest/worker-pool.ts';
import type { Candle } from '../libs/domain/candle.ts';
import { aggregateCandles, isAggregatable } from '../libs/market/candle-aggregation.ts';
import { CandleFileError, loadCandleFile, type CandleFile } from '../libs/market/candle-file.ts';

function fail(message: string): never {
  process.stderr.write(`backtest: ${message}\n(see npm run backtest -- --help)\n`);
  process.exit(2);
}

async function loadData(options: BacktestCliOptions): Promise<{ file: CandleFile; candles: readonly Candle[] }> {
  let file: CandleFile;
  try {
    file = await loadCandleFile(options.dataPath);
  } catch (error) {
    if (error instanceof CandleFileError) fail(`--data: ${error.message}`);
    throw error;
  }
  if (options.timeframe === undefined || options.timeframe === file.timeframe) return { file, candles: file.candles };
  if (!isAggregatable(file.timeframe, options.timeframe)) fail(`--timeframe: ${file.path} holds ${file.timeframe} candles, which cannot make ${options.timeframe} candles`);
  return { file, candles: aggregateCandles(file.candles, options.timeframe) };
}

function writeHtml(path: string, html: string): void {
  try {
    writeFileSync(path, html);
  } catch (error) {
    fail(`--out: cannot write ${path} (${error instanceof Error ? error.message : String(error)})`);
  }
  process.stderr.write(`wrote ${path}\n`);
}

function jobOf(options: BacktestCliOptions, file: CandleFile, candles: readonly Candle[]): BacktestJob {
  return {
    strategy: options.strategy.name,
    params: options.params,
    data: { kind: 'packed', key: file.path, buffer: packCandles(candles), symbol: file.symbol, timeframe: options.timeframe ?? file.timeframe },
    initialBalance: options.balance,
    risk: options.risk,
    feeRate: options.feeRate,
    slippageRate: options.slippageRate,
    report: { maxTrades: 0, equityPoints: 2 },
  };
}

function single(options: BacktestCliOptions, file: CandleFile, candles: readonly Candle[]): void {
  const job = jobOf(options, file, candles);
  const settings = settingsForJob(job, file.symbol, options.timeframe ?? file.timeframe);
  const bar = new ProgressBar(process.stderr, 'backtest', 'candles');
  const started = performance.now();
  const run = runBacktest(candles, settings, { onProgress: (done, total) => bar.update(done, total) });
  const seconds = (performance.now() - started) / 1000;
  bar.finish();
  const report = buildReport(run, { maxTrades: 10_000, equityPoints: 1_000 });
  process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`);
  process.stderr.write(`${candles.length.toLocaleString('en-US')} candles in ${seconds.toFixed(3)} s\n`);
  if (options.out) writeHtml(options.out, buildHtmlReport(run, report));
}

function sweepTable(reports: readonly BacktestReport[]): string {
  const header = ['rank', 'params', 'return', 'annualised', 'drawdown', 'Sharpe', 'Sortino', 'trades', 'win rate', 'exposure'];
  const rows = reports.map((report, index) => {
    const m = report.metrics;
    return [String(index + 1), JSON.stringify(report.params), percent(m.totalReturn), percent(m.annualisedReturn), percent(m.maxDrawdown), ratio(m.sharpe), ratio(m.sortino), String(m.trades), percent(m.winRate, 1), percent(m.exposure, 1)];
  });
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => (column === 1 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

async function sweep(options: BacktestCliOptions, file: CandleFile, candles: readonly Candle[]): Promise<void> {
  let plan;
  try {
    plan = planSweep(options.strategy, options.givenParams, options.sweep);
  } catch (error) {
    if (error instanceof SweepGridError) fail(`--sweep: ${error.message}`);
    throw error;
  }
  const workers = Math.min(options.workers ?? defaultPoolSize(), plan.combinations.length);
  const pool = new BacktestWorkerPool(workers);
  const bar = new ProgressBar(process.stderr, `sweep of ${plan.combinations.length} on ${workers} threads`, 'candles');
  const started = performance.now();
  let reports;
  try {
    reports = await runSweep(pool, jobOf(options, file, candles), plan, (done, total) => bar.update(done, total));
  } finally {
    bar.finish();
    await pool.close();
  }
  const seconds = (performance.now() - started) / 1000;
  const ranked = rankReports(reports, options.rankBy);
  if (options.json) process.stdout.write(`${JSON.stringify({ rankedBy: options.rankBy, results: ranked, refused: plan.refused }, null, 2)}\n`);
  else {
    process.stdout.write(`${options.strategy.name} on ${file.symbol} ${options.timeframe ?? file.timeframe}, ranked by ${options.rankBy}\n${sweepTable(ranked)}\n`);
    for (const refused of plan.refused) process.stdout.write(`skipped ${JSON.stringify(refused.params)}: ${refused.reason}\n`);
  }
  process.stderr.write(`${plan.combinations.length} backtests of ${candles.length.toLocaleString('en-US')} candles in ${seconds.toFixed(2)} s on ${workers} threads\n`);
  const best = ranked[0];
  if (options.out && best) {
    const job = { ...jobOf(options, file, candles), params: best.params };
    const run = runBacktest(candles, settingsForJob(job, file.symbol, options.timeframe ?? file.timeframe));
    writeHtml(options.out, buildHtmlReport(run, buildReport(run, { maxTrades: 10_000, equityPoints: 1_000 })));
  }
}

async function main(): Promise<void> {
  let options;
  try {
    options = parseBacktestOptions(process.argv.slice(2));
  } catch (error) {
    if (error instanceof CliOptionError) fail(error.message);
    throw error;
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const { file, candles } = await loadData(options);
  try {
    if (options.sweep === undefined) single(options, file, candles);
    else await sweep(options, file, candles);
  } catch (error) {
    if (error instanceof BacktestInputError) fail(error.message);
    throw error;
  }
}

await main();
