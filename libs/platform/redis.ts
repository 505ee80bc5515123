/** The platform's Redis connection (ioredis), for rate limits and the live-event journal. */
import { Redis } from 'ioredis';

/** Connects to `url`. Commands fail fast while Redis is down instead of queueing forever. */
export function createRedisClient(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: 2, enableOfflineQueue: true, connectTimeout: 5_000 });
}

export type { Redis };
