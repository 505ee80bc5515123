/**
 * Live trading end to end: the whole platform (embedded, as `npm start` runs it) with
 * ccxt's real binance class pointed at the Binance stub (EXCHANGE_URLS). A user adds an
 * exchange account over the API, a bot trades on it, stopping cancels its open order, the
 * database agrees with the stub's ledger, and the stored secret appears nowhere: not in
 * the database, the logs or any API response.
 */
import t from 'tap';
import { Decimal } from '../../libs/domain/decimal.ts';
import { eventually, startTestPlatform, type ApiClient, type ApiResponse } from '../support/platform.ts';
import { startBinanceStub } from '../support/binance-stub/binance-stub.ts';

const API_KEY = 'live-e2e-api-key-7f3a9c';
const SECRET = 'live-e2e-secret-d41d8cd98f00b204e9800998ecf8427e';

const stub = await startBinanceStub({ markets: { ETHBTC: { base: 'ETH', quote: 'BTC', price: '0.05' } } });
stub.addAccount(API_KEY, SECRET, { BTC: '1000', ETH: '0' });
const platform = await startTestPlatform({ env: { REPLAY_SPEED: '3000', EXCHANGE_URLS: `binance=${stub.url}` }, tuning: { reconcileIntervalMs: 200 } });
t.teardown(async () => { await platform.stop(); await stub.close(); });

/** Every response body the test saw, to search for the secret. */
const responses: unknown[] = [];
function recording(client: ApiClient): ApiClient {
  const original = client.request.bind(client);
  client.request = async <T>(method: string, route: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse<T>> => {
    const response = await original<T>(method, route, body, headers);
    responses.push(response.body);
    return response;
  };
  return client;
}

const alice = recording(await platform.api.signUp('alice@example.com'));
const bob = recording(await platform.api.signUp('bob@example.com'));

t.test('exchange accounts: unknown exchanges and refused keys are 422 and store nothing; good keys are stored and shown masked', async (t) => {
  const unknown = await alice.post('/exchange-accounts', { exchange: 'nosuchexchange', apiKey: API_KEY, secret: SECRET });
  t.equal(unknown.status, 422);
  t.equal(unknown.body.error.field, 'exchange');
  const refused = await alice.post('/exchange-accounts', { exchange: 'binance', apiKey: API_KEY, secret: 'not the secret' });
  t.equal(refused.status, 422);
  t.equal(refused.body.error.field, 'apiKey');
  t.same((await alice.get('/exchange-accounts')).body.items, [], 'nothing stored');
  const created = await alice.post('/exchange-accounts', { exchange: 'binance', apiKey: API_KEY, secret: SECRET, label: 'stub' });
  t.equal(created.status, 201);
  t.match(created.body, { exchange: 'binance', label: 'stub', maskedApiKey: 'live…9c'.replace('9c', API_KEY.slice(-4)), sandbox: false, advice: /withdrawal/ });
  t.same((await bob.get('/exchange-accounts')).body.items, [], "another user does not see it");
  const stolen = await bob.post('/bots', { name: 'thief', marketSource: 'replay', market: 'ETH/BTC', strategy: { name: 'ema-cross' }, exchangeAccountId: created.body.id });
  t.equal(stolen.status, 422, "another user's account cannot be used");
  t.equal(stolen.body.error.field, 'exchangeAccountId');
  t.equal((await bob.delete(`/exchange-accounts/${created.body.id}`)).status, 404);
});

t.test('a bot trades live on the account; stopping cancels its open order; the database equals the ledger', async (t) => {
  const [account] = (await alice.get('/exchange-accounts')).body.items;
  const created = await alice.post('/bots', {
    name: 'live', marketSource: 'replay', market: 'ETH/BTC', strategy: { name: 'ema-cross', params: { fast: 5, slow: 13 } },
    quoteBalance: '10', risk: { stakeAmount: '1', stopLossPercent: null, takeProfitPercent: null }, exchangeAccountId: account.id,
  });
  t.equal(created.status, 201);
  t.match(created.body, { exchange: 'binance', exchangeAccountId: account.id, stopPolicy: 'cancel-orders' });
  const botId = created.body.id as string;
  t.equal((await alice.post(`/bots/${botId}/start`)).status, 200);
  await eventually(async () => ((await alice.get(`/bots/${botId}/trades`)).body.items.length >= 2 ? true : undefined), 60_000, 'two live fills');
  // The next order fills in parts and stays open: stopping the bot must cancel it.
  stub.faults.partialFills = 1_000;
  const openOrder = await eventually(async () => (await alice.get(`/bots/${botId}/orders`)).body.items.find((order: { status: string }) => order.status === 'partially_filled'), 60_000, 'a partially filled order');
  t.equal((await alice.post(`/bots/${botId}/stop`)).status, 200);
  await eventually(async () => ((await alice.get(`/bots/${botId}/orders`)).body.items.find((order: { id: string }) => order.id === openOrder.id)?.status === 'cancelled' ? true : undefined), 10_000, 'the open order cancelled');
  await new Promise((resolve) => setTimeout(resolve, 400));

  const orders = (await alice.get(`/bots/${botId}/orders?limit=500`)).body.items as { id: string; clientOrderId: string; status: string; filledQuantity: string }[];
  const trades = (await alice.get(`/bots/${botId}/trades?limit=500`)).body.items as { orderId: string; tradeId: string }[];
  const STATUS: Record<string, string> = { NEW: 'open', PARTIALLY_FILLED: 'partially_filled', FILLED: 'filled', CANCELED: 'cancelled' };
  for (const order of orders) {
    const onExchange = stub.orders.filter((candidate) => candidate.clientOrderId === order.clientOrderId);
    t.equal(onExchange.length, 1, `order ${order.clientOrderId}: exactly one exchange order`);
    t.equal(order.status, STATUS[onExchange[0]!.status]);
    t.equal(new Decimal(order.filledQuantity).toFixed(), onExchange[0]!.executedQty.toFixed());
    const recorded = trades.filter((trade) => trade.orderId === order.id).map((trade) => trade.tradeId).sort();
    t.same(recorded, stub.trades.filter((trade) => trade.orderId === onExchange[0]!.orderId).map((trade) => String(trade.id)).sort(), 'every exchange trade recorded once');
  }
  t.equal(stub.orders.length, orders.length, 'no exchange order the platform does not know');
  const position = (await alice.get(`/bots/${botId}/position`)).body;
  t.equal(new Decimal(position.quantity).toFixed(), stub.balance(API_KEY, 'ETH').toFixed(), 'the position holds what the exchange account holds');
});

t.test('the secret is nowhere: not in the database, the logs or any API response', async (t) => {
  const connection = platform.mesh.database.orm.em.getConnection();
  const tables = await connection.execute<{ table_name: string }[]>(`select table_name from information_schema.tables where table_schema = 'public'`);
  let rows = 0;
  for (const { table_name: table } of tables) {
    const dump = await connection.execute<{ row: unknown }[]>(`select row_to_json(t) as row from "${table}" t`);
    rows += dump.length;
    const text = JSON.stringify(dump);
    t.notOk(text.includes(SECRET), `table ${table}: no secret`);
    t.notOk(text.includes(API_KEY), `table ${table}: no API key`);
  }
  t.ok(rows > 50, `searched ${rows} rows of ${tables.length} tables`);
  t.ok(platform.logs.lines.length > 10, `searched ${platform.logs.lines.length} log lines`);
  t.notOk(platform.logs.lines.some((line) => line.includes(SECRET) || line.includes(API_KEY)), 'no secret or API key in the logs');
  t.ok(responses.length > 10);
  t.notOk(responses.some((body) => JSON.stringify(body).includes(SECRET) || JSON.stringify(body).includes(API_KEY)), `no secret or API key in ${responses.length} responses`);
});
