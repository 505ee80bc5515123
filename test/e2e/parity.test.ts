/**
 * Parity: six paper bots, one per strategy, run through the live pipeline (the embedded
 * platform: real scheduler, bus, strategy, risk and execution services, the replayed
 * market) and the backtest runs over the same candles; both must take the same decisions,
 * in the same words, and make the same fills, to the last decimal.
 *
 * The conditions, made equal on purpose: every candle gets its own tick (the scheduler
 * back-fills every late candle, so no candle is decided late and left untraded), and a
 * tick waits for the bot's open order to fill before deciding (as in the backtest, where
 * an order fills before the next candle). The test checks both held.
 */
import t from 'tap';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runBacktest } from '../../libs/backtest/backtest.ts';
import { settingsForJob } from '../../libs/backtest/backtest-job.ts';
import { Decimal } from '../../libs/domain/decimal.ts';
import { parseCandleFile } from '../../libs/market/candle-file.ts';
import type { RiskSettingsRecord } from '../../libs/risk/risk-settings.ts';
import { eventually, SHARED_DATA, startTestPlatform, temporaryDataDir } from '../support/platform.ts';

/** The first candles of the recorded ETH/BTC file, with one taken out to make a gap. */
const CANDLES = 200;
const GAP_INDEX = 150;
const gapTime = (JSON.parse(readFileSync(path.join(SHARED_DATA, 'ETH_BTC-1m.json'), 'utf8')) as number[][])[GAP_INDEX]![0]!;
const rows = (JSON.parse(readFileSync(path.join(SHARED_DATA, 'ETH_BTC-1m.json'), 'utf8')) as unknown[]).slice(0, CANDLES).filter((_, index) => index !== GAP_INDEX);
const replayDir = mkdtempSync(path.join(os.tmpdir(), 'tradebot-parity-'));
t.teardown(() => rmSync(replayDir, { recursive: true, force: true }));
writeFileSync(path.join(replayDir, 'ETH_BTC-1m.json'), JSON.stringify(rows));
const file = parseCandleFile(JSON.stringify(rows), 'ETH_BTC-1m.json');
const lastCandle = file.candles.at(-1)!.openTime;

const QUOTE_BALANCE = '1';
const BOTS: { strategy: string; params: Record<string, number>; risk: RiskSettingsRecord }[] = [
  { strategy: 'ema-cross', params: { fast: 5, slow: 13 }, risk: { stakeAmount: '0.5', maxPositionAmount: '1', stopLossPercent: 0.5, takeProfitPercent: 1 } },
  { strategy: 'sma-cross', params: { fast: 5, slow: 15 }, risk: { stakeAmount: '0.5', maxPositionAmount: '1', stopLossPercent: 2, takeProfitPercent: 3 } },
  { strategy: 'rsi-reversion', params: { period: 7, oversold: 35, overbought: 60 }, risk: { stakeAmount: '0.5', maxPositionAmount: '1', stopLossPercent: 0.5, takeProfitPercent: 0.6 } },
  { strategy: 'macd-cross', params: { fast: 5, slow: 13, signal: 4 }, risk: { stakeAmount: '0.5', maxPositionAmount: '1', stopLossPercent: 2, takeProfitPercent: 3 } },
  { strategy: 'bollinger-breakout', params: { period: 10, deviations: 1.5 }, risk: { stakeAmount: '0.5', maxPositionAmount: '1', stopLossPercent: 2, takeProfitPercent: 3 } },
  { strategy: 'dca', params: { period: 10, entryDipPercent: 0, stepPercent: 0.3, targetPercent: 0.4 }, risk: { stakeAmount: '0.2', maxPositionAmount: '0.6', stopLossPercent: null, takeProfitPercent: null } },
];

const exact = (value: string | null) => (value === null ? null : new Decimal(value).toFixed());

// Live bots run on a real (accelerated) clock: on a loaded machine they need longer than the default.
t.setTimeout(300_000);

t.test('live bots and backtests over the same candles decide the same and fill the same, for every strategy', async (t) => {
  const data = temporaryDataDir();
  t.teardown(() => data.remove());
  const platform = await startTestPlatform({
    dataDir: data.path,
    env: { REPLAY_DIR: replayDir, REPLAY_SPEED: '600', BACKTEST_WORKERS: '0' },
    tuning: { schedulerBackfill: CANDLES * 2 },
  });
  t.teardown(() => platform.stop());
  const client = await platform.api.signUp('parity@example.com');
  const botIds: string[] = [];
  for (const bot of BOTS) {
    const created = await client.post('/bots', { name: bot.strategy, marketSource: 'replay', market: 'ETH/BTC', strategy: { name: bot.strategy, params: bot.params }, risk: bot.risk, quoteBalance: QUOTE_BALANCE });
    t.equal(created.status, 201, `${bot.strategy} bot created`);
    botIds.push(created.body.id);
  }
  const started = await Promise.all(botIds.map((id) => client.post(`/bots/${id}/start`)));
  t.same(started.map((response) => response.body.status), BOTS.map(() => 'running'));

  const connection = platform.mesh.database.em().getConnection();
  await eventually(async () => {
    const [row] = await connection.execute<{ done: string; pending: string }[]>(
      `select (select count(*) from bot_states where bot_id in (?) and last_candle_time = ?) as done,
              (select count(*) from orders where bot_id in (?) and status = 'pending_submit') as pending`,
      [botIds, new Date(lastCandle), botIds]);
    return Number(row?.done) === BOTS.length && Number(row?.pending) === 0 ? true : undefined;
  }, 150_000, 'every bot to decide the last candle and its orders to fill');

  let gapsSeen = 0;
  for (const [index, bot] of BOTS.entries()) {
    const botId = botIds[index]!;
    const live = await connection.execute<{ candle_time: Date; signal: string; outcome: string; reason: string; price: string | null; indicators: Record<string, number | null> }[]>(
      'select candle_time, signal, outcome, reason, price, indicators from decisions where bot_id = ? order by candle_time', [botId]);
    const liveFills = await connection.execute<{ candle_time: Date; side: string; price: string; quantity: string; fee: string }[]>(
      'select o.candle_time, f.side, f.price, f.quantity, f.fee from fills f join orders o on o.id = f.order_id where f.bot_id = ? order by o.candle_time', [botId]);
    const [state] = await connection.execute<{ quote_balance: string; base_balance: string }[]>('select quote_balance, base_balance from bot_states where bot_id = ?', [botId]);

    const from = Math.max(file.candles[0]!.openTime, new Date(live[0]!.candle_time).getTime());
    const liveDecisions = live.filter((row) => new Date(row.candle_time).getTime() >= from);
    t.notOk(live.some((row) => row.outcome === 'skipped'), `${bot.strategy}: every candle was decided on its own tick (none caught up late)`);
    t.notOk(live.some((row) => /still open/.test(row.reason)), `${bot.strategy}: every order filled before the next decision`);

    const settings = settingsForJob({ strategy: bot.strategy, params: bot.params, data: undefined as never, initialBalance: QUOTE_BALANCE, risk: bot.risk, feeRate: '0.001', slippageRate: '0.0005' }, 'ETH/BTC', '1m');
    const backtest = runBacktest(file.candles, { ...settings, tradeFrom: from, recordDecisions: true });

    t.same(
      liveDecisions.map((row) => ({ time: new Date(row.candle_time).getTime(), signal: row.signal, outcome: row.outcome, reason: row.reason, price: exact(row.price), indicators: row.indicators })),
      backtest.decisions!.map((decision) => ({ time: decision.candleTime, signal: decision.signal, outcome: decision.outcome, reason: decision.reason, price: decision.price?.toFixed() ?? null, indicators: decision.indicators })),
      `${bot.strategy}: the same ${liveDecisions.length} decisions, in the same words, with the same indicator values`,
    );
    t.same(
      liveFills.map((fill) => ({ time: new Date(fill.candle_time).getTime(), side: fill.side, price: exact(fill.price), quantity: exact(fill.quantity), fee: exact(fill.fee) })),
      backtest.fills.map((fill) => ({ time: fill.candleTime, side: fill.side, price: fill.price.toFixed(), quantity: fill.quantity.toFixed(), fee: fill.fee.toFixed() })),
      `${bot.strategy}: the same ${backtest.fills.length} fills, to the last decimal`,
    );
    t.equal(exact(state!.quote_balance), backtest.balances.quote.toFixed(), `${bot.strategy}: the same quote balance`);
    t.equal(exact(state!.base_balance), backtest.balances.base.toFixed(), `${bot.strategy}: the same base balance`);
    t.ok(liveDecisions.length >= 40 && backtest.fills.length >= 3, `${bot.strategy}: ${liveDecisions.length} candles decided, ${backtest.fills.length} fills`);
    if (from < gapTime) {
      t.ok(liveDecisions.some((row) => row.outcome === 'no-data' && new Date(row.candle_time).getTime() === gapTime), `${bot.strategy}: the gap was decided as no-data on both sides`);
      gapsSeen += 1;
    }
  }
  t.ok(gapsSeen >= 1, `${gapsSeen} bots were running when the gap came`);
  const dca = await connection.execute<{ buys: string }[]>(
    `select max(buys) as buys from (select count(*) as buys from fills where bot_id = ? and side = 'buy' group by date_trunc('hour', executed_at)) per_hour`, [botIds.at(-1)]);
  t.ok(Number(dca[0]?.buys) > 1, 'the DCA bot scaled into its position live too');
});
