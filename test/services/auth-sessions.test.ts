import { randomBytes } from 'node:crypto';
import t from 'tap';
import { runAdminCommand } from '../../bin/admin-command.ts';
import { AuditRepository } from '../../libs/db/audit.repository.ts';
import { UserRepository } from '../../libs/db/user.repository.ts';
import { startTestPlatform, type ApiClient } from '../support/platform.ts';

const PASSWORD = 'correct horse battery staple';
// A lower per-address allowance than production's 50 keeps the address test short.
const ADDRESS_FAILURES = 12;
const platform = await startTestPlatform({ services: ['gateway', 'bots'], env: { TRUST_PROXY: '1' }, tuning: { loginFailuresPerAddress: ADDRESS_FAILURES } });
t.teardown(() => platform.stop());

async function login(email: string, password = PASSWORD, headers: Record<string, string> = {}) {
  return platform.api.request('POST', '/auth/login', { email, password }, headers);
}

t.test('login gives a 15-minute access token and a refresh token', async (t) => {
  await platform.api.signUp('dana@example.com');
  const before = Date.now();
  const response = await login('dana@example.com');
  t.equal(response.status, 200);
  t.match(response.body, { tokenType: 'Bearer', token: /^ey/, refreshToken: /^[A-Za-z0-9_-]{43}$/, user: { email: 'dana@example.com', role: 'user' } });
  const lifetime = Date.parse(response.body.expiresAt) - before;
  t.ok(lifetime > 890_000 && lifetime <= 901_000, `access token lives 15 minutes (${lifetime} ms)`);
  t.ok(Date.parse(response.body.refreshExpiresAt) - before > 13 * 24 * 3_600_000, 'the refresh token lives two weeks');
});

t.test('a refresh token is single use: presenting a retired one revokes its whole family', async (t) => {
  await platform.api.signUp('erin@example.com');
  const first = (await login('erin@example.com')).body;
  const otherDevice = (await login('erin@example.com')).body;

  const second = await platform.api.post('/auth/refresh', { refreshToken: first.refreshToken });
  t.equal(second.status, 200, 'the first use rotates');
  t.not(second.body.refreshToken, first.refreshToken);
  t.equal((await platform.api.as(second.body.token).get('/auth/me')).body.email, 'erin@example.com', 'the new access token works');
  const third = await platform.api.post('/auth/refresh', { refreshToken: second.body.refreshToken });
  t.equal(third.status, 200, 'the successor rotates too');

  const replayed = await platform.api.post('/auth/refresh', { refreshToken: first.refreshToken });
  t.equal(replayed.status, 401, 'the retired token is refused');
  t.equal(replayed.body.error.code, 'UNAUTHORIZED');
  const descendant = await platform.api.post('/auth/refresh', { refreshToken: third.body.refreshToken });
  t.equal(descendant.status, 401, 'and the newest token of the family is revoked with it');
  t.equal((await platform.api.post('/auth/refresh', { refreshToken: otherDevice.refreshToken })).status, 200, 'another login (family) is untouched');
});

t.test('two refreshes racing with one token: exactly one wins', async (t) => {
  await platform.api.signUp('race@example.com');
  const { refreshToken } = (await login('race@example.com')).body;
  const results = await Promise.all([1, 2, 3].map(() => platform.api.post('/auth/refresh', { refreshToken })));
  t.same(results.map((result) => result.status).sort(), [200, 401, 401]);
});

t.test('logout revokes the session; logging out again is not an error', async (t) => {
  await platform.api.signUp('fay@example.com');
  const session = (await login('fay@example.com')).body;
  const rotated = (await platform.api.post('/auth/refresh', { refreshToken: session.refreshToken })).body;
  t.same((await platform.api.post('/auth/logout', { refreshToken: rotated.refreshToken })).body, { loggedOut: true });
  t.equal((await platform.api.post('/auth/refresh', { refreshToken: rotated.refreshToken })).status, 401);
  t.equal((await platform.api.post('/auth/logout', { refreshToken: rotated.refreshToken })).status, 200);
  t.equal((await platform.api.post('/auth/refresh', { refreshToken: 'short' })).status, 422, 'a malformed token is a 422 naming the field');
});

t.test('a password change signs out every other session and keeps the caller signed in', async (t) => {
  const gus = await platform.api.signUp('gus@example.com');
  const elsewhere = (await login('gus@example.com')).body;
  const wrong = await gus.post('/auth/password', { currentPassword: 'not my password', newPassword: 'a brand new password' });
  t.equal(wrong.status, 422);
  t.equal(wrong.body.error.field, 'currentPassword');
  t.equal((await gus.post('/auth/password', { currentPassword: PASSWORD, newPassword: PASSWORD })).body.error.field, 'newPassword');

  const changed = await gus.post('/auth/password', { currentPassword: PASSWORD, newPassword: 'a brand new password' });
  t.equal(changed.status, 200);
  t.equal((await platform.api.post('/auth/refresh', { refreshToken: elsewhere.refreshToken })).status, 401, 'the other session is revoked');
  t.equal((await platform.api.post('/auth/refresh', { refreshToken: changed.body.refreshToken })).status, 200, 'the new session works');
  t.equal((await login('gus@example.com')).status, 401, 'the old password no longer works');
  t.equal((await login('gus@example.com', 'a brand new password')).status, 200);
  t.equal((await platform.api.as(undefined).post('/auth/password', { currentPassword: PASSWORD, newPassword: 'x'.repeat(10) })).status, 401, 'needs a token');
});

t.test('failed logins are throttled per account: the sixth attempt is refused even with the right password', async (t) => {
  await platform.api.signUp('hal@example.com');
  for (let attempt = 1; attempt <= 5; attempt += 1) t.equal((await login('hal@example.com', 'guess number ' + attempt)).status, 401);
  const refused = await login('hal@example.com');
  t.equal(refused.status, 429);
  t.equal(refused.body.error.code, 'RATE_LIMITED');
  t.ok(Number(refused.headers.get('retry-after')) > 800, `Retry-After ${refused.headers.get('retry-after')} s`);
  await platform.api.signUp('ida@example.com');
  t.equal((await login('ida@example.com')).status, 200, 'another account is not affected');
});

t.test('failed logins are throttled per address (X-Forwarded-For counts behind TRUST_PROXY=1)', async (t) => {
  await platform.api.signUp('jay@example.com');
  const attacker = { 'x-forwarded-for': '203.0.113.7' };
  for (let attempt = 0; attempt < ADDRESS_FAILURES; attempt += 1) await login(`victim${attempt % 10}@example.com`, 'wrong password', attacker);
  const refused = await login('jay@example.com', PASSWORD, attacker);
  t.equal(refused.status, 429, 'the address is refused, even for a right password');
  t.ok(Number(refused.headers.get('retry-after')) > 0);
  t.equal((await login('jay@example.com', PASSWORD, { 'x-forwarded-for': '198.51.100.1' })).status, 200, 'another address is not affected');
  const spoofed = await login('jay@example.com', PASSWORD, { 'x-forwarded-for': '203.0.113.7, 198.51.100.2' });
  t.equal(spoofed.status, 200, 'only the entry the trusted proxy appended counts, not what the client wrote before it');
});

t.test('the audit log records who did what, when and from where; only admins read it', async (t) => {
  const kim = await platform.api.signUp('kim@example.com');
  const bot = await kim.request('POST', '/bots', { name: 'audited', market: 'BTC/USDT', strategy: { name: 'ema-cross' } }, { 'user-agent': 'audit-test/1.0', 'x-forwarded-for': '192.0.2.44' });
  t.equal(bot.status, 201);
  t.equal((await kim.get('/admin/audit')).status, 403);
  await runAdminCommand(['grant', 'kim@example.com'], { users: new UserRepository(platform.mesh.database), audit: new AuditRepository(platform.mesh.database), operator: 'test-operator' });
  const admin = platform.api.as((await login('kim@example.com')).body.token);
  const entries: any[] = [];
  for (let attempt = 0; attempt < 40 && !entries.some((entry) => entry.target === bot.body.id); attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    entries.splice(0, entries.length, ...(await admin.get('/admin/audit?limit=500')).body.items);
  }
  t.match(entries.find((entry) => entry.target === bot.body.id), {
    actorKind: 'user', actorLabel: null, action: 'POST /api/bots', outcome: 'ok', status: 201, ip: '192.0.2.44', userAgent: 'audit-test/1.0', at: /^\d{4}-/,
  });
  t.ok(entries.some((entry) => entry.action === 'POST /api/auth/login' && entry.actorLabel === 'hal@example.com' && entry.outcome === 'denied'), 'failed logins are recorded with the email tried');
  t.ok(entries.some((entry) => entry.action === 'POST /api/auth/login' && entry.actorLabel === 'kim@example.com' && entry.outcome === 'ok' && entry.actorId), 'logins are recorded with the account');
  t.ok(entries.some((entry) => entry.action === 'GET /api/admin/audit' && entry.outcome === 'denied'), 'a refused admin read is recorded');
  t.notMatch(JSON.stringify(entries), PASSWORD, 'no password in the audit log');
});

