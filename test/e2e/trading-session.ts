/**
 * The REST session of a new user, shared by the end-to-end tests: register, log in, create
 * an EMA-cross paper bot on the replayed ETH/BTC market, start it, and wait until it has
 * decided and traded. Then checks what the API and the database say.
 */
import type { Test } from 'tap';
import { eventually, type ApiClient, type TestPlatform } from '../support/platform.ts';

export const REPLAY_BOT = {
  name: 'replay ema',
  exchange: 'paper',
  marketSource: 'replay',
  market: 'ETH/BTC',
  timeframe: '1m',
  strategy: { name: 'ema-cross', params: { fast: 5, slow: 13 } },
  risk: { stakeAmount: '0.5', maxPositionAmount: '1', stopLossPercent: 2, takeProfitPercent: 3 },
  quoteBalance: '1',
};

export interface StartedBot {
  readonly client: ApiClient;
  readonly botId: string;
}

export async function startReplayBot(t: Test, platform: TestPlatform, email: string): Promise<StartedBot> {
  const client = await platform.api.signUp(email);
  const created = await client.post('/bots', REPLAY_BOT);
  t.equal(created.status, 201, 'bot created');
  t.equal(created.headers.get('location'), `/api/bots/${created.body.id}`, 'Location names the new bot');
  t.equal(created.body.status, 'created');
  const started = await client.post(`/bots/${created.body.id}/start`);
  t.equal(started.status, 200);
  t.equal(started.body.status, 'running');
  return { client, botId: created.body.id };
}

/** Waits until the bot has at least `decisions` decisions and `fills` trades. */
export async function waitForTrading({ client, botId }: StartedBot, decisions: number, fills: number): Promise<void> {
  await eventually(async () => {
    const page = await client.get(`/bots/${botId}/decisions?limit=${decisions}`);
    return page.body.items?.length >= decisions ? true : undefined;
  }, 60_000, `${decisions} decisions`);
  await eventually(async () => {
    const page = await client.get(`/bots/${botId}/trades?limit=${fills}`);
    return page.body.items?.length >= fills ? true : undefined;
  }, 90_000, `${fills} trades`);
}

/** Candle times of every decision, oldest first, straight from the database. */
export async function decisionTimes(platform: TestPlatform, botId: string): Promise<number[]> {
  const rows = await platform.mesh.database.em().getConnection().execute<{ candle_time: string | Date }[]>(
    'select candle_time from decisions where bot_id = ? order by candle_time', [botId]);
  return rows.map((row) => new Date(row.candle_time).getTime());
}

/** Asserts decisions form an unbroken series of consecutive 1-minute candles with no repeat. */
export function assertConsecutive(t: Test, times: readonly number[], step = 60_000): void {
  const breaks = times.slice(1).filter((time, index) => time - times[index]! !== step);
  t.same(breaks, [], `${times.length} decisions, one per candle, none skipped or repeated`);
}

/** Stops the bot and waits until its last order has settled, so the ledger holds still. */
export async function stopAndSettle(platform: TestPlatform, { client, botId }: StartedBot): Promise<void> {
  const stopped = await client.post(`/bots/${botId}/stop`);
  if (stopped.body.status !== 'stopped') throw new Error(`stop failed: ${JSON.stringify(stopped.body)}`);
  const connection = platform.mesh.database.em().getConnection();
  // A tick already being handled when the stop came may still commit its decision and order
  // just after it (see the closing note of the session): settled means nothing pending and
  // nothing new for a second.
  let previous = '';
  let quietSince = Date.now();
  await eventually(async () => {
    const [row] = await connection.execute<{ pending: string; orders: string; fills: string; decisions: string }[]>(
      `select (select count(*) from orders where bot_id = ? and status = 'pending_submit') as pending,
              (select count(*) from orders where bot_id = ?) as orders,
              (select count(*) from fills where bot_id = ?) as fills,
              (select count(*) from decisions where bot_id = ?) as decisions`, [botId, botId, botId, botId]);
    const snapshot = `${row?.orders}/${row?.fills}/${row?.decisions}`;
    if (snapshot !== previous) { previous = snapshot; quietSince = Date.now(); }
    return Number(row?.pending) === 0 && Date.now() - quietSince >= 1_000 ? true : undefined;
  }, 30_000, 'orders to settle');
}

/** Checks the API's view of a stopped bot and the database's ledger agree. */
export async function checkLedger(t: Test, platform: TestPlatform, { client, botId }: StartedBot): Promise<void> {
  const decisions = await client.get(`/bots/${botId}/decisions?limit=5`);
  t.equal(decisions.status, 200);
  const newest = decisions.body.items;
  t.ok(newest.length > 0);
  for (const decision of newest) {
    t.match(decision.candleTime, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00\.000Z$/, 'candleTime is ISO 8601');
    t.ok(['buy', 'sell', 'hold'].includes(decision.signal));
    t.ok('fast' in decision.indicators && 'slow' in decision.indicators, 'indicator values behind the decision');
  }
  const sorted = [...newest].sort((a: { candleTime: string }, b: { candleTime: string }) => b.candleTime.localeCompare(a.candleTime));
  t.same(newest, sorted, 'newest first');
  const next = await client.get(`/bots/${botId}/decisions?limit=5&cursor=${decisions.body.nextCursor}`);
  t.ok(next.body.items.length > 0 && next.body.items[0].candleTime < newest.at(-1).candleTime, 'the cursor continues with older decisions');

  const connection = platform.mesh.database.em().getConnection();
  const [orders] = await connection.execute<{ total: string; filled: string; twice: string }[]>(
    `select count(*) as total, count(*) filter (where status = 'filled') as filled,
            (select count(*) from (select client_order_id from orders group by client_order_id having count(*) > 1) d) as twice
       from orders where bot_id = ?`, [botId]);
  t.ok(Number(orders?.filled) >= 1, 'at least one filled order');
  t.equal(Number(orders?.twice), 0, 'no client order id placed twice');
  const [ledger] = await connection.execute<{ bought: string | null; sold: string | null; fills: string }[]>(
    `select sum(quantity) filter (where side = 'buy') as bought, sum(quantity) filter (where side = 'sell') as sold, count(*) as fills
       from fills where bot_id = ?`, [botId]);
  const position = await client.get(`/bots/${botId}/position`);
  t.equal(position.status, 200);
  const held = Number(ledger?.bought ?? 0) - Number(ledger?.sold ?? 0);
  t.equal(Number(position.body.quantity).toFixed(8), held.toFixed(8), 'position equals bought minus sold');
  t.match(position.body, { market: 'ETH/BTC', quoteBalance: /^\d+(\.\d+)?$/, realizedProfit: /^-?\d+(\.\d+)?$/, unrealizedProfit: /^-?\d+(\.\d+)?$/ });
  const trades = await client.get(`/bots/${botId}/trades?limit=100`);
  t.equal(trades.body.items.length, Number(ledger?.fills), 'every fill is a trade in the API');
  const orderList = await client.get(`/bots/${botId}/orders?limit=100`);
  t.ok(orderList.body.items.every((order: { status: string }) => ['filled', 'pending_submit'].includes(order.status)), 'paper orders fill');
}
