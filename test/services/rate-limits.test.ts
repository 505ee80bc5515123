import { randomBytes } from 'node:crypto';
import t from 'tap';
import { startTestPlatform, type ApiClient } from '../support/platform.ts';

const PASSWORD = 'correct horse battery staple';

t.test('rate limits per user and per address answer 429 with Retry-After, shared by gateways through Redis', async (t) => {
  const prefix = `ratetest${randomBytes(4).toString('hex')}`;
  // Two replicas share the signing secret, as in production.
  const env = { JWT_SECRET: randomBytes(32).toString('hex'), REDIS_URL: 'redis://127.0.0.1:6379', REDIS_PREFIX: prefix, RATE_LIMIT_PER_USER: '4', RATE_LIMIT_PER_ADDRESS: '6', TRUST_PROXY: '1' };
  const first = await startTestPlatform({ services: ['gateway', 'bots'], env });
  const second = await startTestPlatform({ services: ['gateway', 'bots'], env });
  t.teardown(async () => {
    const keys = await first.mesh.redis!.keys(`${prefix}:*`);
    if (keys.length > 0) await first.mesh.redis!.del(...keys);
    await first.stop();
    await second.stop();
  });
  const here = { 'x-forwarded-for': '192.0.2.1' };
  const register = await first.api.request('POST', '/auth/register', { email: 'lee@example.com', password: PASSWORD }, here);
  t.equal(register.status, 201);
  const token = (await first.api.request('POST', '/auth/login', { email: 'lee@example.com', password: PASSWORD }, here)).body.token as string;

  // The user's budget of 4 is spent across both gateways, each request from a different address.
  const statuses: number[] = [];
  for (let index = 0; index < 5; index += 1) {
    const gateway: ApiClient = (index % 2 === 0 ? first : second).api.as(token);
    statuses.push((await gateway.request('GET', '/bots', undefined, { 'x-forwarded-for': `198.51.100.${index + 10}` })).status);
  }
  t.same(statuses, [200, 200, 200, 200, 429], 'the fifth request of the minute is refused, whichever gateway serves it');
  const refused = await second.api.as(token).request('GET', '/bots', undefined, { 'x-forwarded-for': '198.51.100.99' });
  t.equal(refused.status, 429);
  t.equal(refused.body.error.code, 'RATE_LIMITED');
  t.ok(Number(refused.headers.get('retry-after')) >= 1 && Number(refused.headers.get('retry-after')) <= 60, `Retry-After ${refused.headers.get('retry-after')}`);

  // The address 192.0.2.1 already made 2 requests; 4 more reach its limit of 6.
  const anonymous = [] as number[];
  for (let index = 0; index < 5; index += 1) anonymous.push((await (index % 2 === 0 ? first : second).api.request('GET', '/markets', undefined, here)).status);
  t.same(anonymous, [200, 200, 200, 200, 429], 'an address is limited without a token too');
  t.equal((await first.api.request('GET', '/health', undefined, here)).status, 200, 'health checks are never limited');
});
