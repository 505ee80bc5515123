import t from 'tap';
import { candlesFromCloses, zigZag } from '../../support/builders.ts';
import { createTradingFixture } from '../../support/trading-fixture.ts';
import { emaCrossStrategy } from '../../../libs/strategies/ema-cross/ema-cross.strategy.ts';
import { defineStrategy, type StrategyDefinition } from '../../../libs/strategies/strategy.ts';

const START = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;
const at = (index: number) => START + index * MINUTE;
const GAP = 75;
const candles = candlesFromCloses(zigZag(6, 15), START).filter((candle) => candle.openTime !== at(GAP));
// One database for the file (PGlite takes seconds to open); every test works on its own bot.
const fixture = await createTradingFixture(candles);
t.teardown(() => fixture.close());
const ordersOf = (botId: string) => fixture.published.filter((order) => order.botId === botId).map((order) => order.orderId);

t.test('ticks decide every candle once, in order, and a crossover becomes a committed order that fills', async (t) => {
  const botId = await fixture.createRunningBot();
  for (let index = 10; index < 40; index += 1) await fixture.tick(botId, at(index));
  const page = await fixture.history.decisions(botId, { limit: 100 }, (row) => row);
  t.equal(page.items.length, 30, 'one decision per candle');
  const times = page.items.map((row) => row.candleTime.getTime()).reverse();
  t.same(times, Array.from({ length: 30 }, (_, index) => at(10 + index)), 'in candle order, no gap');
  t.ok(page.items.every((row) => typeof row.indicators['fast'] === 'number' && typeof row.indicators['slow'] === 'number'), 'indicator values recorded with each decision');
  const ordered = page.items.filter((row) => row.outcome === 'ordered');
  t.ok(ordered.length >= 1, 'the zig-zag crosses at least once');
  t.equal(ordersOf(botId).length, ordered.length, 'every committed order was handed to execution');
  for (const orderId of ordersOf(botId)) {
    const outcome = await fixture.placeOrder(orderId);
    t.equal(outcome.status, 'filled');
  }
  const fills = await fixture.history.fills(botId, { limit: 100 }, (row) => row);
  t.equal(fills.items.length, ordered.length, 'one fill per paper market order');
});

t.test('a redelivered tick changes nothing and a second placement of an order is refused', async (t) => {
  const botId = await fixture.createRunningBot();
  for (let index = 10; index < 40; index += 1) await fixture.tick(botId, at(index));
  const again = await fixture.tick(botId, at(39));
  t.equal(again.skipped, 'already-decided');
  const orderId = ordersOf(botId)[0];
  t.ok(orderId, 'an order was placed');
  t.equal((await fixture.placeOrder(orderId!)).status, 'filled');
  t.equal((await fixture.placeOrder(orderId!)).status, 'already-processed', 'a redelivered order message places nothing');
  const fills = await fixture.history.fills(botId, { limit: 100 }, (row) => row);
  t.equal(fills.items.length, 1);
});

t.test('after missed ticks the next tick catches up every candle in order, trading only the newest', async (t) => {
  const botId = await fixture.createRunningBot();
  await fixture.tick(botId, at(5));
  const outcome = await fixture.tick(botId, at(60));
  t.equal(outcome.decided, 55, 'candles 6..60 decided in one go');
  const decisions = (await fixture.history.decisions(botId, { limit: 100 }, (row) => row)).items;
  t.equal(decisions.length, 56);
  const lateIntents = decisions.filter((row) => row.candleTime.getTime() < at(60) && row.signal !== 'hold');
  t.ok(lateIntents.length > 0, 'the zig-zag gave signals during the missed candles');
  t.ok(lateIntents.every((row) => row.outcome === 'skipped' && /catching up/.test(row.reason)), 'late candles are recorded, not traded');
});

t.test('two workers racing on the same tick record it once (the fence holds)', async (t) => {
  const botId = await fixture.createRunningBot();
  await fixture.tick(botId, at(10));
  const results = await Promise.all([fixture.tick(botId, at(11)), fixture.tick(botId, at(11)), fixture.tick(botId, at(11))]);
  t.equal(results.reduce((sum, result) => sum + result.decided, 0), 1, 'exactly one worker wrote the decision');
  const decisions = (await fixture.history.decisions(botId, { limit: 10 }, (row) => row)).items;
  t.equal(decisions.length, 2);
});

t.test('a gap in the market data is decided as "no-data" with the reason, and the bot carries on', async (t) => {
  const botId = await fixture.createRunningBot();
  for (let index = GAP - 2; index <= GAP + 2; index += 1) await fixture.tick(botId, at(index));
  const decisions = (await fixture.history.decisions(botId, { limit: 10 }, (row) => row)).items;
  t.equal(decisions.length, 5);
  const gap = decisions.find((row) => row.candleTime.getTime() === at(GAP));
  t.equal(gap?.outcome, 'no-data');
  t.match(gap?.reason, /gap/);
  t.equal(decisions.find((row) => row.candleTime.getTime() === at(GAP + 1))?.outcome !== 'no-data', true);
});

t.test('a strategy that throws stops its bot with the reason and records nothing for that candle', async (t) => {
  const botId = await fixture.createRunningBot();
  const broken = defineStrategy({ ...emaCrossStrategy, decide: () => { throw new Error('division by zero'); } });
  const outcome = await fixture.tick(botId, at(12), { findStrategy: () => broken as unknown as StrategyDefinition });
  t.equal(outcome.skipped, 'strategy-failed');
  const failures = fixture.failures.filter((failure) => failure.botId === botId);
  t.equal(failures.length, 1);
  t.match(failures[0]?.reason, /strategy ema-cross failed on candle 2026-01-01T00:12:00.000Z: division by zero/);
  t.equal((await fixture.history.decisions(botId, { limit: 10 }, (row) => row)).items.length, 0);
});

t.test('an infrastructure failure is an error for the bus to retry, and does not stop the bot', async (t) => {
  const botId = await fixture.createRunningBot();
  const unreachable = new Proxy(fixture.marketData, {
    get(target, key) {
      if (key === 'readings') return async () => { throw new Error('cache unreachable'); };
      const value = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  await t.rejects(fixture.tick(botId, at(12), { marketData: unreachable }), { message: 'cache unreachable' });
  t.same(fixture.failures.filter((failure) => failure.botId === botId), []);
  t.equal((await fixture.history.decisions(botId, { limit: 10 }, (row) => row)).items.length, 0, 'nothing half-written');
});

t.test('while an order of the bot is still open, a tick that may wait decides nothing; once it fills the candle is decided on the new position', async (t) => {
  const botId = await fixture.createRunningBot();
  let index = 10;
  for (; index < 60 && ordersOf(botId).length === 0; index += 1) await fixture.tick(botId, at(index));
  const [orderId] = ordersOf(botId);
  t.ok(orderId, `an order was committed on candle ${index - 1}`);
  const waiting = await fixture.tick(botId, at(index), {}, { waitForOpenOrders: true });
  t.equal(waiting.skipped, 'orders-open');
  t.equal(waiting.decided, 0);
  t.equal((await fixture.history.decisions(botId, { limit: 100 }, (row) => row)).items[0]?.candleTime.getTime(), at(index - 1), 'nothing recorded for the candle yet');
  await fixture.placeOrder(orderId!);
  const decided = await fixture.tick(botId, at(index), {}, { waitForOpenOrders: true });
  t.equal(decided.decided, 1, 'decided once the order settled');
  const position = await fixture.history.position(botId);
  t.ok(Number(position?.position.quantity) > 0, 'on the position the buy made');
});
