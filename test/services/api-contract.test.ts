/**
 * The API's contract, route by route: a walk over EVERY route with two users proves no
 * cross-tenant read or write succeeds (a route without a tenancy case fails the test),
 * fields a client may not set are refused, and every response met on the way — success
 * or error — matches the OpenAPI document (validated with ajv).
 */
import t from 'tap';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { runAdminCommand } from '../../bin/admin-command.ts';
import { AuditRepository } from '../../libs/db/audit.repository.ts';
import { UserRepository } from '../../libs/db/user.repository.ts';
import { ROUTES, type RouteSpec } from '../../services/gateway/routes.ts';
import { openEventStream } from '../support/event-stream.ts';
import { startBinanceStub } from '../support/binance-stub/binance-stub.ts';
import { startTestPlatform, type ApiClient, type ApiResponse } from '../support/platform.ts';

// Exchange accounts are checked against an exchange: the Binance stub stands in for one.
const exchange = await startBinanceStub();
exchange.addAccount('alice-exchange-key-0001', 'alice-exchange-secret', { USDT: '1000' });
exchange.addAccount('bob-exchange-key-0002', 'bob-exchange-secret', { USDT: '1000' });
const platform = await startTestPlatform({ services: ['gateway', 'bots', 'strategy', 'risk', 'execution'], env: { EXCHANGE_URLS: `binance=${exchange.url}` } });
t.teardown(async () => { await platform.stop(); await exchange.close(); });
const PASSWORD = 'correct horse battery staple';
const alice = await platform.api.signUp('alice@example.com', PASSWORD);
const bob = await platform.api.signUp('bob@example.com', PASSWORD);
const aliceId = (await alice.get('/auth/me')).body.id as string;
const validBot = { name: 'alice bot', market: 'BTC/USDT', strategy: { name: 'ema-cross' } };
const backtestBody = { strategy: { name: 'ema-cross', params: { fast: 8, slow: 21 } }, data: { source: 'replay', market: 'ETH/BTC' } };

const aliceBot = (await alice.post('/bots', validBot)).body;
const aliceBacktest = (await alice.post('/backtests', backtestBody)).body;
await alice.request('PUT', '/risk-limits', { dailyLossLimit: '75' });
const aliceAccount = (await alice.post('/exchange-accounts', { exchange: 'binance', apiKey: 'alice-exchange-key-0001', secret: 'alice-exchange-secret' })).body;
const bobBot = (await bob.post('/bots', { ...validBot, name: 'bob bot' })).body;

/** Every response seen, for the conformance check at the end. */
const seen: { route: RouteSpec; response: ApiResponse }[] = [];

function routeKey(route: RouteSpec): string {
  return `${route.method} ${route.path}`;
}

async function call(client: ApiClient, route: RouteSpec, path: string, body?: unknown): Promise<ApiResponse> {
  const response = await client.request(route.method, path, body ?? (route.method === 'GET' || route.method === 'DELETE' ? undefined : {}));
  seen.push({ route, response });
  return response;
}

/** The id of alice's resource in each route family with ids. */
const ALICE_RESOURCES: Record<string, string> = { bots: aliceBot.id, backtests: aliceBacktest.id, 'exchange-accounts': aliceAccount.id };

/** Bodies for routes that need one to get past validation. */
const BODIES: Record<string, unknown> = {
  'POST /auth/register': { email: 'carl@example.com', password: PASSWORD },
  'POST /auth/login': { email: 'bob@example.com', password: PASSWORD },
  'POST /bots': { ...validBot, name: 'bob second bot' },
  'PATCH /bots/:id': { name: 'taken over' },
  'POST /backtests': backtestBody,
  'PUT /risk-limits': { dailyLossLimit: '10' },
  'POST /exchange-accounts': { exchange: 'binance', apiKey: 'bob-exchange-key-0002', secret: 'bob-exchange-secret' },
  'PUT /admin/kill-switch': { mode: 'all', reason: 'a user trying' },
};

type TenancyCase =
  /** Anyone may call it; the answer holds no user's data. */
  | 'public'
  /** The caller's own scope (lists, singletons, creation): never another user's data. */
  | 'own'
  /** One resource by id: another user's is the same 404 as a missing one, and stays untouched. */
  | 'resource'
  /** Admins only: a user gets 403. */
  | 'admin'
  /** Sessions of the caller's own credentials. */
  | 'session'
  /** The caller's live events. */
  | 'stream';

const CASES: Record<string, TenancyCase> = {
  'GET /health': 'public', 'GET /ready': 'public', 'GET /openapi.json': 'public', 'GET /strategies': 'public', 'GET /markets': 'public',
  'GET /events': 'stream',
  'POST /auth/register': 'session', 'POST /auth/login': 'session', 'POST /auth/refresh': 'session', 'POST /auth/logout': 'session', 'POST /auth/password': 'session', 'GET /auth/me': 'own',
  'GET /bots': 'own', 'POST /bots': 'own', 'GET /fleet': 'own',
  'GET /bots/:id': 'resource', 'PATCH /bots/:id': 'resource', 'DELETE /bots/:id': 'resource', 'POST /bots/:id/start': 'resource', 'POST /bots/:id/stop': 'resource',
  'POST /bots/:id/pause': 'resource', 'GET /bots/:id/decisions': 'resource', 'GET /bots/:id/orders': 'resource', 'GET /bots/:id/trades': 'resource',
  'GET /bots/:id/chart': 'resource', 'GET /bots/:id/position': 'resource',
  'GET /backtests': 'own', 'POST /backtests': 'own', 'GET /backtests/:id': 'resource', 'GET /backtests/:id/chart': 'resource',
  'GET /risk-limits': 'own', 'PUT /risk-limits': 'own',
  'GET /exchange-accounts': 'own', 'POST /exchange-accounts': 'own', 'DELETE /exchange-accounts/:id': 'resource',
  'GET /admin/kill-switch': 'admin', 'PUT /admin/kill-switch': 'admin', 'GET /admin/audit': 'admin', 'GET /admin/users': 'admin',
  'GET /admin/bus/lag': 'admin', 'GET /admin/dead-letters': 'admin', 'POST /admin/dead-letters/:id/replay': 'admin', 'DELETE /admin/dead-letters/:id': 'admin',
};

function leaksAlice(response: ApiResponse): boolean {
  const text = JSON.stringify(response.body ?? '');
  return [aliceId, aliceBot.id, aliceBacktest.id, aliceAccount.id, 'alice@example.com', 'alice-exchange-key-0001', 'alice-exchange-secret'].some((secret) => text.includes(secret));
}

t.test('every route has a tenancy case (a new route family must add one here)', async (t) => {
  for (const route of ROUTES) t.ok(CASES[routeKey(route)], `${routeKey(route)} has a tenancy case`);
  for (const key of Object.keys(CASES)) t.ok(ROUTES.some((route) => routeKey(route) === key), `${key} is still a route`);
});

t.test('walking every route as bob never reads or changes anything of alice', async (t) => {
  for (const route of ROUTES) {
    const key = routeKey(route);
    const body = BODIES[key];
    switch (CASES[key]) {
      case 'public': {
        const response = await call(bob, route, route.path);
        t.equal(response.status, 200, `${key} answers`);
        t.notOk(leaksAlice(response), `${key} shows nothing of alice`);
        break;
      }
      case 'own': {
        const response = await call(bob, route, route.path, body);
        t.ok(response.status < 300, `${key} works for bob (${response.status})`);
        t.notOk(leaksAlice(response), `${key} shows nothing of alice`);
        break;
      }
      case 'resource': {
        const family = route.path.split('/')[1]!;
        const aliceResource = ALICE_RESOURCES[family];
        t.ok(aliceResource, `alice has a ${family} resource to aim at (add one to ALICE_RESOURCES for a new family)`);
        const theirs = await call(bob, route, route.path.replace(':id', aliceResource ?? ''), body);
        const missing = await call(bob, route, route.path.replace(':id', crypto.randomUUID()), body);
        t.equal(theirs.status, 404, `${key} on alice's resource is 404`);
        t.same(theirs.body, missing.body, `${key}: the same answer as for one that does not exist`);
        break;
      }
      case 'admin': {
        const response = await call(bob, route, route.path, body);
        t.equal(response.status, 403, `${key} is refused to a user`);
        t.notOk(leaksAlice(response));
        break;
      }
      case 'session': {
        const response = await call(platform.api.as(key === 'POST /auth/password' ? bob.token : undefined), route, route.path, body);
        t.notOk(leaksAlice(response), `${key} shows nothing of alice (${response.status})`);
        break;
      }
      case 'stream': {
        const stream = await openEventStream(`${platform.baseUrl}/api/events`, { authorization: `Bearer ${bob.token}` });
        await alice.patch(`/bots/${aliceBot.id}`, { name: 'alice bot' });
        await bob.patch(`/bots/${bobBot.id}`, { name: 'bob bot' });
        await stream.waitFor((event) => event.data.botId === bobBot.id, 1, 10_000);
        stream.close();
        t.notOk(stream.events.some((event) => event.data.userId === aliceId), "bob's stream carries none of alice's events");
        break;
      }
      default:
        t.fail(`${key} has no tenancy case`);
    }
  }
  const after = await alice.get(`/bots/${aliceBot.id}`);
  t.match(after.body, { name: 'alice bot', status: 'created' }, "alice's bot is unchanged and not deleted");
  t.equal((await alice.get(`/backtests/${aliceBacktest.id}`)).status, 200, "alice's backtest is still hers");
  t.same((await alice.get('/exchange-accounts')).body.items.map((account: { id: string }) => account.id), [aliceAccount.id], "alice's exchange account is still hers, and only hers");
  t.equal((await alice.get('/risk-limits')).body.dailyLossLimit, '75', "alice's risk limits are unchanged");
  t.equal((await platform.api.post('/auth/login', { email: 'alice@example.com', password: PASSWORD })).status, 200, "alice's password is unchanged");
});

t.test('fields a client may not set are refused, and a body cannot name another resource', async (t) => {
  for (const [field, value] of [['userId', aliceId], ['ownerId', aliceId], ['status', 'running'], ['id', crypto.randomUUID()], ['baseBalance', '10'], ['createdAt', '2020-01-01T00:00:00Z']] as const) {
    const created = await bob.post('/bots', { ...validBot, [field]: value });
    t.equal(created.status, 422, `POST /bots with ${field} is refused`);
    t.equal(created.body.error.field, field);
  }
  for (const field of ['userId', 'status', 'quoteBalanceNow']) {
    t.equal((await bob.patch(`/bots/${bobBot.id}`, { [field]: 'x' })).status, 422, `PATCH with ${field} is refused`);
  }
  const aimed = await bob.patch(`/bots/${bobBot.id}`, { id: aliceBot.id, name: 'renamed through the body' });
  t.not((await alice.get(`/bots/${aliceBot.id}`)).body.name, 'renamed through the body', "an id in the body never reaches alice's bot");
  t.ok(aimed.status === 422 || aimed.body.id === bobBot.id, 'the path decides which bot');
  t.equal((await bob.post('/backtests', { ...backtestBody, userId: aliceId })).status, 422, 'a backtest cannot be filed for someone else');
  t.equal((await bob.request('PUT', '/risk-limits', { dailyLossLimit: '5', userId: aliceId })).status, 422, "risk limits cannot be set for someone else");
});

t.test('every response met matches the OpenAPI document (status documented, body valid)', async (t) => {
  const document = (await platform.api.get('/openapi.json')).body;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema(document, 'openapi.json');
  // A few successful calls of routes the walk only saw refused.
  for (const [route, path] of [['GET /bots/:id', `/bots/${aliceBot.id}`], ['GET /bots/:id/decisions', `/bots/${aliceBot.id}/decisions`], ['GET /bots/:id/position', `/bots/${aliceBot.id}/position`], ['GET /backtests/:id', `/backtests/${aliceBacktest.id}`], ['GET /bots/:id/orders', `/bots/${aliceBot.id}/orders`], ['GET /bots/:id/trades', `/bots/${aliceBot.id}/trades`]] as const) {
    await call(alice, ROUTES.find((candidate) => routeKey(candidate) === route)!, path);
  }
  await platform.api.signUp('admin@example.com', PASSWORD);
  await runAdminCommand(['grant', 'admin@example.com'], { users: new UserRepository(platform.mesh.database), audit: new AuditRepository(platform.mesh.database), operator: 'test' });
  const admin = platform.api.as((await platform.api.post('/auth/login', { email: 'admin@example.com', password: PASSWORD })).body.token);
  for (const route of ROUTES.filter((candidate) => candidate.admin)) {
    await call(admin, route, route.path, route.method === 'PUT' ? { mode: 'off', reason: 'conformance check' } : undefined);
  }
  let checked = 0;
  for (const { route, response } of seen) {
    if (route.stream) continue;
    const operation = document.paths[`/api${route.path.replace(/:([a-zA-Z]+)/g, '{$1}')}`]?.[route.method.toLowerCase()];
    const documented = operation?.responses?.[String(response.status)];
    t.ok(documented, `${routeKey(route)} -> ${response.status} is documented`);
    const schema = documented?.content?.['application/json']?.schema;
    if (!schema) continue;
    const validate = ajv.compile({ $ref: `openapi.json${schema.$ref}` });
    const valid = validate(response.body);
    t.ok(valid, `${routeKey(route)} -> ${response.status} matches its schema${valid ? '' : `: ${ajv.errorsText(validate.errors)}`}`);
    checked += 1;
  }
  t.ok(checked > 50, `${checked} responses validated`);
  t.notOk(ajv.compile({ $ref: 'openapi.json#/components/schemas/Bot' })({ ...aliceBot, status: 'flying' }), 'the check does reject a body off its schema');
  t.notOk(ajv.compile({ $ref: 'openapi.json#/components/schemas/Error' })({ error: { message: 'no code' } }), 'and an error without a code');
});
