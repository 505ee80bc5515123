/**
 * Market data shared by every process through Redis (distributed mode): a candle is
 * fetched (or generated) once per market per candle, whatever the number of bots and
 * replicas. Wraps a `MarketSource`: candles are read from a Redis hash per (source,
 * market, timeframe); the first replica to miss some takes a short lock, asks the source
 * and writes them; the others wait for them to appear. Each process's `MarketData` still
 * keeps what it read in memory, so Redis is asked once per process per candle.
 *
 * A gap (a candle the source does not have) is stored as a gap, as `MarketData` does in
 * memory. If the lock holder dies, the waiters fetch for themselves after `waitMs`:
 * sharing saves work, it is never needed for correctness.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Candle } from '../domain/candle.ts';
import { timeframeMs, type Timeframe } from '../domain/timeframe.ts';
import type { MarketSource } from './market-source.ts';

export interface SharedCandlesOptions {
  /** Key prefix, e.g. REDIS_PREFIX: `<prefix>:candles:<source>:<market>:<timeframe>`. */
  readonly prefix: string;
  /** How long a replica waits for another's fetch before fetching itself. */
  readonly waitMs?: number;
  /** How long fetched candles stay in Redis after the last write to their series. */
  readonly ttlSeconds?: number;
}

const GAP = '-';
const POLL_MS = 15;

function encode(candle: Candle): string {
  return `${candle.open},${candle.high},${candle.low},${candle.close},${candle.volume}`;
}

function decode(openTime: number, text: string): Candle {
  const [open, high, low, close, volume] = text.split(',').map(Number) as [number, number, number, number, number];
  return { openTime, open, high, low, close, volume };
}

/** `source` with its candles shared through Redis. */
export function sharedCandleSource(source: MarketSource, redis: Redis, options: SharedCandlesOptions): MarketSource {
  const waitMs = options.waitMs ?? 5_000;
  const ttlSeconds = options.ttlSeconds ?? 2 * 86_400;
  const shared: MarketSource = {
    id: source.id,
    hasMarket: (symbol) => source.hasMarket(symbol),
    listMarkets: () => source.listMarkets(),
    supportsTimeframe: (symbol, timeframe) => source.supportsTimeframe(symbol, timeframe),
    clock: (symbol) => source.clock(symbol),
    async candles(symbol: string, timeframe: Timeframe, from: number, to: number): Promise<readonly Candle[]> {
      const step = timeframeMs(timeframe);
      const times: number[] = [];
      for (let time = from; time <= to; time += step) times.push(time);
      if (times.length === 0) return [];
      const key = `${options.prefix}:candles:${source.id}:${symbol}:${timeframe}`;
      const held = new Map<number, string>();
      const missing = async () => {
        const wanted = times.filter((time) => !held.has(time));
        if (wanted.length === 0) return [];
        const values = await redis.hmget(key, ...wanted.map(String));
        wanted.forEach((time, index) => {
          const value = values[index];
          if (value !== null && value !== undefined) held.set(time, value);
        });
        return times.filter((time) => !held.has(time));
      };
      let absent = await missing();
      if (absent.length > 0) {
        const lock = `${key}:lock:${absent[0]}:${absent.at(-1)}`;
        const token = randomUUID();
        const deadline = Date.now() + waitMs;
        for (;;) {
          if ((await redis.set(lock, token, 'PX', waitMs, 'NX')) === 'OK') {
            try {
              absent = await missing();
              if (absent.length > 0) await fetchInto(absent[0]!, absent.at(-1)!);
            } finally {
              // Only our own lock: it may have expired and been taken by another replica.
              await redis.eval("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0", 1, lock, token);
            }
            break;
          }
          await new Promise((resolve) => setTimeout(resolve, POLL_MS));
          absent = await missing();
          if (absent.length === 0) break;
          if (Date.now() > deadline) {
            await fetchInto(absent[0]!, absent.at(-1)!);
            break;
          }
        }
      }
      const candles: Candle[] = [];
      for (const time of times) {
        const value = held.get(time);
        if (value !== undefined && value !== GAP) candles.push(decode(time, value));
      }
      return candles;

      async function fetchInto(first: number, last: number): Promise<void> {
        const fetched = await source.candles(symbol, timeframe, first, last);
        const byTime = new Map(fetched.map((candle) => [candle.openTime, candle]));
        const fields: string[] = [];
        for (let time = first; time <= last; time += step) {
          const candle = byTime.get(time);
          const value = candle ? encode(candle) : GAP;
          held.set(time, value);
          fields.push(String(time), value);
        }
        await redis.multi().hset(key, ...fields).expire(key, ttlSeconds).exec();
      }
    },
  };
  if (source.prepare) shared.prepare = () => source.prepare!();
  return shared;
}
