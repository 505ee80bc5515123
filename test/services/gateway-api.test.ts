import t, { type Test } from 'tap';
import { startTestPlatform, type ApiClient } from '../support/platform.ts';

// One platform for the file; only the API layer is under test, so the scheduler is left out.
const platform = await startTestPlatform({ services: ['gateway', 'bots', 'strategy', 'risk', 'execution'] });
t.teardown(() => platform.stop());
const alice = await platform.api.signUp('alice@example.com');
const bob = await platform.api.signUp('bob@example.com');
const validBot = { name: 'my bot', market: 'BTC/USDT', strategy: { name: 'ema-cross' } };

async function expectError(t: Test, client: ApiClient, method: string, route: string, body: unknown, status: number, field?: string) {
  const response = await client.request(method, route, body);
  t.equal(response.status, status, `${method} ${route} ${JSON.stringify(body)?.slice(0, 80)} -> ${status}`);
  t.type(response.body?.error?.code, 'string', 'error has a code');
  t.type(response.body?.error?.message, 'string', 'error has a message');
  if (field !== undefined) t.equal(response.body.error.field, field, `names the field ${field}`);
  t.notMatch(JSON.stringify(response.body), /at .*\.ts:\d+|node_modules|Moleculer|stack/, 'no stack traces or internal names');
  return response;
}

t.test('a bot created with only name, market and strategy name gets every default', async (t) => {
  const created = await alice.post('/bots', validBot);
  t.equal(created.status, 201);
  t.match(created.body, {
    name: 'my bot', exchange: 'paper', marketSource: 'simulated', market: 'BTC/USDT', timeframe: '1m',
    strategy: { name: 'ema-cross', params: { fast: 12, slow: 26 } },
    risk: { stakeAmount: '100', maxPositionAmount: '1000', stopLossPercent: 5, takeProfitPercent: 10 },
    quoteBalance: '1000', status: 'created',
  });
});

t.test('malformed, incomplete, extra and wrongly typed bodies get 4xx naming the field', async (t) => {
  await expectError(t, alice, 'POST', '/bots', '{"name": "x", ', 400);
  await expectError(t, alice, 'POST', '/bots', { market: 'BTC/USDT', strategy: { name: 'ema-cross' } }, 422, 'name');
  await expectError(t, alice, 'POST', '/bots', { ...validBot, colour: 'blue' }, 422, 'colour');
  await expectError(t, alice, 'POST', '/bots', { ...validBot, strategy: { name: 'ema-cross', extra: 1 } }, 422, 'extra');
  await expectError(t, alice, 'POST', '/bots', { ...validBot, name: 42 }, 422, 'name');
  await expectError(t, alice, 'POST', '/bots', { ...validBot, name: 'x'.repeat(101) }, 422, 'name');
  await expectError(t, alice, 'POST', '/bots', { ...validBot, market: 'bitcoin' }, 422, 'market');
  await expectError(t, alice, 'POST', '/bots', { ...validBot, timeframe: '7m' }, 422, 'timeframe');
  await expectError(t, alice, 'POST', '/bots', { ...validBot, strategy: { name: 'moon-shot' } }, 422, 'strategy.name');
  await expectError(t, alice, 'POST', '/bots', { ...validBot, strategy: { name: 'ema-cross', params: { fast: 40, slow: 20 } } }, 422, 'strategy.params.slow');
  await expectError(t, alice, 'POST', '/bots', { ...validBot, strategy: { name: 'ema-cross', params: { fast: 'quick' } } }, 422, 'strategy.params.fast');
  await expectError(t, alice, 'POST', '/bots', { ...validBot, quoteBalance: '-5' }, 422, 'quoteBalance');
  await expectError(t, alice, 'POST', '/bots', { ...validBot, quoteBalance: '0' }, 422, 'quoteBalance');
  await expectError(t, alice, 'POST', '/bots', { ...validBot, quoteBalance: 1000 }, 422, 'quoteBalance');
  await expectError(t, alice, 'POST', '/bots', { ...validBot, quoteBalance: '1e30' }, 422, 'quoteBalance');
  await expectError(t, alice, 'POST', '/bots', { ...validBot, quoteBalance: '99999999999999999' }, 422, 'quoteBalance');
  await expectError(t, alice, 'POST', '/bots', { ...validBot, risk: { stopLossPercent: 150 } }, 422, 'risk.stopLossPercent');
  await expectError(t, alice, 'POST', '/bots', { ...validBot, risk: { stakeAmount: '0' } }, 422, 'risk.stakeAmount');
  await expectError(t, alice, 'POST', '/bots', { ...validBot, exchange: 'binance' }, 422, 'exchange');
  await expectError(t, alice, 'POST', '/bots', { ...validBot, marketSource: 'nasdaq' }, 422, 'marketSource');
  await expectError(t, alice, 'POST', '/bots', JSON.stringify({ ...validBot, name: 'x'.repeat(70_000) }), 413);
  await expectError(t, alice, 'GET', '/bots/not-a-uuid', undefined, 422, 'id');
  await expectError(t, alice, 'GET', `/bots/${crypto.randomUUID()}/decisions?limit=100000`, undefined, 422, 'limit');
  await expectError(t, alice, 'GET', `/bots/${crypto.randomUUID()}/decisions?cursor=garbage`, undefined, 404);
  await expectError(t, alice, 'POST', '/auth/register', { email: 'not-an-email', password: 'password123' }, 422, 'email');
  await expectError(t, alice, 'POST', '/auth/register', { email: 'short@example.com', password: 'short' }, 422, 'password');
  await expectError(t, alice, 'GET', '/no/such/route', undefined, 404);
  const list = await alice.get('/bots');
  t.ok(list.body.items.every((bot: { name: string }) => bot.name === 'my bot'), 'no refused request left a half-written bot');
});

t.test('a bad cursor on an existing bot is refused naming the field', async (t) => {
  const created = await alice.post('/bots', validBot);
  await expectError(t, alice, 'GET', `/bots/${created.body.id}/decisions?cursor=garbage`, undefined, 422, 'cursor');
});

t.test('no token or a bad token gets 401 on every private route', async (t) => {
  const anonymous = platform.api.as(undefined);
  await expectError(t, anonymous, 'GET', '/bots', undefined, 401);
  await expectError(t, anonymous, 'POST', '/bots', validBot, 401);
  await expectError(t, platform.api.as('not.a.jwt'), 'GET', '/bots', undefined, 401);
  const forged = `${alice.token!.split('.').slice(0, 2).join('.')}.${'A'.repeat(43)}`;
  await expectError(t, platform.api.as(forged), 'GET', '/bots', undefined, 401);
  await expectError(t, platform.api, 'POST', '/auth/login', { email: 'alice@example.com', password: 'wrong password' }, 401);
  t.equal((await anonymous.get('/health')).status, 200, 'health is public');
});

t.test("another user's bot is a 404 identical to a bot that does not exist", async (t) => {
  const created = await alice.post('/bots', { ...validBot, name: 'private' });
  const id = created.body.id;
  const missing = crypto.randomUUID();
  for (const [method, suffix, body] of [['GET', '', undefined], ['PATCH', '', { name: 'mine now' }], ['DELETE', '', undefined], ['POST', '/start', {}], ['POST', '/stop', {}], ['POST', '/pause', {}], ['GET', '/decisions', undefined], ['GET', '/orders', undefined], ['GET', '/trades', undefined], ['GET', '/position', undefined]] as const) {
    const theirs = await bob.request(method, `/bots/${id}${suffix}`, body);
    const nobody = await bob.request(method, `/bots/${missing}${suffix}`, body);
    t.equal(theirs.status, 404, `${method} ${suffix || '/'} on another user's bot`);
    t.same(theirs.body, nobody.body, 'same body as for a bot that does not exist');
  }
  t.notOk((await bob.get('/bots')).body.items.some((bot: { id: string }) => bot.id === id), "the list never shows another user's bot");
  t.equal((await alice.get(`/bots/${id}`)).body.name, 'private', 'the owner still sees it unchanged');
});

t.test('impossible lifecycle transitions are refused with 409 and a reason', async (t) => {
  const created = await alice.post('/bots', { ...validBot, name: 'lifecycle' });
  const id = created.body.id;
  const stop = await expectError(t, alice, 'POST', `/bots/${id}/stop`, {}, 409);
  t.match(stop.body.error.message, /cannot stop a bot that is created/);
  t.equal((await alice.post(`/bots/${id}/start`)).body.status, 'running');
  const again = await expectError(t, alice, 'POST', `/bots/${id}/start`, {}, 409);
  t.match(again.body.error.message, /cannot start a bot that is running/);
  const remove = await expectError(t, alice, 'DELETE', `/bots/${id}`, undefined, 409);
  t.match(remove.body.error.message, /stop the bot before deleting it/);
  const reconfigure = await expectError(t, alice, 'PATCH', `/bots/${id}`, { timeframe: '5m' }, 409);
  t.match(reconfigure.body.error.message, /stop the bot before changing/);
  t.equal((await alice.patch(`/bots/${id}`, { name: 'renamed while running' })).body.name, 'renamed while running', 'renaming is always allowed');
  t.equal((await alice.post(`/bots/${id}/pause`)).body.status, 'paused');
  t.equal((await alice.post(`/bots/${id}/stop`)).body.status, 'stopped');
  const changed = await alice.patch(`/bots/${id}`, { timeframe: '5m', strategy: { name: 'ema-cross', params: { fast: 5 } } });
  t.match(changed.body, { timeframe: '5m', strategy: { params: { fast: 5, slow: 26 } } });
  t.equal((await alice.delete(`/bots/${id}`)).status, 200);
  t.equal((await alice.get(`/bots/${id}`)).status, 404, 'a deleted bot is gone');
});

t.test('the OpenAPI document describes every route with its parameters', async (t) => {
  const document = await platform.api.get('/openapi.json');
  t.equal(document.status, 200);
  t.equal(document.body.openapi, '3.1.0');
  for (const path of ['/api/auth/register', '/api/auth/login', '/api/bots', '/api/bots/{id}', '/api/bots/{id}/start', '/api/bots/{id}/decisions', '/api/bots/{id}/position', '/api/health']) {
    t.ok(document.body.paths[path], `documents ${path}`);
  }
  const create = document.body.paths['/api/bots'].post;
  t.same(create.requestBody.content['application/json'].schema.required, ['name', 'market', 'strategy']);
  t.equal(create.requestBody.content['application/json'].schema.additionalProperties, false);
  t.same(create.requestBody.content['application/json'].schema.properties.timeframe.enum, ['1m', '5m', '15m', '1h', '4h', '1d']);
  t.ok(document.body.paths['/api/bots/{id}/decisions'].get.parameters.some((parameter: { name: string; in: string }) => parameter.name === 'limit' && parameter.in === 'query'));
});

t.test('every request gets a request id, and a given one is kept', async (t) => {
  const response = await alice.request('GET', '/bots', undefined, { 'x-request-id': 'trace-abc-123' });
  t.equal(response.headers.get('x-request-id'), 'trace-abc-123');
  t.match((await alice.get('/bots')).headers.get('x-request-id'), /^[0-9a-f-]{36}$/);
});

t.test('passwords and tokens never reach the logs', async (t) => {
  const logs = platform.logs.lines.join('\n');
  t.notMatch(logs, 'correct horse battery staple');
  t.notMatch(logs, alice.token!);
});
