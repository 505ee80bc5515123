/**
 * One rate limiter per (exchange, API key), shared by every replica through Redis (in
 * memory when there is no Redis), so a fleet of bots on one account never trips the
 * exchange's limits. A token bucket: `ratePerSecond` requests a second on average, bursts
 * up to `burst`. `acquire` reserves its tokens at once (the bucket may go negative: the
 * queue) and waits for its turn, so callers are served in order of arrival.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { systemClock, type Clock } from '../platform/clock.ts';

export interface RateLimiter {
  /** Waits until `cost` requests may be made on `bucket`. */
  acquire(bucket: string, cost?: number): Promise<void>;
  /** Reserves `cost` requests on `bucket` and says how long to wait before making them (ms). */
  reserve(bucket: string, cost?: number): Promise<number>;
}

export interface BucketShape {
  readonly ratePerSecond: number;
  readonly burst: number;
}

/** The bucket of an exchange account: the API key is hashed, never stored in Redis. */
export function rateLimitBucket(exchange: string, apiKey: string): string {
  return `${exchange}:${createHash('sha256').update(apiKey).digest('hex').slice(0, 24)}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One process's buckets, timed by `clock` (real time unless a test passes its own). */
export function createMemoryRateLimiter(shape: BucketShape, clock: Clock = systemClock): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const perMs = shape.ratePerSecond / 1000;
  const limiter: RateLimiter = {
    async reserve(bucket, cost = 1) {
      const now = clock.now();
      const state = buckets.get(bucket) ?? { tokens: shape.burst, at: now };
      state.tokens = Math.min(shape.burst, state.tokens + (now - state.at) * perMs) - cost;
      state.at = now;
      buckets.set(bucket, state);
      return state.tokens < 0 ? Math.ceil(-state.tokens / perMs) : 0;
    },
    async acquire(bucket, cost = 1) {
      const waitMs = await limiter.reserve(bucket, cost);
      if (waitMs > 0) await sleep(waitMs);
    },
  };
  return limiter;
}

// Runs atomically in Redis, on Redis's own clock, so every replica shares one bucket and one time.
const TOKEN_BUCKET = `
local key = KEYS[1]
local per_ms = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local data = redis.call('HMGET', key, 'tokens', 'at')
local tokens = tonumber(data[1]) or burst
local at = tonumber(data[2]) or now
tokens = math.min(burst, tokens + (now - at) * per_ms) - cost
redis.call('HSET', key, 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', key, 600000)
if tokens < 0 then return math.ceil(-tokens / per_ms) end
return 0
`;

export function createRedisRateLimiter(redis: Redis, prefix: string, shape: BucketShape): RateLimiter {
  const perMs = shape.ratePerSecond / 1000;
  const limiter: RateLimiter = {
    async reserve(bucket, cost = 1) {
      return Number(await redis.eval(TOKEN_BUCKET, 1, `${prefix}:rate-limit:${bucket}`, String(perMs), String(shape.burst), String(cost)));
    },
    async acquire(bucket, cost = 1) {
      const waitMs = await limiter.reserve(bucket, cost);
      if (waitMs > 0) await sleep(waitMs);
    },
  };
  return limiter;
}
