/** The platform's Redis connection (ioredis), for rate limits and the live-event journal. */
import { Redis } from 'ioredis';

/** Longest silence between two reports of the same outage. */
const REPORT_EVERY_MS = 30_000;

/**
 * Connects to `url`. Commands fail fast while Redis is down instead of queueing forever;
 * connection errors (repeated on every reconnect attempt) reach `onError` at most every 30 s.
 */
export function createRedisClient(url: string, onError: (error: Error) => void): Redis {
  const client = new Redis(url, { maxRetriesPerRequest: 2, enableOfflineQueue: true, connectTimeout: 5_000 });
  let lastReport = Number.NEGATIVE_INFINITY;
  client.on('error', (error: Error) => {
    if (performance.now() - lastReport < REPORT_EVERY_MS) return;
    lastReport = performance.now();
    onError(error);
  });
  return client;
}

export type { Redis };
