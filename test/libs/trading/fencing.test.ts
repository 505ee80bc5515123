/**
 * The per-bot fence on this machine's Postgres: a redelivered tick, a zombie replica that
 * loaded the bot before another replica moved on, and a redelivered order message each
 * write nothing a second time; and the database refuses to move the fence back.
 */
import t from 'tap';
import { candlesFromCloses, zigZag } from '../../support/builders.ts';
import { createTestDatabase } from '../../support/postgres.ts';
import { createTradingFixture } from '../../support/trading-fixture.ts';
import { BotStateEntity } from '../../../libs/db/entities/bot-state.entity.ts';

const START = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;
const at = (index: number) => START + index * MINUTE;
const server = await createTestDatabase('fencing');
const fixture = await createTradingFixture(candlesFromCloses(zigZag(6, 15), START), { databaseUrl: server.url });
t.teardown(async () => {
  await fixture.close();
  await server.drop();
});

async function fenceOf(botId: string) {
  const state = await fixture.database.em().findOneOrFail(BotStateEntity, { botId });
  return { sequence: state.sequence, lastCandleTime: state.lastCandleTime?.getTime() ?? null };
}

/** Ticks `botId` up to the first candle whose decision is an order; returns that candle's index. */
async function tickUntilOrdered(botId: string): Promise<number> {
  for (let index = 10; index < 80; index += 1) {
    const outcome = await fixture.tick(botId, at(index));
    if (outcome.orders.length > 0) return index;
  }
  throw new Error('the zig-zag never crossed');
}

t.test('a replayed tick after its decision and order were committed writes no second decision and no second order', async (t) => {
  const botId = await fixture.createRunningBot();
  const orderedAt = await tickUntilOrdered(botId);
  const before = await fenceOf(botId);
  const ordersBefore = (await fixture.history.orders(botId, { limit: 100 }, (row) => row)).items.length;

  const replayed = await fixture.tick(botId, at(orderedAt));

  t.equal(replayed.skipped, 'already-decided', 'the replay sees the fence past its candle');
  t.same(replayed.orders, [], 'and asks for no order');
  t.same(await fenceOf(botId), before, 'the fence did not move');
  t.equal((await fixture.history.orders(botId, { limit: 100 }, (row) => row)).items.length, ordersBefore, 'still one order');
  const decisions = (await fixture.history.decisions(botId, { limit: 500 }, (row) => row)).items;
  t.equal(decisions.filter((row) => row.candleTime.getTime() === at(orderedAt)).length, 1, 'one decision for the candle');
  t.equal(before.sequence, decisions.length, 'the sequence counts every decided candle once');
});

t.test('a zombie replica that loaded the bot before another replica decided the candle is fenced out: no decision, no order, nothing published', async (t) => {
  const botId = await fixture.createRunningBot();
  const orderedAt = await tickUntilOrdered(botId);
  // Roll the bot back in time for the zombie: its view of the bot predates the ordered candle.
  const fresh = await fixture.createRunningBot();
  for (let index = 10; index < orderedAt; index += 1) await fixture.tick(fresh, at(index));
  const stale = await fixture.trading.loadContext(fresh);
  t.ok(stale, 'the zombie read the bot');
  // The live replica decides the candle (and orders), then the next one.
  const live = await fixture.tick(fresh, at(orderedAt));
  t.equal(live.orders.length, 1, 'the live replica ordered once');
  await fixture.tick(fresh, at(orderedAt + 1));
  const before = await fenceOf(fresh);
  const publishedBefore = fixture.published.length;

  // The zombie wakes up (a GC pause, a partition healed) and finishes its work on the old view.
  const zombie = await fixture.tick(fresh, at(orderedAt), { loadContext: async () => stale });

  t.equal(zombie.skipped, 'fenced', 'the compare-and-set on the fence refused the zombie');
  t.equal(zombie.decided, 0);
  t.same(await fenceOf(fresh), before, 'the fence stayed where the live replica put it');
  t.equal(fixture.published.length, publishedBefore, 'the zombie handed no order to execution');
  const orders = (await fixture.history.orders(fresh, { limit: 100 }, (row) => row)).items;
  t.equal(orders.length, 1, 'one order in the database');
  const decisions = (await fixture.history.decisions(fresh, { limit: 500 }, (row) => row)).items;
  t.equal(decisions.filter((row) => row.candleTime.getTime() === at(orderedAt)).length, 1, 'one decision for the candle');
});

t.test('the same order message handled by two execution replicas at once fills once', async (t) => {
  const botId = await fixture.createRunningBot();
  await tickUntilOrdered(botId);
  const orderId = fixture.published.filter((order) => order.botId === botId)[0]!.orderId;

  const outcomes = await Promise.all([fixture.placeOrder(orderId), fixture.placeOrder(orderId)]);

  t.same(outcomes.map((outcome) => outcome.status).sort(), ['already-processed', 'filled'], 'one replica placed it, the other found it done');
  const fills = (await fixture.history.fills(botId, { limit: 10 }, (row) => row)).items;
  t.equal(fills.length, 1, 'one fill recorded');
});

t.test('the database refuses to move a fence back, whoever writes it', async (t) => {
  const botId = await fixture.createRunningBot();
  await fixture.tick(botId, at(10));
  await fixture.tick(botId, at(11));
  const connection = fixture.database.em().getConnection();

  await t.rejects(connection.execute('update bot_states set last_candle_time = ? where bot_id = ?', [new Date(at(10)), botId]), /may not move back/, 'last decided candle cannot go back');
  await t.rejects(connection.execute('update bot_states set sequence = 0 where bot_id = ?', [botId]), /may not move back/, 'sequence cannot go back');
  t.same(await fenceOf(botId), { sequence: 2, lastCandleTime: at(11) }, 'the fence is unchanged');
});

t.test('a batch of decision writes fences each bot on its own: a stale entry writes nothing, its neighbours are recorded', async (t) => {
  const live = await fixture.createRunningBot();
  const stale = await fixture.createRunningBot();
  for (const botId of [live, stale]) await fixture.tick(botId, at(10));
  // The stale entry's worker thinks candle 10 was never decided.
  const record = (candle: number) => ({ candleTime: at(candle), signal: 'hold', price: null, indicators: { fast: 1 }, outcome: 'no-data' as const, reason: 'test', order: undefined });
  const staleBefore = await fenceOf(stale);

  const results = await fixture.trading.recordDecisionBatch([
    { botId: live, expectedLast: at(10), resumeFrom: at(10), records: [record(11), record(12)] },
    { botId: stale, expectedLast: null, resumeFrom: at(10), records: [record(10)] },
  ], new Date());

  t.same(results, ['recorded', 'fenced']);
  t.same(await fenceOf(live), { sequence: 3, lastCandleTime: at(12) }, 'the live bot moved two candles on');
  t.same(await fenceOf(stale), staleBefore, 'the stale bot did not move');
  const decisions = (await fixture.history.decisions(stale, { limit: 10 }, (row) => row)).items;
  t.equal(decisions.length, 1, 'and has still one decision for candle 10');
  const liveDecisions = (await fixture.history.decisions(live, { limit: 10 }, (row) => row)).items;
  t.same(liveDecisions.map((row) => row.candleTime.getTime()), [at(12), at(11), at(10)]);
});
