/**
 * The short memory behind live events (`GET /api/events`): every user-facing bot event,
 * in order, with an id a reconnecting client sends back as Last-Event-ID to get what it
 * missed. Redis (one stream for the whole platform) when configured, so any gateway
 * replica can resume any client; otherwise a ring buffer in this process.
 */
import type { Redis } from './redis.ts';

export interface JournalEntry {
  /** "<ms>-<sequence>", increasing; the SSE `id:`. */
  readonly id: string;
  readonly userId: string;
  readonly event: string;
  readonly data: unknown;
}

export interface Resumption {
  readonly entries: readonly JournalEntry[];
  /** False when entries after the given id may be gone (too old, trimmed, another process's id): the client must reload. */
  readonly complete: boolean;
}

export interface LiveEventJournal {
  /** True when every gateway replica shares this journal. */
  readonly shared: boolean;
  /** Records an event; a second record with the same `dedupeKey` (a broadcast seen by several replicas) is ignored. */
  record(dedupeKey: string, userId: string, event: string, data: unknown): Promise<void>;
  /** Calls `deliver` with each recorded entry, in order, from now on. */
  subscribe(deliver: (entry: JournalEntry) => void): void;
  /** The entries of `userId` recorded after `lastId`. */
  since(userId: string, lastId: string): Promise<Resumption>;
  close(): Promise<void>;
}

export interface JournalOptions {
  /** How long a client may be away and still resume without loss. */
  readonly windowMs: number;
  /** Most entries kept (all users together). */
  readonly capacity: number;
  readonly now: () => number;
}

export const DEFAULT_JOURNAL_OPTIONS = { windowMs: 5 * 60_000, capacity: 100_000 } as const;

/** Parses "<ms>-<sequence>"; undefined for anything else. */
export function parseEntryId(id: string): [number, number] | undefined {
  const match = /^(\d{1,15})-(\d{1,15})$/.exec(id);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

/** Orders two entry ids (negative when `a` came first). */
export function compareEntryIds(a: string, b: string): number {
  const [am = 0, as = 0] = parseEntryId(a) ?? [];
  const [bm = 0, bs = 0] = parseEntryId(b) ?? [];
  return am - bm || as - bs;
}

/** The in-process journal: ids are "<start of this process>-<counter>". */
export function createMemoryJournal(options: JournalOptions): LiveEventJournal {
  const epoch = options.now();
  const entries: (JournalEntry & { at: number; sequence: number })[] = [];
  const seen = new Set<string>();
  const seenOrder: string[] = [];
  const subscribers: ((entry: JournalEntry) => void)[] = [];
  let sequence = 0;
  /** Highest sequence dropped from the buffer: resuming from before it may miss entries. */
  let droppedUpTo = 0;

  function trim() {
    const oldest = options.now() - options.windowMs;
    while (entries.length > 0 && (entries.length > options.capacity || entries[0]!.at < oldest)) droppedUpTo = entries.shift()!.sequence;
    while (seenOrder.length > options.capacity) seen.delete(seenOrder.shift()!);
  }

  return {
    shared: false,
    async record(dedupeKey, userId, event, data) {
      if (seen.has(dedupeKey)) return;
      seen.add(dedupeKey);
      seenOrder.push(dedupeKey);
      sequence += 1;
      const entry = { id: `${epoch}-${sequence}`, userId, event, data, at: options.now(), sequence };
      entries.push(entry);
      trim();
      for (const deliver of subscribers) deliver({ id: entry.id, userId, event, data });
    },
    subscribe(deliver) {
      subscribers.push(deliver);
    },
    async since(userId, lastId) {
      trim();
      const parsed = parseEntryId(lastId);
      if (!parsed || parsed[0] !== epoch || parsed[1] > sequence) return { entries: [], complete: false };
      const after = entries.filter((entry) => entry.sequence > parsed[1] && entry.userId === userId).map(({ id, event, data }) => ({ id, userId, event, data }));
      return { entries: after, complete: parsed[1] >= droppedUpTo };
    },
    async close() {
      subscribers.length = 0;
    },
  };
}

/** How many entries one resumption reads at most; a client further behind reloads. */
const MAX_RESUME_SCAN = 20_000;

/**
 * The shared journal: one Redis stream for the platform (XADD, trimmed to `capacity`),
 * tailed by every gateway with a blocking XREAD on its own connection.
 */
export function createRedisJournal(redis: Redis, prefix: string, options: JournalOptions): LiveEventJournal {
  const stream = `${prefix}:live-events`;
  const tail = redis.duplicate();
  // The main connection reports outages; the tail's errors surface as failed reads below.
  tail.on('error', () => undefined);
  const subscribers: ((entry: JournalEntry) => void)[] = [];
  let tailing = false;
  let closed = false;

  function decode(id: string, fields: string[]): JournalEntry | undefined {
    const record: Record<string, string> = {};
    for (let index = 0; index + 1 < fields.length; index += 2) record[fields[index]!] = fields[index + 1]!;
    if (record['userId'] === undefined || record['event'] === undefined || record['data'] === undefined) return undefined;
    return { id, userId: record['userId'], event: record['event'], data: JSON.parse(record['data']) };
  }

  async function tailLoop() {
    let lastId = '$';
    while (!closed) {
      try {
        const result = (await tail.xread('COUNT', 1000, 'BLOCK', 2_000, 'STREAMS', stream, lastId)) as [string, [string, string[]][]][] | null;
        for (const [, items] of result ?? []) {
          for (const [id, fields] of items) {
            lastId = id;
            const entry = decode(id, fields);
            if (entry) for (const deliver of subscribers) deliver(entry);
          }
        }
      } catch {
        if (closed) return;
        // Redis went away: retry shortly; clients that miss entries resume from their last id.
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  return {
    shared: true,
    async record(dedupeKey, userId, event, data) {
      const first = await redis.set(`${prefix}:live-events-seen:${dedupeKey}`, '1', 'PX', options.windowMs, 'NX');
      if (first === null) return;
      await redis.xadd(stream, 'MAXLEN', '~', String(options.capacity), '*', 'userId', userId, 'event', event, 'data', JSON.stringify(data));
    },
    subscribe(deliver) {
      subscribers.push(deliver);
      if (!tailing) {
        tailing = true;
        void tailLoop();
      }
    },
    async since(userId, lastId) {
      const parsed = parseEntryId(lastId);
      if (!parsed || parsed[0] < options.now() - options.windowMs) return { entries: [], complete: false };
      const [first] = (await redis.xrange(stream, '-', '+', 'COUNT', 1)) as [string, string[]][];
      const items = (await redis.xrange(stream, `(${lastId}`, '+', 'COUNT', MAX_RESUME_SCAN)) as [string, string[]][];
      const entries = items.map(([id, fields]) => decode(id, fields)).filter((entry): entry is JournalEntry => entry !== undefined && entry.userId === userId);
      // Complete when nothing after lastId was trimmed away and the scan reached the end.
      const complete = first !== undefined && compareEntryIds(first[0], lastId) <= 0 && items.length < MAX_RESUME_SCAN;
      return { entries, complete };
    },
    async close() {
      closed = true;
      subscribers.length = 0;
      tail.disconnect();
    },
  };
}
