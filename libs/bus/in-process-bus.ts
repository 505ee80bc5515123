/**
 * The bus for embedded mode: every stream lives in this process's memory, with the same
 * semantics as the partitioned JetStream bus (DESIGN.md §4), so the one contract suite
 * holds for both. Nothing survives a restart: that is the price of running without NATS.
 *
 * Shape: a stream has `partitions` FIFO queues. A partition is "ready" when it has a
 * queued message and none in flight; ready partitions wait in one FIFO ring per stream,
 * and each subscription runs up to `concurrency` workers that take a ready partition,
 * deliver its head message, settle it and take the next ready partition. So publish and
 * ack are O(1), nothing scans the partitions per message, and an idle bus runs no timers.
 */
import { systemClock, type Clock } from '../platform/clock.ts';
import {
  DEFAULT_BACKOFF_MS,
  DEFAULT_MAX_DELIVER,
  type Bus,
  type BusMessage,
  type ConsumeOptions,
  type DeadLetter,
  type MessageHandler,
  type PartitionLag,
  type StreamStats,
  type Subscription,
} from './bus.ts';
import { partitionOf } from './partition.ts';

/** What the bus logs through: handler failures (warn) and dead letters (error); pino fits. */
export interface BusLogger {
  warn(context: object, message: string): void;
  error(context: object, message: string): void;
}

/** Settings of an in-process bus; every field has a default. */
export interface InProcessBusOptions {
  /** Partitions per stream; 64 unless given. */
  readonly partitions?: number;
  /** How long a `msgId` is remembered for dropping duplicates; 2 minutes (as JetStream) unless given. */
  readonly dedupeWindowMs?: number;
  /** Time for the dedupe window and for dead letters' `failedAt`. */
  readonly clock?: Clock;
  readonly logger?: BusLogger;
}

/** Partitions per stream unless `InProcessBusOptions.partitions` says otherwise. */
export const DEFAULT_PARTITIONS = 64;
/** JetStream's default duplicate window, so both buses drop the same repeats. */
export const DEFAULT_DEDUPE_WINDOW_MS = 120_000;
/** Partitions one subscription works on at once unless `ConsumeOptions.concurrency` says otherwise. */
export const DEFAULT_CONCURRENCY = 16;

/** A worker lets timers and I/O run after this many back-to-back messages, so a deep backlog of quick handlers cannot starve the process. */
const MESSAGES_BETWEEN_YIELDS = 256;
/** Expired message ids are swept at most this often; lookups check the age themselves. */
const DEDUPE_SWEEP_INTERVAL_MS = 1_000;

/** Creates an in-memory `Bus` with the JetStream bus's semantics (see the module comment). */
export function createInProcessBus<Streams extends Record<string, unknown> = Record<string, unknown>>(options: InProcessBusOptions = {}): Bus<Streams> {
  return new InProcessBus<Streams>(options);
}

const silentLogger: BusLogger = { warn() {}, error() {} };

/** There is no lease to extend in process, but handlers call it all the same. */
function working(): void {}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The payload as it would cross the wire. Serialised once at publish, so a payload that
 * cannot travel (a BigInt, a cycle) fails there as it would on NATS, and parsed anew for
 * each delivery, so no handler shares an object with the publisher or with an earlier try.
 */
function serialise(stream: string, payload: unknown): string {
  const data = JSON.stringify(payload);
  if (data === undefined) throw new TypeError(`bus payload for stream ${stream} is not serialisable as JSON`);
  return data;
}

/** One published message, linked into its partition's queue. */
interface QueuedMessage {
  readonly botId: string;
  readonly msgId: string;
  readonly data: string;
  deliveries: number;
  next: QueuedMessage | undefined;
}

/**
 * idle: nothing queued. ready: waiting in the stream's ready ring. in-flight: its head is
 * with a handler. backoff: its head failed and waits for redelivery, blocking the rest.
 */
type PartitionStatus = 'idle' | 'ready' | 'in-flight' | 'backoff';

interface PartitionQueue {
  readonly stream: StreamState;
  readonly index: number;
  status: PartitionStatus;
  head: QueuedMessage | undefined;
  tail: QueuedMessage | undefined;
  length: number;
  retryTimer: NodeJS.Timeout | undefined;
}

interface Consumer {
  readonly stream: StreamState;
  readonly handler: MessageHandler<unknown>;
  readonly concurrency: number;
  readonly maxDeliver: number;
  readonly backoffMs: readonly number[];
  /** Workers running, each on one partition at a time. */
  workers: number;
  stopped: boolean;
  readonly drained: PromiseWithResolvers<void>;
}

interface StreamState {
  readonly name: string;
  readonly partitions: PartitionQueue[];
  /** Ring buffer of ready partitions; each partition is in it at most once, so `partitions` slots suffice. */
  readonly ready: (PartitionQueue | undefined)[];
  readyHead: number;
  readyLength: number;
  /** Subscriptions taking messages, served in turn. */
  readonly consumers: Consumer[];
  nextConsumer: number;
  dispatchScheduled: boolean;
  /** `#dispatch` bound to this stream once, so scheduling it allocates nothing. */
  readonly dispatch: () => void;
  /** Message id → publish time, in publish order. */
  readonly seen: Map<string, number>;
  nextSweepAt: number;
  /** Messages accepted (duplicates not counted). */
  published: number;
}

class InProcessBus<Streams extends Record<string, unknown>> implements Bus<Streams> {
  readonly kind = 'in-process' as const;
  readonly partitions: number;
  readonly #dedupeWindowMs: number;
  readonly #clock: Clock;
  readonly #logger: BusLogger;
  readonly #streams = new Map<string, StreamState>();
  readonly #deadLetters: DeadLetter[] = [];
  #nextDeadLetterId = 1;
  readonly #subscriptions = new Set<Subscription>();
  /** Set when `close()` starts: no new subscriptions. */
  #closing = false;
  /** Set when `close()` has drained: no more publishes. */
  #closed = false;
  #closeDone: Promise<void> | undefined;

  constructor(options: InProcessBusOptions) {
    const partitions = options.partitions ?? DEFAULT_PARTITIONS;
    if (!Number.isInteger(partitions) || partitions < 1) throw new RangeError(`bus partitions must be a positive integer, got ${partitions}`);
    const dedupeWindowMs = options.dedupeWindowMs ?? DEFAULT_DEDUPE_WINDOW_MS;
    if (!(dedupeWindowMs >= 0)) throw new RangeError(`bus dedupe window must be zero or more milliseconds, got ${dedupeWindowMs}`);
    this.partitions = partitions;
    this.#dedupeWindowMs = dedupeWindowMs;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
  }

  async publish<S extends keyof Streams & string>(stream: S, botId: string, payload: Streams[S], msgId: string): Promise<void> {
    if (this.#closed) throw new Error(`in-process bus is closed: cannot publish ${msgId} to stream ${stream}`);
    const data = serialise(stream, payload);
    const state = this.#stream(stream);
    if (this.#isDuplicate(state, msgId)) return;
    state.published += 1;
    const message: QueuedMessage = { botId, msgId, data, deliveries: 0, next: undefined };
    const partition = state.partitions[partitionOf(botId, this.partitions)]!;
    if (partition.tail) partition.tail.next = message;
    else partition.head = message;
    partition.tail = message;
    partition.length += 1;
    if (partition.status === 'idle') this.#markReady(partition);
  }

  async consume<S extends keyof Streams & string>(stream: S, handler: MessageHandler<Streams[S]>, options: ConsumeOptions = {}): Promise<Subscription> {
    if (this.#closing) throw new Error(`in-process bus is closed: cannot consume stream ${stream}`);
    const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    const maxDeliver = options.maxDeliver ?? DEFAULT_MAX_DELIVER;
    const backoffMs = options.backoffMs ?? DEFAULT_BACKOFF_MS;
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`consume concurrency must be a positive integer, got ${concurrency}`);
    if (!Number.isInteger(maxDeliver) || maxDeliver < 1) throw new RangeError(`consume maxDeliver must be a positive integer, got ${maxDeliver}`);
    const state = this.#stream(stream);
    const consumer: Consumer = {
      stream: state,
      handler: handler as MessageHandler<unknown>,
      concurrency,
      maxDeliver,
      backoffMs: [...backoffMs],
      workers: 0,
      stopped: false,
      drained: Promise.withResolvers<void>(),
    };
    state.consumers.push(consumer);
    this.#scheduleDispatch(state);
    const subscription: Subscription = {
      stop: () => {
        this.#stop(consumer);
        this.#subscriptions.delete(subscription);
        return consumer.drained.promise;
      },
    };
    this.#subscriptions.add(subscription);
    return subscription;
  }

  async deadLetters(stream?: keyof Streams & string, limit = 1_000): Promise<readonly DeadLetter[]> {
    const letters = stream === undefined ? this.#deadLetters : this.#deadLetters.filter((letter) => letter.stream === stream);
    return letters.slice(-limit);
  }

  async replayDeadLetter(id: string): Promise<boolean> {
    const letter = this.#takeDeadLetter(id);
    if (!letter) return false;
    await this.publish(letter.stream as keyof Streams & string, letter.botId, letter.payload as Streams[keyof Streams & string], `${letter.msgId}:replay:${letter.id}`);
    return true;
  }

  async removeDeadLetter(id: string): Promise<boolean> {
    return this.#takeDeadLetter(id) !== undefined;
  }

  #takeDeadLetter(id: string): DeadLetter | undefined {
    const index = this.#deadLetters.findIndex((letter) => letter.id === id);
    if (index < 0) return undefined;
    return this.#deadLetters.splice(index, 1)[0];
  }

  async streamStats(): Promise<readonly StreamStats[]> {
    return [...this.#streams.values()].map((state) => ({ stream: state.name, published: state.published }));
  }

  /**
   * Lists only partitions with work (pending or in flight), so an idle bus reports `[]`.
   * A message waiting for its redelivery counts as in flight: it was delivered and is not acked.
   */
  async lag(): Promise<readonly PartitionLag[]> {
    const lags: PartitionLag[] = [];
    for (const state of this.#streams.values()) {
      for (const partition of state.partitions) {
        if (partition.length === 0) continue;
        const inFlight = partition.status === 'in-flight' || partition.status === 'backoff' ? 1 : 0;
        lags.push({ stream: state.name, partition: partition.index, pending: partition.length - inFlight, inFlight });
      }
    }
    return lags;
  }

  /**
   * Drains every subscription, then refuses publishes. Handlers still draining may publish
   * (their follow-up work is not refused halfway); what is queued after that is dropped.
   */
  close(): Promise<void> {
    this.#closeDone ??= this.#close();
    return this.#closeDone;
  }

  async #close(): Promise<void> {
    this.#closing = true;
    await Promise.all([...this.#subscriptions].map((subscription) => subscription.stop()));
    this.#closed = true;
    let dropped = 0;
    for (const state of this.#streams.values()) {
      for (const partition of state.partitions) {
        clearTimeout(partition.retryTimer);
        partition.retryTimer = undefined;
        dropped += partition.length;
      }
    }
    if (dropped > 0) this.#logger.warn({ dropped }, 'in-process bus closed with undelivered messages; they are lost');
  }

  #stream(name: string): StreamState {
    let state = this.#streams.get(name);
    if (state) return state;
    const partitions: PartitionQueue[] = [];
    const created: StreamState = {
      name,
      partitions,
      ready: new Array<PartitionQueue | undefined>(this.partitions).fill(undefined),
      readyHead: 0,
      readyLength: 0,
      consumers: [],
      nextConsumer: 0,
      dispatchScheduled: false,
      dispatch: () => this.#dispatch(created),
      seen: new Map(),
      nextSweepAt: 0,
      published: 0,
    };
    for (let index = 0; index < this.partitions; index += 1) {
      partitions.push({ stream: created, index, status: 'idle', head: undefined, tail: undefined, length: 0, retryTimer: undefined });
    }
    this.#streams.set(name, created);
    return created;
  }

  /** True when `msgId` was published within the window; otherwise remembers it. */
  #isDuplicate(state: StreamState, msgId: string): boolean {
    const now = this.#clock.now();
    const seenAt = state.seen.get(msgId);
    if (seenAt !== undefined) {
      if (now - seenAt < this.#dedupeWindowMs) return true;
      // Re-inserted below so the map stays in publish order for the sweep.
      state.seen.delete(msgId);
    }
    if (now >= state.nextSweepAt) {
      for (const [id, publishedAt] of state.seen) {
        if (now - publishedAt < this.#dedupeWindowMs) break;
        state.seen.delete(id);
      }
      state.nextSweepAt = now + DEDUPE_SWEEP_INTERVAL_MS;
    }
    state.seen.set(msgId, now);
    return false;
  }

  #markReady(partition: PartitionQueue): void {
    const state = partition.stream;
    partition.status = 'ready';
    state.ready[(state.readyHead + state.readyLength) % this.partitions] = partition;
    state.readyLength += 1;
    this.#scheduleDispatch(state);
  }

  #takeReady(state: StreamState): PartitionQueue | undefined {
    if (state.readyLength === 0) return undefined;
    const partition = state.ready[state.readyHead]!;
    state.ready[state.readyHead] = undefined;
    state.readyHead = (state.readyHead + 1) % this.partitions;
    state.readyLength -= 1;
    partition.status = 'in-flight';
    return partition;
  }

  /**
   * Dispatch runs in a microtask, never inside `publish`: a handler must not start on its
   * publisher's stack, and a burst of publishes is handed out in one pass.
   */
  #scheduleDispatch(state: StreamState): void {
    if (state.dispatchScheduled) return;
    state.dispatchScheduled = true;
    queueMicrotask(state.dispatch);
  }

  /** Starts workers while partitions are ready and some subscription has room, in turn. */
  #dispatch(state: StreamState): void {
    state.dispatchScheduled = false;
    while (state.readyLength > 0) {
      const consumer = this.#consumerWithRoom(state);
      if (!consumer) return;
      consumer.workers += 1;
      void this.#work(consumer, this.#takeReady(state)!);
    }
  }

  #consumerWithRoom(state: StreamState): Consumer | undefined {
    const count = state.consumers.length;
    for (let tried = 0; tried < count; tried += 1) {
      const index = (state.nextConsumer + tried) % count;
      const consumer = state.consumers[index]!;
      if (consumer.workers < consumer.concurrency) {
        state.nextConsumer = (index + 1) % count;
        return consumer;
      }
    }
    return undefined;
  }

  /**
   * One worker: delivers the head of `partition`, settles it, and goes on with the next ready
   * partition until none is left or the subscription stops. Taking work here right after a
   * settle keeps the invariant that ready partitions wait only while every subscription is full.
   */
  async #work(consumer: Consumer, first: PartitionQueue): Promise<void> {
    let partition: PartitionQueue | undefined = first;
    let handled = 0;
    while (partition) {
      await this.#deliver(consumer, partition);
      handled += 1;
      if (handled % MESSAGES_BETWEEN_YIELDS === 0) await yieldToEventLoop();
      partition = consumer.stopped ? undefined : this.#takeReady(consumer.stream);
    }
    consumer.workers -= 1;
    if (consumer.stopped && consumer.workers === 0) consumer.drained.resolve();
  }

  async #deliver(consumer: Consumer, partition: PartitionQueue): Promise<void> {
    const queued = partition.head!;
    queued.deliveries += 1;
    const message: BusMessage<unknown> = {
      stream: partition.stream.name,
      botId: queued.botId,
      partition: partition.index,
      msgId: queued.msgId,
      payload: JSON.parse(queued.data),
      deliveryCount: queued.deliveries,
      working,
    };
    try {
      await consumer.handler(message);
    } catch (error) {
      this.#failed(consumer, partition, queued, error);
      return;
    }
    this.#settle(partition);
  }

  #failed(consumer: Consumer, partition: PartitionQueue, queued: QueuedMessage, error: unknown): void {
    const context = { stream: partition.stream.name, botId: queued.botId, msgId: queued.msgId, deliveryCount: queued.deliveries, error: errorText(error) };
    if (queued.deliveries >= consumer.maxDeliver) {
      this.#logger.error(context, 'bus message failed its last delivery: dead-lettered');
      this.#deadLetters.push({
        id: String(this.#nextDeadLetterId++),
        stream: partition.stream.name,
        botId: queued.botId,
        partition: partition.index,
        msgId: queued.msgId,
        payload: JSON.parse(queued.data),
        error: context.error,
        deliveries: queued.deliveries,
        failedAt: this.#clock.now(),
      });
      this.#settle(partition);
      return;
    }
    const delays = consumer.backoffMs;
    const delay = delays[Math.min(queued.deliveries, delays.length) - 1] ?? 0;
    this.#logger.warn({ ...context, retryInMs: delay }, 'bus message handler failed: will redeliver');
    partition.status = 'backoff';
    partition.retryTimer = setTimeout(this.#retryDue, delay, partition);
  }

  readonly #retryDue = (partition: PartitionQueue): void => {
    partition.retryTimer = undefined;
    this.#markReady(partition);
  };

  /** Removes the head (acked or dead-lettered) and lets the partition's next message go. */
  #settle(partition: PartitionQueue): void {
    const settled = partition.head!;
    partition.head = settled.next;
    if (!partition.head) partition.tail = undefined;
    partition.length -= 1;
    if (partition.length > 0) this.#markReady(partition);
    else partition.status = 'idle';
  }

  #stop(consumer: Consumer): void {
    if (consumer.stopped) return;
    consumer.stopped = true;
    const consumers = consumer.stream.consumers;
    consumers.splice(consumers.indexOf(consumer), 1);
    consumer.stream.nextConsumer = 0;
    if (consumer.workers === 0) consumer.drained.resolve();
  }
}
