import t from 'tap';
import { ACTIONS } from '../../libs/contracts/actions.ts';
import { EVENTS, type ProtectionTriggeredEvent } from '../../libs/contracts/events.ts';
import { UserRepository } from '../../libs/db/user.repository.ts';
import { startTestPlatform } from '../support/platform.ts';

// The API layer and the risk service; no scheduler, so nothing trades behind the test's back.
const platform = await startTestPlatform({ services: ['gateway', 'bots', 'risk', 'execution'] });
t.teardown(() => platform.stop());
const alice = await platform.api.signUp('alice@example.com');
const bob = await platform.api.signUp('bob@example.com');
await platform.api.signUp('ops@example.com');
await new UserRepository(platform.mesh.database).setRole('ops@example.com', 'admin');
const ops = await platform.api.signUp('unused@example.com').then(() => platform.api.post<{ token: string }>('/auth/login', { email: 'ops@example.com', password: 'correct horse battery staple' })).then((login) => platform.api.as(login.body.token));

const protections: ProtectionTriggeredEvent[] = [];
platform.mesh.broker.createService({ name: 'protection-listener', events: { [EVENTS.protectionTriggered]: (ctx: { params: ProtectionTriggeredEvent }) => void protections.push(ctx.params) } });

async function aliceBot(): Promise<string> {
  const created = await alice.post('/bots', { name: 'risky', market: 'BTC/USDT', strategy: { name: 'ema-cross' } });
  t.equal(created.status, 201);
  t.equal((await alice.post(`/bots/${created.body.id}/start`)).status, 200);
  return created.body.id as string;
}

const approve = (botId: string, side: 'buy' | 'sell', candleTime?: number) =>
  platform.mesh.broker.call<{ kind: string; reason?: string; quantity?: string }, object>(ACTIONS.risk.approve, { botId, side, reason: 'signal: test', price: '100', ...(candleTime ? { candleTime } : {}) });

t.test('risk limits: none by default, set and cleared by their owner only, bad values refused naming the field', async (t) => {
  t.match((await alice.get('/risk-limits')).body, { dailyLossLimit: null, maxExposurePerMarket: null });
  const set = await alice.request('PUT', '/risk-limits', { dailyLossLimit: '50', maxExposurePerMarket: '2500.5' });
  t.equal(set.status, 200);
  t.match(set.body, { dailyLossLimit: '50', maxExposurePerMarket: '2500.5' });
  t.match((await bob.get('/risk-limits')).body, { dailyLossLimit: null }, "another user's limits are their own");
  for (const [body, field] of [[{ dailyLossLimit: '-5' }, 'dailyLossLimit'], [{ dailyLossLimit: '0' }, 'dailyLossLimit'], [{ maxExposurePerMarket: 12 }, 'maxExposurePerMarket'], [{ colour: 'red' }, 'colour']] as const) {
    const refused = await alice.request('PUT', '/risk-limits', body);
    t.equal(refused.status, 422, JSON.stringify(body));
    t.equal(refused.body.error.field, field);
  }
  const cleared = await alice.request('PUT', '/risk-limits', { maxExposurePerMarket: null });
  t.match(cleared.body, { dailyLossLimit: '50', maxExposurePerMarket: null }, 'null clears one limit, the other stays');
});

t.test('daily loss limit: entries of every bot of the user are denied for the rest of the UTC day, exits are not; the next day they resume', async (t) => {
  const botId = await aliceBot();
  await alice.request('PUT', '/risk-limits', { dailyLossLimit: '50' });
  const day = Date.UTC(2026, 4, 10, 15);
  await platform.mesh.database.em().getConnection().execute(`update bot_states set trading_day = '2026-05-10', realized_profit_today = -60 where bot_id = ?`, [botId]);
  const denied = await approve(botId, 'buy', day);
  t.match(denied, { kind: 'denied', reason: /daily loss limit of 50 reached \(60 lost today across your bots\).*until 2026-05-11T00:00:00.000Z/ });
  t.match(await approve(botId, 'sell', day), { kind: 'denied', reason: /no position to sell/ }, 'an exit is judged on its own (nothing held here), not by the limit');
  t.equal((await approve(botId, 'buy', Date.UTC(2026, 4, 11, 0, 1))).kind, 'approved', 'the next UTC day the loss no longer counts');
  await t.resolves(async () => {
    for (let i = 0; i < 50 && !protections.some((event) => event.botId === botId); i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
  });
  t.match(protections.find((event) => event.botId === botId), { userId: String, protection: 'daily-loss-limit', until: '2026-05-11T00:00:00.000Z' }, 'bot.protection tells the owner');
  await alice.request('PUT', '/risk-limits', { dailyLossLimit: null });
});

t.test('kill switch: admins only; entries mode denies buys on every bot, all mode every order; recorded with who and why', async (t) => {
  t.equal((await alice.get('/admin/kill-switch')).status, 403);
  t.equal((await alice.request('PUT', '/admin/kill-switch', { mode: 'all', reason: 'not an admin' })).status, 403);
  t.match((await ops.get('/admin/kill-switch')).body, { mode: 'off', reason: null });
  t.equal((await ops.request('PUT', '/admin/kill-switch', { mode: 'sideways', reason: 'x' })).body.error.field, 'mode');
  t.equal((await ops.request('PUT', '/admin/kill-switch', { mode: 'all' })).body.error.field, 'reason', 'a reason is required');
  const botId = await aliceBot();
  const halted = await ops.request('PUT', '/admin/kill-switch', { mode: 'entries', reason: 'exchange incident' });
  t.match(halted.body, { mode: 'entries', reason: 'exchange incident', changedBy: String, changedAt: String });
  t.match(await approve(botId, 'buy'), { kind: 'denied', reason: /kill switch: new entries halted by an operator \(exchange incident\)/ });
  await ops.request('PUT', '/admin/kill-switch', { mode: 'all', reason: 'halt everything' });
  t.match(await approve(botId, 'sell'), { kind: 'denied', reason: /all trading halted/ });
  await ops.request('PUT', '/admin/kill-switch', { mode: 'off', reason: 'incident over' });
  t.equal((await approve(botId, 'buy')).kind, 'approved');
  const history = await platform.mesh.database.em().getConnection().execute<{ mode: string }[]>('select mode from kill_switch_changes order by id');
  t.same(history.map((row) => row.mode), ['entries', 'all', 'off'], 'every change is kept');
});

t.test('bots take the new risk settings, validated, and show every field with its default', async (t) => {
  const created = await alice.post('/bots', { name: 'sized', market: 'BTC/USDT', strategy: { name: 'ema-cross' }, risk: { sizingMode: 'percent-of-equity', stakePercent: 25, trailingStopPercent: 3, protections: { cooldownMinutes: 15 } }, stopPolicy: 'leave-orders' });
  t.equal(created.status, 201);
  t.match(created.body, { risk: { sizingMode: 'percent-of-equity', stakePercent: 25, maxOpenOrders: 1, trailingStopPercent: 3, protections: { cooldownMinutes: 15, stopLossGuard: null } }, stopPolicy: 'leave-orders', exchangeAccountId: null });
  const refused = await alice.post('/bots', { name: 'bad', market: 'BTC/USDT', strategy: { name: 'ema-cross' }, risk: { sizingMode: 'percent-risked', stopLossPercent: null } });
  t.equal(refused.status, 422);
  t.equal(refused.body.error.field, 'risk.sizingMode');
  const badProtection = await alice.post('/bots', { name: 'bad', market: 'BTC/USDT', strategy: { name: 'ema-cross' }, risk: { protections: { stopLossGuard: { tradeLimit: 0, lookbackMinutes: 5, pauseMinutes: 5 } } } });
  t.equal(badProtection.status, 422);
  t.match(badProtection.body.error.field, /tradeLimit/);
});

t.test('the REPL kill switch command sets the switch with the operator and reason, and shows it', async (t) => {
  const { killSwitchCommand, replCommands } = await import('../../services/risk/repl-commands.ts');
  t.match(replCommands[0], { command: /^killswitch/ });
  const printed: string[] = [];
  await killSwitchCommand(platform.mesh.broker, { mode: 'entries', reason: ['maintenance', 'window'] }, (line) => printed.push(line));
  t.match(JSON.parse(printed[0]!), { mode: 'entries', reason: 'maintenance window', changedBy: /^repl@/ });
  await killSwitchCommand(platform.mesh.broker, { mode: 'sideways', reason: ['x'] }, (line) => printed.push(line));
  t.match(printed[1], /^usage: killswitch/);
  await killSwitchCommand(platform.mesh.broker, {}, (line) => printed.push(line));
  t.match(JSON.parse(printed[2]!), { mode: 'entries' });
  await killSwitchCommand(platform.mesh.broker, { mode: 'off', reason: ['done'] }, (line) => printed.push(line));
  t.match((await ops.get('/admin/kill-switch')).body, { mode: 'off', reason: 'done' });
});
