/**
 * Counters that say "too many, wait N seconds": request rates and login throttling
 * (rate-limiter-flexible). In Redis when configured, so every gateway replica counts
 * together; in memory otherwise. A Redis outage falls back to per-process counting
 * rather than refusing or waving through every request.
 */
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Redis } from './redis.ts';

export interface LimiterSpec {
  /** Distinguishes this limiter's keys from others'. */
  readonly name: string;
  /** Hits allowed per window. */
  readonly points: number;
  readonly windowSeconds: number;
  /** Once over, how long the key stays refused (the rest of the window if not given). */
  readonly blockSeconds?: number;
}

export interface Limiter {
  /** Counts one hit for `key`: undefined when allowed, else the seconds to wait. */
  hit(key: string): Promise<number | undefined>;
  /** Whether `key` is refused right now, without counting: the seconds to wait, or undefined. */
  refusedFor(key: string): Promise<number | undefined>;
  /** Forgets `key` (a successful login clears its failures). */
  reset(key: string): Promise<void>;
}

export interface LimiterStore {
  readonly redis?: Redis | undefined;
  /** Prefix of Redis keys. */
  readonly prefix: string;
}

function secondsUntil(result: RateLimiterRes): number {
  return Math.max(1, Math.ceil(result.msBeforeNext / 1000));
}

export function createLimiter(spec: LimiterSpec, store: LimiterStore): Limiter {
  const options = { keyPrefix: `${store.prefix}:limit:${spec.name}`, points: spec.points, duration: spec.windowSeconds, blockDuration: spec.blockSeconds ?? 0 };
  const memory = new RateLimiterMemory(options);
  const limiter = store.redis ? new RateLimiterRedis({ ...options, storeClient: store.redis, insuranceLimiter: memory }) : memory;
  return {
    async hit(key) {
      try {
        await limiter.consume(key);
        return undefined;
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) return secondsUntil(rejection);
        throw rejection;
      }
    },
    async refusedFor(key) {
      const result = await limiter.get(key);
      return result && result.consumedPoints >= spec.points && result.msBeforeNext > 0 ? secondsUntil(result) : undefined;
    },
    async reset(key) {
      await limiter.delete(key);
    },
  };
}
