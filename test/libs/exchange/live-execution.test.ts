/**
 * Live execution against the Binance stub, through ccxt's real binance class, the order
 * processor and Postgres: every fault switch must leave the database equal to the stub's
 * ledger — no intent with two exchange orders, no fill lost or counted twice.
 */
import t, { type Test } from 'tap';
import { randomUUID } from 'node:crypto';
import { Decimal } from '../../../libs/domain/decimal.ts';
import { clientOrderIdFor } from '../../../libs/domain/order.ts';
import { BotRepository } from '../../../libs/db/bot.repository.ts';
import { migrateDatabase, openDatabase } from '../../../libs/db/database.ts';
import { TradingRepository, type OrderRow } from '../../../libs/db/trading.repository.ts';
import { createCcxtExchangeClient } from '../../../libs/exchange/ccxt/ccxt-exchange-client.ts';
import { createMemoryRateLimiter } from '../../../libs/exchange/rate-limiter.ts';
import { createLogger } from '../../../libs/platform/logger.ts';
import { cancelLiveOrder, processOrder, type LiveOrderPorts } from '../../../libs/trading/order-processor.ts';
import { startBinanceStub } from '../../support/binance-stub/binance-stub.ts';
import { botConfiguration } from '../../support/builders.ts';
import { createTestDatabase } from '../../support/postgres.ts';

const logger = createLogger({ level: 'warn', pretty: false });
const server = await createTestDatabase('live_execution');
const database = await openDatabase({ databaseUrl: server.url, dataDir: '.', poolSize: 4, logger });
await migrateDatabase(database);
const stub = await startBinanceStub({ markets: { BTCUSDT: { base: 'BTC', quote: 'USDT', price: '100' } } });
t.teardown(async () => { await stub.close(); await database.close(); await server.drop(); });

const API_KEY = 'stub-key-0001';
const SECRET = 'stub-secret-which-must-never-leak';
stub.addAccount(API_KEY, SECRET, { USDT: '100000', BTC: '0', BNB: '10' });
const userId = randomUUID();
const accountId = randomUUID();
const connection = database.orm.em.getConnection();
await connection.execute(`insert into users (id, email, password_hash, role, created_at) values (?, 'live@example.com', 'x', 'user', now())`, [userId]);
await connection.execute(`insert into exchange_accounts (id, user_id, exchange, label, masked_api_key, sandbox, key_version, credentials, created_at) values (?, ?, 'binance', 'stub', 'stub…0001', false, 1, 'sealed', now())`, [accountId, userId]);

const bots = new BotRepository(database);
const trading = new TradingRepository(database);
const client = createCcxtExchangeClient({
  exchangeId: 'binance', credentials: { apiKey: API_KEY, secret: SECRET }, sandbox: false, baseUrl: stub.url,
  limiter: createMemoryRateLimiter({ ratePerSecond: 1000, burst: 1000 }), bucket: 'test', timeoutMs: 400, retries: 4, backoffMs: 20,
});
const paused: { botId: string; reason: string }[] = [];
const refusals: string[] = [];
const live: LiveOrderPorts = {
  applyReport: (...args) => trading.applyReport(...args),
  claimSubmission: (...args) => trading.claimSubmission(...args),
  knownExchangeOrderIds: () => trading.knownExchangeOrderIds(accountId),
  pauseBot: async (botId, reason) => void paused.push({ botId, reason }),
  refused: (_orderId, reason) => void refusals.push(reason),
};
const ports = { findOrder: (id: string) => trading.findOrder(id), exchangeFor: async () => client, applySubmission: (...args: Parameters<TradingRepository['applySubmission']>) => trading.applySubmission(...args), now: () => new Date(), live };

let candle = Date.UTC(2026, 0, 1);
/** A live bot with one committed order (intent first), as the strategy commits it. */
async function committedOrder(side: 'buy' | 'sell', quantity: string): Promise<OrderRow> {
  const id = randomUUID();
  await bots.create(userId, id, botConfiguration({ exchange: 'binance', market: 'BTC/USDT', initialBalance: '1000000', exchangeAccountId: accountId }), new Date());
  candle += 60_000;
  const orderId = randomUUID();
  const result = await trading.recordCandles(id, null, candle, [{
    candleTime: candle, signal: side, price: new Decimal(100), indicators: {}, outcome: 'ordered', reason: `signal: ${side}`,
    order: { id: orderId, clientOrderId: clientOrderIdFor(id, candle, side), side, quantity: new Decimal(quantity), referencePrice: new Decimal(100), reason: `signal: ${side}` },
  }], 'BTC/USDT', new Date());
  if (result !== 'recorded') throw new Error('not recorded');
  return (await trading.findOrder(orderId))!;
}

const STATUS: Record<string, string> = { NEW: 'open', PARTIALLY_FILLED: 'partially_filled', FILLED: 'filled', CANCELED: 'cancelled' };

/** The database agrees with the stub's ledger for `order`: one exchange order, same status, same trades, same quantities. */
async function matchesLedger(t: Test, order: OrderRow) {
  const onExchange = stub.orders.filter((candidate) => candidate.clientOrderId === order.clientOrderId);
  t.ok(onExchange.length <= 1, `at most one exchange order for the intent (found ${onExchange.length})`);
  const row = (await trading.findOrder(order.id))!;
  const fills = await connection.execute<{ trade_id: string; quantity: string }[]>('select trade_id, quantity from fills where order_id = ? order by trade_id', [order.id]);
  const exchangeOrder = onExchange[0];
  if (!exchangeOrder) {
    t.same(fills, [], 'no fills for an order the exchange never took');
    return row;
  }
  t.equal(row.exchangeOrderId, String(exchangeOrder.orderId), 'the exchange order is adopted');
  t.equal(row.status, STATUS[exchangeOrder.status], `status ${row.status} matches the exchange's ${exchangeOrder.status}`);
  const ledger = stub.trades.filter((trade) => trade.orderId === exchangeOrder.orderId);
  t.same(fills.map((fill) => fill.trade_id), ledger.map((trade) => String(trade.id)).sort(), 'every trade recorded once');
  t.equal(new Decimal(row.filledQuantity).toFixed(), exchangeOrder.executedQty.toFixed(), 'filled quantity as on the exchange');
  return row;
}

t.beforeEach(() => { stub.resetFaults(); });

t.test('a market buy fills and is recorded with its trades and fee', async (t) => {
  const order = await committedOrder('buy', '0.5');
  const outcome = await processOrder(order.id, ports);
  t.equal(outcome.status, 'filled');
  const row = await matchesLedger(t, order);
  t.match(row, { feeCurrency: 'BTC' }, 'Binance charges a buy fee in the base asset');
  const position = await connection.execute<{ quantity: string }[]>('select quantity from positions where bot_id = ?', [order.botId]);
  t.equal(new Decimal(position[0]!.quantity).toFixed(), '0.4995', 'the position holds what was bought minus the base fee');
  t.equal((await processOrder(order.id, ports)).status, 'already-processed', 'processing it again does nothing');
  t.equal(stub.orders.filter((o) => o.clientOrderId === order.clientOrderId).length, 1);
});

for (const committed of [true, false]) {
  t.test(`a create that times out with the order ${committed ? 'placed' : 'not placed'} is looked up by client order id, never doubled`, async (t) => {
    stub.faults.createTimeouts = { count: 1, committed };
    const order = await committedOrder('buy', '0.25');
    const outcome = await processOrder(order.id, ports);
    t.equal(outcome.status, 'filled', committed ? 'found placed, adopted' : 'proven absent, sent again');
    const row = await matchesLedger(t, order);
    t.equal(row.submitAttempts, committed ? 1 : 2);
    t.equal(stub.orders.filter((o) => o.clientOrderId === order.clientOrderId).length, 1, 'one exchange order for the intent');
  });
}

t.test('rate limits (429) and 5xx answers are retried with backoff', async (t) => {
  stub.faults.rateLimited = 2;
  const order = await committedOrder('buy', '0.1');
  t.equal((await processOrder(order.id, ports)).status, 'filled');
  await matchesLedger(t, order);
  stub.faults.serverErrors = 2;
  const balances = await client.live!.balance();
  t.ok(new Decimal(balances['USDT']!).gt(0), 'a read retried through two 503s');
});

t.test('partial fills over time, reported twice and with fees in a third currency, converge to the ledger', async (t) => {
  stub.faults.partialFills = 3;
  stub.faults.feeAsset = 'BNB';
  stub.faults.duplicateTrades = true;
  const order = await committedOrder('buy', '0.3');
  t.equal((await processOrder(order.id, ports)).status, 'partially_filled');
  await matchesLedger(t, order);
  stub.advance();
  t.equal((await processOrder(order.id, ports)).status, 'partially_filled');
  stub.advance();
  t.equal((await processOrder(order.id, ports)).status, 'filled');
  const row = await matchesLedger(t, order);
  t.equal(row.feeCurrency, 'BNB');
  t.equal((await processOrder(order.id, ports)).status, 'already-processed');
});

t.test('an order that shows only in trades is not proven absent: it stays unknown, is never sent again, and is adopted once listed', async (t) => {
  stub.faults.createTimeouts = { count: 1, committed: true };
  stub.faults.hiddenLookups = 3;
  const order = await committedOrder('buy', '0.2');
  const first = await processOrder(order.id, ports);
  t.equal(first.status, 'unknown', 'a stray trade keeps it unknown');
  t.equal(stub.orders.filter((o) => o.clientOrderId === order.clientOrderId).length, 1);
  t.equal((await processOrder(order.id, ports)).status, 'filled', 'the next lookup finds it');
  await matchesLedger(t, order);
});

t.test('a cancel that races a fill ends filled; a cancel that wins ends cancelled with its partial fills', async (t) => {
  stub.faults.partialFills = 2;
  stub.faults.fillOnCancel = true;
  const raced = await committedOrder('buy', '0.2');
  await processOrder(raced.id, ports);
  const outcome = await cancelLiveOrder((await trading.findOrder(raced.id))!, client, live, () => new Date(), 'bot stopped');
  t.equal(outcome.status, 'filled');
  await matchesLedger(t, raced);
  stub.faults.fillOnCancel = false;
  const cancelled = await committedOrder('buy', '0.2');
  await processOrder(cancelled.id, ports);
  t.equal((await cancelLiveOrder((await trading.findOrder(cancelled.id))!, client, live, () => new Date(), 'bot stopped')).status, 'cancelled');
  const row = await matchesLedger(t, cancelled);
  t.equal(new Decimal(row.filledQuantity).toFixed(), '0.1', 'the part filled before the cancel is kept');
});

t.test('insufficient funds and refused keys reject the order and pause the bot with the reason; nothing is retried', async (t) => {
  const tooBig = await committedOrder('buy', '5000');
  t.equal((await processOrder(tooBig.id, ports)).status, 'rejected');
  t.match((await trading.findOrder(tooBig.id))!.statusReason, /insufficient funds/);
  t.match(paused.at(-1), { botId: tooBig.botId, reason: /insufficient funds/ });
  // A key the exchange refuses from the first call (revoked, or a wrong secret). Once a key has worked, ccxt reads Binance's -2015 as a temporary ban, retried like a rate limit.
  const revoked = createCcxtExchangeClient({
    exchangeId: 'binance', credentials: { apiKey: API_KEY, secret: 'a wrong secret' }, sandbox: false, baseUrl: stub.url,
    limiter: createMemoryRateLimiter({ ratePerSecond: 1000, burst: 1000 }), bucket: 'revoked', timeoutMs: 400, retries: 2, backoffMs: 10,
  });
  const refused = await committedOrder('buy', '0.1');
  t.equal((await processOrder(refused.id, { ...ports, exchangeFor: async () => revoked })).status, 'rejected');
  t.match(paused.at(-1), { botId: refused.botId, reason: /refused the API key/ });
  t.equal(stub.orders.filter((o) => o.clientOrderId === refused.clientOrderId).length, 0);
  t.same(refusals, [], 'no transition was refused on the way');
});

t.test('reconciliation: a bot whose exchange cannot be reconciled is blocked with the reason, and trades again once it succeeds', async (t) => {
  const { reconcileLiveTrading } = await import('../../../libs/trading/reconciliation.ts');
  const { RiskRepository } = await import('../../../libs/db/risk.repository.ts');
  const risk = new RiskRepository(database);
  const order = await committedOrder('buy', '0.1');
  const reconcilePorts = {
    ordersToReconcile: () => trading.ordersToReconcile(), liveBots: () => trading.liveBots(), openOrdersOf: (id: string) => trading.openOrdersOf(id),
    knownClientOrderIds: (ids: readonly string[]) => trading.knownClientOrderIds(ids), findOrder: (id: string) => trading.findOrder(id),
    clientForAccount: async () => client, recordReconciliation: (botId: string, outcome: { ok: boolean; reason: string | null }, at: Date) => risk.recordReconciliation(botId, outcome, at),
    live, now: () => new Date(), onOutcome: () => undefined, onStray: () => undefined,
  };
  stub.faults.serverErrors = 1_000;
  const failed = await reconcileLiveTrading(reconcilePorts);
  t.ok(failed.failed.has(order.botId));
  t.match(await risk.reconciliationBlock(order.botId), /exchange reconciliation failed at .*exchange unavailable.*does not trade until it succeeds/);
  stub.resetFaults();
  // The order was committed but never sent: reconciliation leaves it to the order stream; sending it settles it.
  await processOrder(order.id, ports);
  const passed = await reconcileLiveTrading(reconcilePorts);
  t.equal(passed.failed.size, 0);
  t.equal(await risk.reconciliationBlock(order.botId), undefined, 'unblocked');
});

t.test('key rotation: accounts sealed under an old key are re-sealed under the new one and still open', async (t) => {
  const { ExchangeAccountRepository } = await import('../../../libs/db/exchange-account.repository.ts');
  const { createSecretBox, generateSecretKey, parseSecretKeys } = await import('../../../libs/platform/secret-box.ts');
  const v1 = generateSecretKey(1);
  const before = new ExchangeAccountRepository(database, createSecretBox(parseSecretKeys(v1)));
  const account = await before.create({ id: randomUUID(), userId, exchange: 'binance', label: 'rotating', sandbox: false, credentials: { apiKey: 'rotate-key-123', secret: 'rotate-secret-456' } }, new Date());
  // The file's stub account row holds no real sealed keys: mark it current so only the rotating account is re-sealed.
  await connection.execute('update exchange_accounts set key_version = 2 where id = ?', [accountId]);
  const after = new ExchangeAccountRepository(database, createSecretBox(parseSecretKeys(`${v1},${generateSecretKey(2)}`)));
  t.ok((await after.reseal()) >= 1);
  const [row] = await connection.execute<{ key_version: number; credentials: string }[]>('select key_version, credentials from exchange_accounts where id = ?', [account.id]);
  t.equal(row!.key_version, 2);
  t.notOk(row!.credentials.includes('rotate-secret-456'));
  t.match(await after.credentials(account.id), { credentials: { apiKey: 'rotate-key-123', secret: 'rotate-secret-456' } });
});

t.test('kill switch in mode all: an order committed before it is refused with the reason and never sent', async (t) => {
  const order = await committedOrder('buy', '0.1');
  const outcome = await processOrder(order.id, { ...ports, haltedReason: async () => 'platform kill switch: all trading halted by an operator (incident)' });
  t.equal(outcome.status, 'rejected');
  t.match((await trading.findOrder(order.id))!.statusReason, /kill switch/);
  t.equal(stub.orders.filter((o) => o.clientOrderId === order.clientOrderId).length, 0);
});
