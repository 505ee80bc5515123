import t from 'tap';
import path from 'node:path';
import { runBacktest } from '../../../libs/backtest/backtest.ts';
import { JobCache, runJob, settingsForJob, type BacktestJob } from '../../../libs/backtest/backtest-job.ts';
import { IndicatorSeriesCache } from '../../../libs/backtest/indicator-series.ts';
import { Decimal, decimalFromPrice } from '../../../libs/domain/decimal.ts';
import { loadCandleFile } from '../../../libs/market/candle-file.ts';
import type { RiskSettingsRecord } from '../../../libs/risk/risk-settings.ts';
import { NO_DATA_REASON } from '../../../libs/trading/candle-decision.ts';
import { SHARED_DATA } from '../../support/platform.ts';

const DEFAULT_LIMITS: RiskSettingsRecord = { stakeAmount: '100', maxPositionAmount: '1000', stopLossPercent: 5, takeProfitPercent: 10 };

function job(strategy: string, file: string, params: Record<string, number> = {}, risk: RiskSettingsRecord = DEFAULT_LIMITS): BacktestJob {
  return { strategy, params, data: { kind: 'file', path: path.join(SHARED_DATA, file) }, initialBalance: '1000', risk, feeRate: '0.001', slippageRate: '0.0005', report: { maxTrades: 10_000 } };
}

/**
 * Golden numbers: each strategy on a recorded file, with its trades and final balances
 * pinned. A change to strategy, risk, paper-exchange or position code that moves any of
 * them shows here first.
 */
const GOLDEN = [
  { job: job('ema-cross', 'ETH_BTC-1m.json', { fast: 12, slow: 26 }), trades: 467, fills: 935, quote: '635.37560937857065686', equity: '736.06534938713494256' },
  { job: job('sma-cross', 'LTC_BTC-5m.json', { fast: 10, slow: 30 }), trades: 164, fills: 329, quote: '814.49078655909120256', equity: '914.79311395073775256' },
  { job: job('rsi-reversion', 'ADA_BTC-1m.json'), trades: 47, fills: 95, quote: '897.138387238508321481', equity: '996.065447954320131081' },
  { job: job('macd-cross', 'ZEC_BTC-5m.json'), trades: 360, fills: 720, quote: '744.786701677655466291', equity: '744.786701677655466291' },
  { job: job('bollinger-breakout', 'XRP_ETH-1m.json'), trades: 75, fills: 150, quote: '970.473160872733555549', equity: '970.473160872733555549' },
  {
    job: job('dca', 'UNITTEST_BTC-1m.json', { stepPercent: 1.5, targetPercent: 2 }, { stakeAmount: '100', maxPositionAmount: '500', stopLossPercent: null, takeProfitPercent: null }),
    trades: 37, fills: 143, quote: '688.518896434077516961', equity: '1075.923975221876159961',
  },
];

for (const golden of GOLDEN) {
  t.test(`golden: ${golden.job.strategy} on ${path.basename((golden.job.data as { path: string }).path)} makes ${golden.trades} trades and ends at ${golden.quote}`, async (t) => {
    const first = await runJob(golden.job, new JobCache());
    const metrics = first.report.metrics;
    t.equal(metrics.trades, golden.trades, 'closed trades');
    t.equal(metrics.fills, golden.fills, 'fills');
    t.equal(metrics.finalQuoteBalance, golden.quote, 'final quote balance, exact');
    t.equal(metrics.finalEquity, golden.equity, 'final equity at the last close, exact');
    const rerun = await runJob(golden.job, new JobCache());
    t.same(rerun.report, first.report, 'a rerun gives an identical report');
  });
}

t.test('a fill is the paper exchange fill at the candle close moved by slippage, with the fee, and the account follows the fills exactly', async (t) => {
  const { run } = await runJob(job('ema-cross', 'ETH_BTC-1m.json', { fast: 12, slow: 26 }), new JobCache());
  const fill = run.fills[0]!;
  const candle = run.candles.find((candle) => candle.openTime === fill.candleTime)!;
  t.equal(fill.side, 'buy');
  t.equal(fill.price.toFixed(), decimalFromPrice(candle.close).mul('1.0005').toFixed(), 'close plus 0.05% slippage');
  t.equal(fill.fee.toFixed(), fill.price.mul(fill.quantity).mul('0.001').toDecimalPlaces(18).toFixed(), '0.1% fee in quote');
  t.ok(fill.price.mul(fill.quantity).add(fill.fee).lte(100), 'sized within the 100 stake');
  let quote = new Decimal(1000);
  for (const each of run.fills) {
    const notional = each.price.mul(each.quantity).toDecimalPlaces(18);
    quote = each.side === 'buy' ? quote.sub(notional).sub(each.fee) : quote.add(notional).sub(each.fee);
  }
  t.equal(quote.toFixed(), run.balances.quote.toFixed(), 'the final quote balance is the sum of the fills');
  const free = await runJob({ ...job('ema-cross', 'ETH_BTC-1m.json', { fast: 12, slow: 26 }), feeRate: '0', slippageRate: '0' }, new JobCache());
  t.ok(new Decimal(free.report.metrics.finalEquity).gt(run.balances.quote), 'costs matter: without fees and slippage the same strategy ends higher');
});

t.test('dca scales into a position within the maximum position', async (t) => {
  const golden = GOLDEN.at(-1)!;
  const { run, report } = await runJob(golden.job, new JobCache());
  const scaled = run.trades.filter((trade) => trade.entries > 1);
  t.ok(scaled.length > 5, `${scaled.length} trades bought more than once`);
  t.ok(run.trades.every((trade) => trade.cost.lte(500)), 'no trade cost more than the 500 maximum position');
  t.ok(run.trades.some((trade) => trade.entries === 5), 'the ladder reaches five stakes of 100');
  t.ok(Math.max(...run.trades.map((trade) => trade.entries)) >= 5);
  t.equal(report.metrics.winRate, 1, 'every closed DCA trade took its profit target');
});

t.test('gaps in the data are decided as no-data, in the words of the live decision log, and counted', async (t) => {
  const file = await loadCandleFile(path.join(SHARED_DATA, 'UNITTEST_BTC-1m.json'));
  const settings = { ...settingsForJob(job('ema-cross', 'UNITTEST_BTC-1m.json'), file.symbol, file.timeframe), recordDecisions: true };
  const run = runBacktest(file.candles, settings);
  const noData = run.decisions!.filter((decision) => decision.outcome === 'no-data');
  t.equal(run.gaps.gapCount, file.gaps.gapCount, `${file.gaps.gapCount} gaps`);
  t.equal(noData.length, file.gaps.missingCandles, `one no-data decision per missing candle (${file.gaps.missingCandles})`);
  t.ok(noData.every((decision) => decision.reason === NO_DATA_REASON && decision.price === null));
  t.equal(run.decisions!.length, file.candles.length + file.gaps.missingCandles, 'a decision for every candle time from first to last');
  const ordered = run.decisions!.filter((decision) => decision.outcome === 'ordered');
  t.equal(ordered.length, run.fills.length, 'every order filled');
  t.ok(ordered.every((decision) => typeof decision.indicators['fast'] === 'number'), 'indicator values kept with the decision');
});

t.test('candles before tradeFrom only warm the indicators up', async (t) => {
  const file = await loadCandleFile(path.join(SHARED_DATA, 'ETH_BTC-1m.json'));
  const tradeFrom = file.candles[2_000]!.openTime;
  const settings = { ...settingsForJob(job('ema-cross', 'ETH_BTC-1m.json', { fast: 12, slow: 26 }), file.symbol, file.timeframe), tradeFrom, recordDecisions: true };
  const cache = new IndicatorSeriesCache(file.candles);
  const run = runBacktest(file.candles, settings, { indicators: cache });
  t.equal(run.decisions![0]?.candleTime, tradeFrom, 'the first decision is at tradeFrom');
  t.notMatch(run.decisions![0]?.reason, /warming up/, 'with warm indicators');
  t.ok(run.fills.every((fill) => fill.candleTime >= tradeFrom));
  t.equal(run.equity.length, file.candles.length - 2_000);
  runBacktest(file.candles, { ...settings, params: { fast: 12, slow: 40 } }, { indicators: cache });
  t.equal(cache.computed, 3, 'a second run sharing EMA 12 computes only EMA 40');
});

t.test('progress is reported while running and at the end', async (t) => {
  const file = await loadCandleFile(path.join(SHARED_DATA, 'ADA_BTC-1m.json'));
  const calls: [number, number][] = [];
  runBacktest(file.candles, settingsForJob(job('rsi-reversion', 'ADA_BTC-1m.json'), file.symbol, file.timeframe), { onProgress: (done, total) => calls.push([done, total]) });
  t.same(calls.at(-1), [file.candles.length, file.candles.length]);
  t.ok(calls.every(([done], index) => index === 0 || done >= calls[index - 1]![0]), 'never goes backwards');
});
