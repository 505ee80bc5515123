import t from 'tap';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SHARED_DATA } from '../../support/platform.ts';

const CLI = path.resolve(import.meta.dirname, '../../../bin/backtest.ts');

function backtest(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** The data the HTML page draws from (the JSON inlined in it). */
function pageData(html: string): { candles: unknown[]; markers: { text: string }[]; equity: unknown[] } {
  const match = /const data = (\{.*?\});\n/s.exec(html);
  if (!match) throw new Error('no chart data in the page');
  return JSON.parse(match[1]!);
}

t.test('the CLI backtests every recorded file, with progress, a report and a chart page', async (t) => {
  const out = t.testdir({});
  const files = readdirSync(SHARED_DATA).filter((name) => name.endsWith('.json')).sort();
  t.equal(files.length, 7);
  for (const file of files) {
    const page = path.join(out, `${file}.html`);
    const result = await backtest('--strategy', 'ema-cross', '--params', '{"fast":12,"slow":26}', '--data', path.join(SHARED_DATA, file), '--fee', '0.001', '--balance', '1000', '--json', '--out', page);
    t.equal(result.code, 0, `${file}: ${result.stderr.slice(0, 300)}`);
    const report = JSON.parse(result.stdout);
    t.match(report.metrics, { candles: Number, trades: Number, winRate: Number, totalReturn: Number, annualisedReturn: Number, maxDrawdown: Number, exposure: Number, buyAndHoldReturn: Number }, `${file}: the report's figures`);
    t.ok('sharpe' in report.metrics && 'sortino' in report.metrics);
    t.match(result.stderr, /backtest: .*100%/, `${file}: progress shown`);
    const data = pageData(readFileSync(page, 'utf8'));
    t.equal(data.markers.length, report.metrics.fills, `${file}: every entry and exit drawn`);
    t.equal(data.candles.length, report.metrics.candles, `${file}: every candle drawn`);
    t.equal(data.equity.length, report.metrics.candles, `${file}: the equity curve`);
  }
  const html = readFileSync(path.join(out, `${files[0]}.html`), 'utf8');
  t.match(html, /TradingView Lightweight Charts/, 'the chart library is inlined: the page needs no network');
  t.notMatch(html, /<script[^>]+src=/, 'no external scripts');
});

t.test('the text report names every figure', async (t) => {
  const result = await backtest('--strategy', 'dca', '--data', path.join(SHARED_DATA, 'XRP_ETH-5m.json'), '--stop-loss', 'off');
  t.equal(result.code, 0, result.stderr);
  for (const label of ['trades', 'win rate', 'total return', 'annualised return', 'max drawdown', 'Sharpe', 'Sortino', 'exposure', 'buy and hold', 'final equity']) {
    t.match(result.stdout, new RegExp(`^${label} +\\S`, 'm'), label);
  }
  t.match(result.stdout, /stop-loss off%/);
});

t.test('bad data files are refused naming the file and the row', async (t) => {
  const dir = t.testdir({
    'ETH_BTC-1m.json': '',
    'XRP_ETH-1m.json': JSON.stringify([[1514764800000, 1, 1, 1, 1, 1], [1514764740000, 1, 1, 1, 1, 1]]),
    'LTC_BTC-1m.json': JSON.stringify([[1514764800000, 1, 1, 1, 1, 1], [1514764860000, 1, 'high', 1, 1, 1]]),
    'ADA_BTC-1m.json': '[[1514764800000, 1, 1, 1, 1, 1],',
    'prices.json': '[]',
  });
  const cases: [string, RegExp][] = [
    ['ETH_BTC-1m.json', /--data: .*ETH_BTC-1m.json: file is empty/],
    ['XRP_ETH-1m.json', /--data: .*XRP_ETH-1m.json: row index 1: open time 1514764740000 .* is before row index 0's .*rows must be oldest first/],
    ['LTC_BTC-1m.json', /--data: .*LTC_BTC-1m.json: row index 1: high must be a finite number, got "high"/],
    ['ADA_BTC-1m.json', /--data: .*ADA_BTC-1m.json: not valid JSON/],
    ['prices.json', /--data: .*prices.json: file name must look like BASE_QUOTE-TIMEFRAME.json/],
    ['missing-1m.json', /--data: .*missing-1m.json/],
  ];
  for (const [file, message] of cases) {
    const result = await backtest('--strategy', 'ema-cross', '--data', path.join(dir, file));
    t.equal(result.code, 2, `${file} refused`);
    t.match(result.stderr, message);
    t.notMatch(result.stderr, /at .*\.ts:\d+/, 'no stack trace');
  }
});

t.test('bad options are refused naming the option', async (t) => {
  const data = path.join(SHARED_DATA, 'XRP_ETH-5m.json');
  const cases: [string[], RegExp][] = [
    [['--data', data], /--strategy: is required/],
    [['--strategy', 'moon-shot', '--data', data], /--strategy: unknown strategy "moon-shot"; known: bollinger-breakout, dca, ema-cross/],
    [['--strategy', 'ema-cross'], /--data: is required/],
    [['--strategy', 'ema-cross', '--data', data, '--params', '{fast:12}'], /--params: not valid JSON/],
    [['--strategy', 'ema-cross', '--data', data, '--params', '{"fast":30,"slow":20}'], /--params: slow \(20\) must be greater than fast \(30\)/],
    [['--strategy', 'ema-cross', '--data', data, '--params', '{"speed":3}'], /--params: .*no parameter "speed"/],
    [['--strategy', 'ema-cross', '--data', data, '--fee', '0.9'], /--fee: must be a fraction/],
    [['--strategy', 'ema-cross', '--data', data, '--balance', 'lots'], /--balance: must be a positive decimal/],
    [['--strategy', 'ema-cross', '--data', data, '--stop-loss', '200'], /--stop-loss: must be a percentage/],
    [['--strategy', 'ema-cross', '--data', data, '--timeframe', '1m'], /--timeframe: .*holds 5m candles, which cannot make 1m candles/],
    [['--strategy', 'ema-cross', '--data', data, '--sweep', '{"fast":[]}'], /--sweep: fast must be a non-empty list of numbers/],
    [['--strategy', 'ema-cross', '--data', data, '--sweep', '{"fast":[30],"slow":[20]}'], /--sweep: every combination is refused/],
    [['--strategy', 'ema-cross', '--data', data, '--out', 'report.txt'], /--out: must name an .html file/],
    [['--strategy', 'ema-cross', '--data', data, '--colour', 'blue'], /--colour: Unknown option/],
  ];
  for (const [args, message] of cases) {
    const result = await backtest(...args);
    t.equal(result.code, 2, args.join(' '));
    t.match(result.stderr, message);
  }
});

t.test('a sweep runs the grid across worker threads and ranks the results', async (t) => {
  const result = await backtest('--strategy', 'ema-cross', '--data', path.join(SHARED_DATA, 'ETH_BTC-1m.json'), '--sweep', '{"fast":[8,12,16],"slow":[26,34]}', '--json');
  t.equal(result.code, 0, result.stderr);
  const { rankedBy, results } = JSON.parse(result.stdout);
  t.equal(rankedBy, 'return');
  t.equal(results.length, 6);
  t.same(results.map((report: { params: object }) => report.params).sort((a: { fast: number; slow: number }, b: { fast: number; slow: number }) => a.fast - b.fast || a.slow - b.slow),
    [{ fast: 8, slow: 26 }, { fast: 8, slow: 34 }, { fast: 12, slow: 26 }, { fast: 12, slow: 34 }, { fast: 16, slow: 26 }, { fast: 16, slow: 34 }]);
  const returns = results.map((report: { metrics: { totalReturn: number } }) => report.metrics.totalReturn);
  t.same(returns, [...returns].sort((a, b) => b - a), 'best return first');
  const single = JSON.parse((await backtest('--strategy', 'ema-cross', '--params', '{"fast":12,"slow":26}', '--data', path.join(SHARED_DATA, 'ETH_BTC-1m.json'), '--json')).stdout);
  t.same(results.find((report: { params: { fast: number; slow: number } }) => report.params.fast === 12 && report.params.slow === 26).metrics, single.metrics, 'a worker thread computes what the main thread does');
  t.match(result.stderr, new RegExp(`on ${Math.min(os.availableParallelism(), 6)} threads`), 'one thread per core');
});
