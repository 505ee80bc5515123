import t from 'tap';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createMemoryRateLimiter, createRedisRateLimiter, rateLimitBucket } from '../../../libs/exchange/rate-limiter.ts';

const SHAPE = { ratePerSecond: 2, burst: 3 };

t.test('one bucket per (exchange, API key) is shared by every replica through Redis: the burst is spent once, then requests queue', async (t) => {
  const prefix = `test-${randomBytes(4).toString('hex')}`;
  const first = new Redis('redis://127.0.0.1:6379');
  const second = new Redis('redis://127.0.0.1:6379');
  t.teardown(async () => {
    const keys = await first.keys(`${prefix}:*`);
    if (keys.length > 0) await first.del(...keys);
    first.disconnect();
    second.disconnect();
  });
  const replicaA = createRedisRateLimiter(first, prefix, SHAPE);
  const replicaB = createRedisRateLimiter(second, prefix, SHAPE);
  const bucket = rateLimitBucket('binance', 'the-api-key');
  t.notOk(bucket.includes('the-api-key'), 'the key itself is not in Redis, only a hash of it');
  t.same([await replicaA.reserve(bucket), await replicaB.reserve(bucket), await replicaA.reserve(bucket)], [0, 0, 0], 'the burst of 3, spent across replicas');
  const queued = await replicaB.reserve(bucket);
  t.ok(queued > 300 && queued <= 500, `the fourth request waits for a token (${queued} ms at 2 per second)`);
  const next = await replicaA.reserve(bucket);
  t.ok(next > queued, `and the fifth behind it (${next} ms)`);
  t.equal(await replicaA.reserve(rateLimitBucket('binance', 'another-key')), 0, 'another key has its own bucket');
});

t.test('the in-memory limiter (no Redis) paces the same way within one process', async (t) => {
  const limiter = createMemoryRateLimiter(SHAPE);
  t.same([await limiter.reserve('b'), await limiter.reserve('b'), await limiter.reserve('b')], [0, 0, 0]);
  t.ok((await limiter.reserve('b')) > 300);
});
