import t, { type Test } from 'tap';
import path from 'node:path';
import { JobCache, runJob } from '../../libs/backtest/backtest-job.ts';
import { SHARED_DATA, eventually, startTestPlatform, type ApiClient } from '../support/platform.ts';

// Gateway and strategy only: backtests need no bot, scheduler or exchange.
const platform = await startTestPlatform({ services: ['gateway', 'strategy'] });
t.teardown(() => platform.stop());
const alice = await platform.api.signUp('alice@example.com');
const bob = await platform.api.signUp('bob@example.com');
const replayBacktest = { strategy: { name: 'ema-cross', params: { fast: 8, slow: 21 } }, data: { source: 'replay', market: 'ETH/BTC' } };

async function finished(client: ApiClient, id: string, seen: { status: string; progress: number }[] = []) {
  return eventually(async () => {
    const response = await client.get(`/backtests/${id}`);
    seen.push({ status: response.body.status, progress: response.body.progress });
    return ['completed', 'failed'].includes(response.body.status) ? response.body : undefined;
  }, 60_000, `backtest ${id} to finish`);
}

async function expectError(t: Test, client: ApiClient, body: unknown, status: number, field?: string) {
  const response = await client.post('/backtests', body);
  t.equal(response.status, status, `${JSON.stringify(body).slice(0, 120)} -> ${status}`);
  t.type(response.body?.error?.message, 'string');
  if (field !== undefined) t.equal(response.body.error.field, field, `names ${field}`);
  return response;
}

t.test('a replay backtest queued over the API runs on a worker and reports what the engine reports', async (t) => {
  const created = await alice.post('/backtests', replayBacktest);
  t.equal(created.status, 202, 'accepted');
  t.equal(created.headers.get('location'), `/api/backtests/${created.body.id}`);
  t.match(created.body, {
    status: 'queued', progress: 0, result: null,
    request: { strategy: { name: 'ema-cross', params: { fast: 8, slow: 21 } }, data: { source: 'replay', market: 'ETH/BTC', timeframe: '1m', from: '2018-01-20T04:53:00.000Z', to: '2018-01-30T04:50:00.000Z' }, quoteBalance: '1000', feeRate: '0.001', slippageRate: '0.0005' },
  });
  const done = await finished(alice, created.body.id);
  t.equal(done.status, 'completed', done.error ?? 'no error');
  t.equal(done.progress, 1);
  const direct = await runJob({
    strategy: 'ema-cross', params: { fast: 8, slow: 21 }, data: { kind: 'file', path: path.join(SHARED_DATA, 'ETH_BTC-1m.json') },
    initialBalance: '1000', risk: done.request.risk, feeRate: '0.001', slippageRate: '0.0005', report: { maxTrades: 1_000, equityPoints: 500 },
  }, new JobCache());
  t.same(done.result.metrics, direct.report.metrics, 'the same metrics as the engine run directly');
  t.ok(done.result.metrics.trades > 10, `${done.result.metrics.trades} trades`);
  t.equal(done.result.trades.length, Math.min(1_000, done.result.metrics.trades + (done.result.metrics.openTrade ? 1 : 0)));
  t.ok(done.result.equity.length > 100 && done.result.equity.length <= 501, 'a sampled equity curve for charts');
  const list = await alice.get('/backtests');
  t.equal(list.status, 200);
  t.ok(list.body.items.some((item: { id: string; status: string }) => item.id === created.body.id && item.status === 'completed'));
  t.notOk('result' in list.body.items[0], 'lists leave the reports out');
});

t.test('a long simulated backtest runs off the event loop: the API answers while it runs and shows progress', async (t) => {
  const created = await alice.post('/backtests', {
    strategy: { name: 'macd-cross' },
    data: { source: 'simulated', market: 'SOL/USDT', timeframe: '1m', from: '2024-01-01T00:00:00Z', to: '2025-06-01T00:00:00Z' },
  });
  t.equal(created.status, 202, JSON.stringify(created.body));
  const seen: { status: string; progress: number }[] = [];
  const done = await finished(alice, created.body.id, seen);
  t.equal(done.status, 'completed', done.error ?? '');
  t.ok(done.result.metrics.candles > 700_000, `${done.result.metrics.candles} candles`);
  t.ok(seen.some((state) => state.status === 'running'), 'requests were answered while the backtest was running');
});

t.test("another user's backtest is a 404 identical to a missing one, and never listed", async (t) => {
  const created = await alice.post('/backtests', replayBacktest);
  const theirs = await bob.get(`/backtests/${created.body.id}`);
  const nobody = await bob.get(`/backtests/${crypto.randomUUID()}`);
  t.equal(theirs.status, 404);
  t.same(theirs.body, nobody.body);
  t.notOk((await bob.get('/backtests')).body.items.some((item: { id: string }) => item.id === created.body.id));
  t.equal((await platform.api.as(undefined).get(`/backtests/${created.body.id}`)).status, 401);
  await finished(alice, created.body.id);
});

t.test('bad backtests are refused naming the field, and nothing is queued for them', async (t) => {
  const carol = await platform.api.signUp('carol@example.com');
  await expectError(t, carol, { ...replayBacktest, strategy: { name: 'moon-shot' } }, 422, 'strategy.name');
  await expectError(t, carol, { ...replayBacktest, strategy: { name: 'ema-cross', params: { fast: 40, slow: 20 } } }, 422, 'strategy.params.slow');
  await expectError(t, carol, { ...replayBacktest, strategy: { name: 'rsi-reversion', params: { period: 1 } } }, 422, 'strategy.params.period');
  await expectError(t, carol, { ...replayBacktest, data: { source: 'replay', market: 'DOGE/BTC' } }, 422, 'data.market');
  await expectError(t, carol, { ...replayBacktest, data: { source: 'replay', market: '../../etc/passwd' } }, 422, 'data.market');
  await expectError(t, carol, { ...replayBacktest, data: { source: 'file', market: 'ETH/BTC' } }, 422, 'data.source');
  await expectError(t, carol, { ...replayBacktest, data: { market: 'ETH/BTC', path: '/etc/passwd' } }, 422, 'path');
  await expectError(t, carol, { ...replayBacktest, data: { market: 'ETH/BTC', from: 'yesterday' } }, 422, 'data.from');
  await expectError(t, carol, { ...replayBacktest, data: { market: 'ETH/BTC', from: '2020-01-01T00:00:00Z' } }, 422, 'data.from');
  t.equal((await carol.post('/backtests', { ...replayBacktest, data: { market: 'XRP/ETH', timeframe: '5m' } })).status, 202, 'a larger timeframe is built from the file');
  await expectError(t, carol, { ...replayBacktest, data: { market: 'LTC/BTC', timeframe: '1m' } }, 422, 'data.timeframe');
  await expectError(t, carol, { ...replayBacktest, data: { source: 'simulated', market: 'BTC/USDT', from: '2020-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' } }, 422, 'data.to');
  await expectError(t, carol, { ...replayBacktest, feeRate: '2' }, 422, 'feeRate');
  await expectError(t, carol, { ...replayBacktest, quoteBalance: '0' }, 422, 'quoteBalance');
  await expectError(t, carol, { ...replayBacktest, risk: { stopLossPercent: 150 } }, 422, 'risk.stopLossPercent');
  const list = await carol.get('/backtests');
  t.equal(list.body.items.length, 1, 'only the valid request was queued');
});

t.test('a user may have only a few backtests queued or running at once', async (t) => {
  const dave = await platform.api.signUp('dave@example.com');
  const long = { strategy: { name: 'sma-cross' }, data: { source: 'simulated', market: 'ADA/USDT', from: '2024-01-01T00:00:00Z', to: '2024-12-01T00:00:00Z' } };
  const accepted = [];
  for (let index = 0; index < 3; index += 1) accepted.push((await dave.post('/backtests', long)).status);
  t.same(accepted, [202, 202, 202]);
  const refused = await expectError(t, dave, long, 429);
  t.equal(refused.body.error.code, 'RATE_LIMITED');
  const ids = (await dave.get('/backtests')).body.items.map((item: { id: string }) => item.id);
  for (const id of ids) await finished(dave, id);
  t.equal((await dave.post('/backtests', replayBacktest)).status, 202, 'accepted again once they finished');
});

t.test('GET /strategies lists the six strategies with parameter schemas a form can be built from', async (t) => {
  const response = await platform.api.as(undefined).get('/strategies');
  t.equal(response.status, 200);
  t.same(response.body.items.map((item: { name: string }) => item.name), ['bollinger-breakout', 'dca', 'ema-cross', 'macd-cross', 'rsi-reversion', 'sma-cross']);
  for (const item of response.body.items) {
    t.match(item, { title: String, description: String, parameters: { type: 'object', additionalProperties: false } });
    for (const [name, schema] of Object.entries(item.parameters.properties) as [string, Record<string, unknown>][]) {
      t.match(schema, { type: /^(integer|number)$/, default: Number, minimum: Number, maximum: Number, description: String }, `${item.name}.${name}`);
    }
  }
  const dca = response.body.items.find((item: { name: string }) => item.name === 'dca');
  t.same(Object.keys(dca.parameters.properties), ['period', 'entryDipPercent', 'stepPercent', 'targetPercent']);
});
