/**
 * `npm run bench:backtest`: how fast the backtest engine runs.
 * 1. One EMA-cross backtest on one core, over a million simulated 1-minute candles and
 *    over the real ETH/BTC file: candles per second, indicators included.
 * 2. A sweep of parameter combinations on one worker thread and then on one per core:
 *    the speed-up.
 * Prints the machine's load while measuring, since other work on the cores skews both.
 * BENCH_CANDLES (default 1000000) sets the simulated series' length.
 */
import os from 'node:os';
import path from 'node:path';
import { runBacktest, type BacktestSettings } from '../libs/backtest/backtest.ts';
import { packCandles, type BacktestJob } from '../libs/backtest/backtest-job.ts';
import { ProgressBar } from '../libs/backtest/progress-bar.ts';
import { planSweep, runSweep } from '../libs/backtest/sweep.ts';
import { BacktestWorkerPool } from '../libs/backtest/worker-pool.ts';
import type { Candle } from '../libs/domain/candle.ts';
import { Decimal } from '../libs/domain/decimal.ts';
import { DEFAULT_PAPER_FILL_MODEL } from '../libs/exchange/paper/paper-exchange.ts';
import { loadCandleFile } from '../libs/market/candle-file.ts';
import { createSimulatedMarket } from '../libs/market/simulated-market.ts';
import { DEFAULT_RISK, riskSettingsFromRecord } from '../libs/risk/risk-settings.ts';
import { findStrategy, resolveParams } from '../libs/strategies/registry.ts';

const CANDLES = Number(process.env['BENCH_CANDLES'] ?? 1_000_000);
const REPEATS = 5;
const SWEEP = { fast: [8, 10, 12, 14, 16, 18, 20, 22], slow: [30, 40] };
const REAL_FILE = path.resolve(import.meta.dirname, '../../shared/data/ohlcv/ETH_BTC-1m.json');
const MINUTE = 60_000;

const format = (value: number) => Math.round(value).toLocaleString('en-US');
const load = () => os.loadavg().map((value) => value.toFixed(2)).join(' ');

async function simulatedCandles(count: number): Promise<Candle[]> {
  const bar = new ProgressBar(process.stderr, 'generating simulated candles', 'candles');
  const market = createSimulatedMarket({ seed: 42, startTime: 0, speed: 1 });
  const start = Date.UTC(2024, 0, 1);
  const candles: Candle[] = [];
  const chunk = 100_000;
  for (let from = 0; from < count; from += chunk) {
    const size = Math.min(chunk, count - from);
    candles.push(...(await market.candles('BTC/USDT', '1m', start + from * MINUTE, start + (from + size - 1) * MINUTE)));
    bar.update(candles.length, count);
  }
  return candles;
}

function emaCrossSettings(symbol: string): BacktestSettings {
  const strategy = findStrategy('ema-cross')!;
  const params = resolveParams(strategy, { fast: 12, slow: 26 });
  if (params.kind !== 'valid') throw new Error(params.message);
  return {
    strategy, params: params.params, symbol, timeframe: '1m', initialBalance: new Decimal(1000),
    risk: riskSettingsFromRecord(DEFAULT_RISK), fillModel: DEFAULT_PAPER_FILL_MODEL,
  };
}

/** Best and median candles per second of REPEATS full runs (indicators computed afresh each time). */
function singleCore(label: string, candles: readonly Candle[], settings: BacktestSettings): void {
  const bar = new ProgressBar(process.stderr, label, 'runs');
  runBacktest(candles, settings); // warm-up: let the JIT compile the loop
  const rates: number[] = [];
  let fills = 0;
  for (let repeat = 0; repeat < REPEATS; repeat += 1) {
    const started = performance.now();
    const run = runBacktest(candles, settings);
    rates.push(candles.length / ((performance.now() - started) / 1000));
    fills = run.fills.length;
    bar.update(repeat + 1, REPEATS);
  }
  rates.sort((a, b) => a - b);
  console.log(`${label}: ${format(rates[Math.floor(REPEATS / 2)]!)} candles/s median, ${format(rates.at(-1)!)} best (${format(candles.length)} candles, ${format(fills)} fills per run)`);
}

async function sweepSeconds(workers: number, job: BacktestJob, label: string): Promise<number> {
  const plan = planSweep(findStrategy('ema-cross')!, {}, SWEEP);
  const pool = new BacktestWorkerPool(workers);
  try {
    // Each worker loads the candles once; a throw-away sweep does that outside the timing.
    await Promise.all(Array.from({ length: workers }, () => pool.run({ ...job, params: { fast: 2, slow: 3 } })));
    const bar = new ProgressBar(process.stderr, label, 'candles');
    const started = performance.now();
    await runSweep(pool, job, plan, (done, total) => bar.update(done, total));
    bar.finish();
    return (performance.now() - started) / 1000;
  } finally {
    await pool.close();
  }
}

console.log(`backtest benchmark: Node ${process.version}, ${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), load average ${load()} at start`);
const candles = await simulatedCandles(CANDLES);
singleCore('EMA cross 12/26, simulated BTC/USDT 1m, one core', candles, emaCrossSettings('BTC/USDT'));
const real = await loadCandleFile(REAL_FILE);
singleCore('EMA cross 12/26, real ETH/BTC 1m, one core', real.candles, emaCrossSettings(real.symbol));

const cores = os.availableParallelism();
const job: BacktestJob = {
  strategy: 'ema-cross', params: {}, initialBalance: '1000', risk: DEFAULT_RISK,
  feeRate: DEFAULT_PAPER_FILL_MODEL.feeRate.toFixed(), slippageRate: DEFAULT_PAPER_FILL_MODEL.slippageRate.toFixed(),
  data: { kind: 'packed', key: 'bench', buffer: packCandles(candles), symbol: 'BTC/USDT', timeframe: '1m' },
  report: { maxTrades: 0, equityPoints: 2 },
};
const combinations = SWEEP.fast.length * SWEEP.slow.length;
const oneThread = await sweepSeconds(1, job, 'sweep on 1 thread');
const allThreads = await sweepSeconds(cores, job, `sweep on ${cores} threads`);
const total = combinations * candles.length;
console.log(`sweep of ${combinations} EMA-cross backtests over ${format(candles.length)} candles: 1 thread ${oneThread.toFixed(2)} s (${format(total / oneThread)} candles/s), ${cores} threads ${allThreads.toFixed(2)} s (${format(total / allThreads)} candles/s): speed-up ${(oneThread / allThreads).toFixed(2)}x on ${cores} cores`);
console.log(`load average at end: ${load()}`);
