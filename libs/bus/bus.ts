/**
 * The bus that carries work which must not be lost (ticks, orders): exclusive, ordered
 * processing per bot (DESIGN.md §4). Two implementations keep one contract: the
 * in-process bus (embedded mode) and the partitioned JetStream bus (distributed mode).
 *
 * Guarantees every implementation gives:
 * - messages of one bot are handled one at a time, in publish order (a bot maps to one
 *   partition, and a partition has at most one message in flight across all consumers);
 * - a message whose handler fails, or whose consumer dies before acking, is delivered again,
 *   after a growing delay, until `maxDeliver` deliveries, then it goes to the dead letters
 *   with its error and the partition moves on;
 * - a second publish with the same `msgId` inside the dedupe window is dropped;
 * - `Subscription.stop()` drains: no new deliveries, in-flight handlers finish and ack.
 */

/** A message as a handler receives it. */
export interface BusMessage<T> {
  readonly stream: string;
  readonly botId: string;
  readonly partition: number;
  readonly msgId: string;
  readonly payload: T;
  /** 1 on the first delivery, 2 on the first redelivery, and so on. */
  readonly deliveryCount: number;
  /** Tells the bus the handler is still working, extending its lease (JetStream in-progress ack). */
  working(): void;
}

/** Handles one message; resolving acks it, throwing asks for redelivery. */
export type MessageHandler<T> = (message: BusMessage<T>) => Promise<void>;

export interface ConsumeOptions {
  /** Partitions this consumer may work on at once; each partition is still one message at a time. */
  readonly concurrency?: number;
  /** Deliveries of one message before it is dead-lettered. */
  readonly maxDeliver?: number;
  /** Delays before the 1st, 2nd, ... redelivery; the last repeats. */
  readonly backoffMs?: readonly number[];
}

export const DEFAULT_MAX_DELIVER = 5;
export const DEFAULT_BACKOFF_MS: readonly number[] = [100, 500, 2_000, 5_000];

export interface Subscription {
  /** Stops taking messages and waits until in-flight handlers have finished and acked. */
  stop(): Promise<void>;
}

/** A message that failed `maxDeliver` times, kept with the last error for an operator. */
export interface DeadLetter {
  /** Names this dead letter for `replayDeadLetter` and `removeDeadLetter`. */
  readonly id: string;
  readonly stream: string;
  readonly botId: string;
  readonly partition: number;
  readonly msgId: string;
  readonly payload: unknown;
  readonly error: string;
  readonly deliveries: number;
  readonly failedAt: number;
}

/** Work waiting on one partition: the scaling signal (DESIGN.md §1). */
export interface PartitionLag {
  readonly stream: string;
  readonly partition: number;
  /** Published and not yet delivered. */
  readonly pending: number;
  /** Delivered and not yet acked. */
  readonly inFlight: number;
}

/** Messages published on a stream since it was created: per-stream throughput is its rate. */
export interface StreamStats {
  readonly stream: string;
  readonly published: number;
}

/** A bus over a fixed set of streams; `Streams` maps each stream name to its payload type. */
export interface Bus<Streams extends Record<string, unknown> = Record<string, unknown>> {
  readonly kind: 'in-process' | 'jetstream';
  /** Partitions per stream (fixed for the stream's life). */
  readonly partitions: number;
  /** Publishes `payload` for `botId`; a repeated `msgId` inside the dedupe window is dropped. */
  publish<S extends keyof Streams & string>(stream: S, botId: string, payload: Streams[S], msgId: string): Promise<void>;
  consume<S extends keyof Streams & string>(stream: S, handler: MessageHandler<Streams[S]>, options?: ConsumeOptions): Promise<Subscription>;
  /** Dead letters, oldest first (at most the newest `limit`, 1,000 unless given). */
  deadLetters(stream?: keyof Streams & string, limit?: number): Promise<readonly DeadLetter[]>;
  /**
   * Publishes a dead letter's payload again on its stream (a fresh message id, so the
   * dedupe window does not drop it) and removes the dead letter. False when no such id.
   */
  replayDeadLetter(id: string): Promise<boolean>;
  /** Removes a dead letter an operator has dealt with. False when no such id. */
  removeDeadLetter(id: string): Promise<boolean>;
  /** Partitions with work waiting or in flight (the scaling signal); idle partitions are left out. */
  lag(): Promise<readonly PartitionLag[]>;
  /** Per stream this bus has used, messages published so far. */
  streamStats(): Promise<readonly StreamStats[]>;
  /** Stops every subscription (draining) and releases connections. */
  close(): Promise<void>;
}
