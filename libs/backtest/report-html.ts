/**
 * The backtest's page: one self-contained HTML file (no network needed to open it) with
 * the candles and every entry and exit drawn on them, the equity curve under them on the
 * same time axis, the metrics and the trades. Charts are TradingView's Lightweight Charts,
 * whose standalone build is inlined into the page.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Candle } from '../domain/candle.ts';
import type { BacktestRun } from './backtest.ts';
import { formatReport, percent, shortAmount, type BacktestReport } from './report.ts';

/** Candles drawn at most; longer runs are drawn as fewer, larger candles. */
const MAX_DRAWN_CANDLES = 50_000;

/** The standalone Lightweight Charts script, read from node_modules. */
export function chartLibrarySource(): string {
  const require = createRequire(import.meta.url);
  const packageFile = require.resolve('lightweight-charts/package.json');
  return readFileSync(path.join(path.dirname(packageFile), 'dist', 'lightweight-charts.standalone.production.js'), 'utf8');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** JSON safe to inline in a <script> element. */
function inlineJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/** Groups every `size` candles into one, so a long run stays drawable. */
function drawnCandles(candles: readonly Candle[], size: number): { time: number; open: number; high: number; low: number; close: number }[] {
  const drawn = [];
  for (let start = 0; start < candles.length; start += size) {
    const first = candles[start]!;
    let high = first.high;
    let low = first.low;
    const end = Math.min(candles.length, start + size);
    for (let index = start + 1; index < end; index += 1) {
      high = Math.max(high, candles[index]!.high);
      low = Math.min(low, candles[index]!.low);
    }
    drawn.push({ time: Math.floor(first.openTime / 1000), open: first.open, high, low, close: candles[end - 1]!.close });
  }
  return drawn;
}

function indexAtOrAfter(candles: readonly Candle[], time: number): number {
  let low = 0;
  let high = candles.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (candles[middle]!.openTime < time) low = middle + 1;
    else high = middle;
  }
  return low;
}

function pricePrecision(candles: readonly Candle[]): number {
  let lowest = Number.POSITIVE_INFINITY;
  for (const candle of candles) lowest = Math.min(lowest, candle.low);
  return Math.min(12, Math.max(2, Math.ceil(-Math.log10(lowest)) + 4));
}

export function buildHtmlReport(run: BacktestRun, report: BacktestReport, chartLibrary = chartLibrarySource()): string {
  const decided = run.candles.slice(run.firstIndex);
  const size = Math.max(1, Math.ceil(decided.length / MAX_DRAWN_CANDLES));
  const candles = drawnCandles(decided, size);
  const bucketTime = (time: number) => candles[Math.min(candles.length - 1, Math.floor(indexAtOrAfter(decided, time) / size))]!.time;
  const markers = run.fills.map((fill) => ({
    time: size === 1 ? Math.floor(fill.candleTime / 1000) : bucketTime(fill.candleTime),
    position: fill.side === 'buy' ? 'belowBar' : 'aboveBar',
    color: fill.side === 'buy' ? '#1b8a3a' : fill.realizedProfit.gte(0) ? '#1565c0' : '#c62828',
    shape: fill.side === 'buy' ? 'arrowUp' : 'arrowDown',
    text: fill.side === 'buy' ? 'buy' : `sell ${fill.realizedProfit.gte(0) ? '+' : ''}${shortAmount(fill.realizedProfit.toFixed(), 4)}`,
  }));
  const equity: { time: number; value: number }[] = [];
  for (let start = 0; start < decided.length; start += size) {
    const end = Math.min(decided.length, start + size) - 1;
    equity.push({ time: candles[start / size]!.time, value: run.equity[end]! });
  }
  const precision = pricePrecision(decided);
  const m = report.metrics;
  const title = `${report.strategy} on ${report.market} ${report.timeframe}`;
  const tradeRows = report.trades
    .map((trade) => `<tr><td>${escapeHtml(trade.entryTime)}</td><td>${escapeHtml(trade.exitTime ?? 'open')}</td><td>${trade.entries}</td><td>${escapeHtml(shortAmount(trade.cost))}</td><td>${escapeHtml(shortAmount(trade.profit))}</td><td>${trade.returnPercent.toFixed(2)}%</td></tr>`)
    .join('\n');
  const summary = [
    ['total return', percent(m.totalReturn)], ['buy and hold', percent(m.buyAndHoldReturn)], ['max drawdown', percent(m.maxDrawdown)],
    ['trades', String(m.trades)], ['win rate', percent(m.winRate, 1)], ['exposure', percent(m.exposure, 1)],
  ].map(([label, value]) => `<div class="metric"><span>${escapeHtml(label!)}</span><b>${escapeHtml(value!)}</b></div>`).join('');

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Backtest: ${escapeHtml(title)}</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1d1d1f; }
  h1 { font-size: 1.3rem; margin: 0 0 .3rem; }
  .metrics { display: flex; flex-wrap: wrap; gap: .5rem; margin: 1rem 0; }
  .metric { border: 1px solid #ddd; border-radius: 6px; padding: .4rem .8rem; }
  .metric span { display: block; color: #666; font-size: .8rem; }
  #chart { height: 620px; }
  pre { background: #f6f6f6; padding: .8rem; overflow-x: auto; }
  table { border-collapse: collapse; margin-top: 1rem; }
  td, th { border-bottom: 1px solid #eee; padding: .2rem .6rem; text-align: right; }
  .note { color: #666; }
</style>
</head>
<body>
<h1>Backtest: ${escapeHtml(title)}</h1>
<div class="note">${escapeHtml(JSON.stringify(report.params))}${size > 1 ? ` — drawn as ${candles.length} candles of ${size} ${escapeHtml(report.timeframe)} each` : ''}</div>
<div class="metrics">${summary}</div>
<div id="chart"></div>
<pre>${escapeHtml(formatReport(report))}</pre>
<table><thead><tr><th>entry</th><th>exit</th><th>buys</th><th>cost</th><th>profit</th><th>return</th></tr></thead><tbody>
${tradeRows}
</tbody></table>
${report.trades.length < m.trades + (m.openTrade ? 1 : 0) ? `<p class="note">First ${report.trades.length} trades shown.</p>` : ''}
<script>${chartLibrary.replace(/<\/script/gi, '<\\/script')}</script>
<script>
const data = ${inlineJson({ candles, markers, equity, precision })};
const chart = LightweightCharts.createChart(document.getElementById('chart'), {
  autoSize: true,
  layout: { panes: { separatorColor: '#ccc' } },
  timeScale: { timeVisible: true, secondsVisible: false },
});
const candles = chart.addSeries(LightweightCharts.CandlestickSeries, {
  priceFormat: { type: 'price', precision: data.precision, minMove: Math.pow(10, -data.precision) },
});
candles.setData(data.candles);
LightweightCharts.createSeriesMarkers(candles, data.markers);
const equity = chart.addSeries(LightweightCharts.LineSeries, { color: '#6a1b9a', lineWidth: 2, title: 'equity' }, 1);
equity.setData(data.equity);
chart.panes()[1]?.setHeight(200);
chart.timeScale().fitContent();
</script>
</body>
</html>
`;
}
