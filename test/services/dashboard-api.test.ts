import t from 'tap';
import { eventually, startTestPlatform } from '../support/platform.ts';
import { startReplayBot, stopAndSettle, waitForTrading, type StartedBot } from '../e2e/trading-session.ts';

// The routes behind the web UI's fleet, bot chart and backtest chart, on a replayed market that trades quickly.
// Real-time: it takes 20 s on an idle machine; five minutes before the runner gives up, as the other real-time tests.
t.setTimeout(300_000);
const platform = await startTestPlatform({ env: { REPLAY_SPEED: '3000' } });
t.teardown(() => platform.stop());

let bot: StartedBot;
const stranger = await platform.api.signUp('stranger@example.com');

t.test('a paper bot on the replayed market trades, then stops', async (t) => {
  bot = await startReplayBot(t, platform, 'fleet-owner@example.com');
  await waitForTrading(bot, 40, 2);
  await stopAndSettle(platform, bot);
});

t.test('the fleet lists each bot once with its position, profit and latest decision', async (t) => {
  const idle = await bot.client.post('/bots', { name: 'idle', market: 'BTC/USDT', strategy: { name: 'rsi-reversion' } });
  t.equal(idle.status, 201);
  const fleet = await bot.client.get('/fleet');
  t.equal(fleet.status, 200);
  t.equal(fleet.body.items.length, 2);
  const traded = fleet.body.items.find((item: { id: string }) => item.id === bot.botId);
  const position = await bot.client.get(`/bots/${bot.botId}/position`);
  const [latest] = (await bot.client.get(`/bots/${bot.botId}/decisions?limit=1`)).body.items;
  t.match(traded, { name: 'replay ema', status: 'stopped', market: 'ETH/BTC', strategy: { name: 'ema-cross' } });
  t.same(traded.position, { quantity: position.body.quantity, lastPrice: position.body.lastPrice, realizedProfit: position.body.realizedProfit, unrealizedProfit: position.body.unrealizedProfit }, 'the position agrees with /position');
  t.equal(traded.equity, position.body.equity);
  t.equal(traded.totalProfit, position.body.totalProfit);
  t.same(traded.lastDecision, { candleTime: latest.candleTime, signal: latest.signal, outcome: latest.outcome, reason: latest.reason, recordedAt: latest.recordedAt }, 'the latest decision agrees with /decisions');
  const fresh = fleet.body.items.find((item: { id: string }) => item.id === idle.body.id);
  t.equal(fresh.lastDecision, null, 'a bot that never ran has no decision');
  t.equal(fresh.totalProfit, '0');
  t.same((await stranger.get('/fleet')).body.items, [], "another user's fleet is empty");
});

t.test("a bot's chart has its candles, the strategy's lines, a marker per fill and equity ending at the position's", async (t) => {
  const chart = await bot.client.get(`/bots/${bot.botId}/chart?candles=20`);
  t.equal(chart.status, 200);
  const position = (await bot.client.get(`/bots/${bot.botId}/position`)).body;
  t.equal(chart.body.candles.length, 20, 'the candles asked for');
  t.equal(chart.body.candles.at(-1).time, Date.parse(position.lastCandleTime), 'ending at the last decided candle');
  t.same(chart.body.indicators.map((line: { name: string }) => line.name).sort(), ['fast', 'slow']);
  t.ok(chart.body.indicators.every((line: { pane: string; points: unknown[] }) => line.pane === 'price' && line.points.length === 20), 'EMAs warmed up over the whole window');
  const decisions = (await bot.client.get(`/bots/${bot.botId}/decisions?limit=60`)).body.items;
  const decided = decisions.find((decision: { indicators: Record<string, number | null> }) => decision.indicators['fast'] !== null);
  const fastAt = chart.body.indicators.find((line: { name: string }) => line.name === 'fast').points.find((point: { time: number }) => point.time === Date.parse(decided.candleTime));
  t.ok(Math.abs(fastAt.value - decided.indicators['fast']) < 1e-12, 'the line is the value the decision recorded');
  const whole = (await bot.client.get(`/bots/${bot.botId}/chart?candles=2000`)).body;
  t.ok(whole.candles.length > 20, `asking for more than there is gives all there is (${whole.candles.length})`);
  const orders = (await bot.client.get(`/bots/${bot.botId}/orders?limit=500`)).body.items.filter((order: { status: string }) => order.status === 'filled');
  t.ok(orders.length >= 2, `${orders.length} filled orders`);
  t.same(whole.markers.map((marker: { time: number; side: string }) => [marker.time, marker.side]), orders.reverse().map((order: { candleTime: string; side: string }) => [Date.parse(order.candleTime), order.side]), 'a marker per filled order, at its candle, with its side');
  t.ok(whole.markers.every((marker: { time: number }) => whole.candles.some((candle: { time: number }) => candle.time === marker.time)), 'markers sit on candles');
  t.match(whole.markers.find((marker: { side: string }) => marker.side === 'sell')?.text ?? 'sell 1 @ 1 (+0)', /^sell [\d.]+ @ [\d.]+ \([+-][\d.e-]+\)$/, 'a sell says what it realized');
  t.equal(chart.body.equity.length, 20);
  t.ok(Math.abs(chart.body.equity.at(-1).value - Number(position.equity)) < 1e-9, 'the equity curve ends at the account equity');

  t.equal((await stranger.get(`/bots/${bot.botId}/chart`)).status, 404, "another user's bot has no chart for them");
  t.equal((await bot.client.get(`/bots/${bot.botId}/chart?candles=5000`)).body.error.field, 'candles');
  const idle = (await bot.client.get('/fleet')).body.items.find((item: { lastDecision: unknown }) => item.lastDecision === null);
  t.same((await bot.client.get(`/bots/${idle.id}/chart`)).body.candles, [], 'a bot that never ran has no candles yet');
});

t.test("a completed backtest's chart draws its trades; a running one is a 409, another user's a 404", async (t) => {
  const created = await bot.client.post('/backtests', { strategy: { name: 'bollinger-breakout' }, data: { source: 'replay', market: 'ETH/BTC' } });
  t.equal(created.status, 202);
  const early = await bot.client.get(`/backtests/${created.body.id}/chart`);
  if (early.status !== 200) t.equal(early.status, 409, 'not ready before it completes');
  const done = await eventually(async () => {
    const response = await bot.client.get(`/backtests/${created.body.id}`);
    return response.body.status === 'completed' ? response.body : undefined;
  }, 60_000, 'the backtest');
  const chart = await bot.client.get(`/backtests/${created.body.id}/chart`);
  t.equal(chart.status, 200);
  t.ok(chart.body.candles.length > 100 && chart.body.candles.length <= 2_000, `${chart.body.candles.length} candles drawn at ${chart.body.timeframe}`);
  t.not(chart.body.timeframe, '1m', 'ten days of minutes are drawn at a larger timeframe');
  t.same(chart.body.indicators.map((line: { name: string }) => line.name).sort(), ['bands.lower', 'bands.middle', 'bands.upper']);
  const exits = done.result.trades.filter((trade: { exitTime: string | null }) => trade.exitTime !== null).length;
  t.equal(chart.body.markers.length, done.result.trades.length + exits, 'an entry and an exit marker per trade');
  const times = new Set(chart.body.candles.map((candle: { time: number }) => candle.time));
  t.ok(chart.body.markers.every((marker: { time: number }) => times.has(marker.time)), 'markers snap to drawn candles');
  t.equal(chart.body.equity.length, done.result.equity.length);
  const listed = (await bot.client.get('/backtests')).body.items.find((item: { id: string }) => item.id === created.body.id);
  t.same(listed.metrics, done.result.metrics, 'the list carries each completed run\'s metrics, to rank runs without their reports');
  t.equal(listed.result, undefined, 'but not the rest of the report');
  t.equal((await stranger.get(`/backtests/${created.body.id}/chart`)).status, 404);
});
