import { randomBytes } from 'node:crypto';
import t from 'tap';
import { REPLAY_BOT } from '../e2e/trading-session.ts';
import { startBinanceStub } from '../support/binance-stub/binance-stub.ts';
import { openEventStream } from '../support/event-stream.ts';
import { eventually, startTestPlatform } from '../support/platform.ts';

// Every flow that handles a secret, logged at debug level; then every captured line is searched.
const jwtSecret = randomBytes(32).toString('hex');
const apiKey = `exchange-key-${randomBytes(8).toString('hex')}`;
const apiSecret = `exchange-secret-${randomBytes(12).toString('hex')}`;
const exchange = await startBinanceStub();
exchange.addAccount(apiKey, apiSecret, { USDT: '1000' });
const platform = await startTestPlatform({ env: { LOG_LEVEL: 'debug', JWT_SECRET: jwtSecret, REPLAY_SPEED: '600', EXCHANGE_URLS: `binance=${exchange.url}` } });
t.teardown(async () => { await platform.stop(); await exchange.close(); });

t.test('passwords, tokens and secrets never reach a log line; request, user and bot ids do', async (t) => {
  const password = `first-password-${randomBytes(6).toString('hex')}`;
  const newPassword = `second-password-${randomBytes(6).toString('hex')}`;
  const wrongPassword = `wrong-password-${randomBytes(6).toString('hex')}`;
  const api = platform.api;
  t.equal((await api.post('/auth/register', { email: 'secret@example.com', password })).status, 201);
  t.equal((await api.post('/auth/login', { email: 'secret@example.com', password: wrongPassword })).status, 401);
  const login = (await api.post('/auth/login', { email: 'secret@example.com', password })).body;
  const refreshed = (await api.post('/auth/refresh', { refreshToken: login.refreshToken })).body;
  t.equal((await api.post('/auth/refresh', { refreshToken: login.refreshToken })).status, 401, 'a reused refresh token (logged as a warning)');
  const user = api.as(refreshed.token);
  const changed = (await user.post('/auth/password', { currentPassword: password, newPassword })).body;
  const client = api.as(changed.token);
  t.equal((await client.post('/exchange-accounts', { exchange: 'binance', apiKey, secret: apiSecret })).status, 201, 'exchange keys stored');
  t.equal((await client.post('/exchange-accounts', { exchange: 'binance', apiKey, secret: `${apiSecret}-wrong` })).status >= 400, true, 'wrong exchange keys refused');
  const stream = await openEventStream(`${platform.baseUrl}/api/events?access_token=${changed.token}`);
  t.teardown(() => stream.close());
  const bot = (await client.request('POST', '/bots', REPLAY_BOT, { 'x-request-id': 'trace-secrets-1' })).body;
  await client.request('POST', `/bots/${bot.id}/start`, {}, { 'x-request-id': 'trace-secrets-2' });
  await stream.waitFor((event) => event.event === 'bot.decision', 2, 30_000);
  await client.post(`/bots/${bot.id}/stop`);
  await api.post('/auth/logout', { refreshToken: changed.refreshToken });
  await eventually(async () => (platform.logs.lines.some((line) => line.includes('trace-secrets-2')) ? true : undefined), 5_000, 'the request id in the logs');

  const logs = platform.logs.lines.join('\n');
  t.ok(platform.logs.lines.length > 50, `${platform.logs.lines.length} log lines captured`);
  for (const [name, secret] of Object.entries({
    password, newPassword, wrongPassword, jwtSecret, apiSecret, apiKey,
    accessToken: login.token, refreshedAccessToken: refreshed.token, queryToken: changed.token,
    refreshToken: login.refreshToken, rotatedRefreshToken: refreshed.refreshToken, lastRefreshToken: changed.refreshToken,
  })) {
    t.notOk(logs.includes(secret), `the ${name} is in no log line`);
  }
  t.notMatch(logs, /\$argon2id\$/, 'no password hash either');
  const traced = platform.logs.lines.filter((line) => line.includes('"requestId":"trace-secrets-2"'));
  t.ok(traced.some((line) => line.includes('"action":"bots.start"') && line.includes(`"userId":"${changed.user.id}"`)), 'the start call is logged with its request id and user');
  t.ok(platform.logs.lines.some((line) => line.includes(`"botId":"${bot.id}"`)), 'lines about the bot carry its id');
});
