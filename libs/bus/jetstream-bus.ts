/**
 * The bus for distributed mode, on NATS JetStream (DESIGN.md §4): the same contract as the
 * in-process bus (libs/bus/bus.ts), across processes and restarts.
 *
 * Shape, for a bus prefix `tradebot` and a bus stream `ticks` with P partitions:
 * - JetStream stream `tradebot_ticks`, subjects `tradebot.ticks.<partition>.<botId>`,
 *   limits retention bounded by age (measured far faster than work-queue retention, see
 *   ARCHITECTURE.md "The bus"), a duplicate window that drops a repeated `Nats-Msg-Id`,
 *   and its partition count in its description so no process can use another count.
 * - One durable pull consumer per partition, `ticks-p<partition>`, filtered to the
 *   partition's subjects, with `max_ack_pending: 1`: the server itself keeps at most one
 *   message of a partition in flight across every replica, so a bot's messages are handled
 *   one at a time and in order. Streams and consumers are created idempotently and READ
 *   BACK: nats-server 2.9 drops fields it does not know without an error, so a consumer
 *   whose filter or `max_ack_pending` is not what was asked for stops the process.
 * - Every replica pulls from every partition. A handler that runs keeps its lease with
 *   in-progress acks; success acks (and waits for the server to confirm); failure naks with
 *   the backoff as delay (the message stays pending, so the partition waits for it); the
 *   `maxDeliver`th failure moves it to the dead-letter stream `tradebot_dead_letters`
 *   with its error. A consumer that dies without acking loses its lease after `ackWait`
 *   and the message is delivered again elsewhere; one delivered more than `maxDeliver`
 *   times without any ack (its consumers keep dying) is dead-lettered on arrival.
 */
import { AckPolicy, connect, DeliverPolicy, DiscardPolicy, JSONCodec, nanos, ReplayPolicy, RetentionPolicy, StorageType } from 'nats';
import type { ConsumerConfig, ConsumerMessages, JetStreamClient, JetStreamManager, JsMsg, NatsConnection, StreamConfig } from 'nats';
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
import type { BusLogger } from './in-process-bus.ts';
import { DEFAULT_DEDUPE_WINDOW_MS, DEFAULT_PARTITIONS } from './in-process-bus.ts';
import { partitionOf } from './partition.ts';

export interface JetStreamBusOptions {
  /** NATS server URL(s), e.g. nats://127.0.0.1:4222. */
  readonly servers: string | readonly string[];
  /** Prefix of stream, subject and consumer names, so several platforms (or tests) share one NATS. */
  readonly prefix: string;
  readonly partitions?: number;
  /** Lease of a delivered message: redelivered if neither acked nor kept alive for this long. */
  readonly ackWaitMs?: number;
  /** Retention: messages older than this are dropped, acked or not. */
  readonly maxAgeMs?: number;
  readonly dedupeWindowMs?: number;
  readonly clock?: Clock;
  readonly logger?: BusLogger;
  /** Connection name shown by the NATS server (monitoring). */
  readonly name?: string;
}

/** A lease long enough for any tick or order; in-progress acks renew it every third of it. */
export const DEFAULT_ACK_WAIT_MS = 10_000;
/** Work older than a day is stale: a tick is caught up by the next one, an order is re-published by the outbox sweep. */
export const DEFAULT_MAX_AGE_MS = 24 * 3_600_000;
/** Dead letters are kept for an operator for 30 days. */
const DEAD_LETTER_MAX_AGE_MS = 30 * 24 * 3_600_000;
const DEAD_LETTER_STREAM = 'dead_letters';
/** Stream, subject-token and consumer names: what NATS accepts in all three. */
const NAME_TOKEN = /^[A-Za-z0-9_-]+$/;

const codec = JSONCodec<unknown>();

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const silentLogger: BusLogger = { warn() {}, error() {} };

/** Connects to NATS and returns a JetStream `Bus`; streams are provisioned on first use. */
export async function connectJetStreamBus<Streams extends Record<string, unknown> = Record<string, unknown>>(options: JetStreamBusOptions): Promise<JetStreamBus<Streams>> {
  const connection = await connect({
    servers: typeof options.servers === 'string' ? options.servers : [...options.servers],
    ...(options.name ? { name: options.name } : {}),
    maxReconnectAttempts: -1,
  });
  return new JetStreamBus<Streams>(connection, await connection.jetstreamManager(), options);
}

interface HeldMessage {
  readonly partition: number;
  readonly raw: JsMsg;
}

interface ActiveConsumer {
  readonly stream: string;
  readonly handler: MessageHandler<unknown>;
  readonly concurrency: number;
  readonly maxDeliver: number;
  readonly backoffMs: readonly number[];
  readonly pulls: ConsumerMessages[];
  /** Delivered while every slot was busy; started in arrival order. */
  readonly waiting: HeldMessage[];
  running: number;
  stopped: boolean;
  readonly idle: Set<() => void>;
  /** Keeps the leases of waiting messages. */
  keepAlive: NodeJS.Timeout | undefined;
}

/** The JetStream implementation of `Bus`; `abort()` is for tests that play a crashed process. */
export class JetStreamBus<Streams extends Record<string, unknown> = Record<string, unknown>> implements Bus<Streams> {
  readonly kind = 'jetstream' as const;
  readonly partitions: number;
  readonly #connection: NatsConnection;
  readonly #manager: JetStreamManager;
  readonly #client: JetStreamClient;
  readonly #prefix: string;
  readonly #ackWaitMs: number;
  readonly #maxAgeMs: number;
  readonly #dedupeWindowMs: number;
  readonly #clock: Clock;
  readonly #logger: BusLogger;
  readonly #provisioned = new Map<string, Promise<void>>();
  readonly #consumers = new Set<ActiveConsumer>();
  #closing = false;
  #closeDone: Promise<void> | undefined;

  constructor(connection: NatsConnection, manager: JetStreamManager, options: JetStreamBusOptions) {
    const partitions = options.partitions ?? DEFAULT_PARTITIONS;
    if (!Number.isInteger(partitions) || partitions < 1) throw new RangeError(`bus partitions must be a positive integer, got ${partitions}`);
    if (!NAME_TOKEN.test(options.prefix)) throw new RangeError(`bus prefix must be letters, digits, '_' or '-', got ${JSON.stringify(options.prefix)}`);
    this.partitions = partitions;
    this.#connection = connection;
    this.#manager = manager;
    this.#client = connection.jetstream();
    this.#prefix = options.prefix;
    this.#ackWaitMs = options.ackWaitMs ?? DEFAULT_ACK_WAIT_MS;
    this.#maxAgeMs = options.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
    this.#dedupeWindowMs = options.dedupeWindowMs ?? DEFAULT_DEDUPE_WINDOW_MS;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
  }

  /** JetStream stream name of a bus stream. */
  streamName(stream: string): string {
    return `${this.#prefix}_${stream}`;
  }

  #subject(stream: string, partition: number, botId: string): string {
    return `${this.#prefix}.${stream}.${partition}.${botId}`;
  }

  #consumerName(stream: string, partition: number): string {
    return `${stream}-p${partition}`;
  }

  async publish<S extends keyof Streams & string>(stream: S, botId: string, payload: Streams[S], msgId: string): Promise<void> {
    if (!NAME_TOKEN.test(botId)) throw new RangeError(`bot id ${JSON.stringify(botId)} cannot be a NATS subject token (letters, digits, '_' or '-')`);
    await this.#provision(stream);
    const data = JSON.stringify(payload);
    if (data === undefined) throw new TypeError(`bus payload for stream ${stream} is not serialisable as JSON`);
    await this.#client.publish(this.#subject(stream, partitionOf(botId, this.partitions), botId), new TextEncoder().encode(data), { msgID: msgId });
  }

  async consume<S extends keyof Streams & string>(stream: S, handler: MessageHandler<Streams[S]>, options: ConsumeOptions = {}): Promise<Subscription> {
    if (this.#closing) throw new Error(`JetStream bus is closed: cannot consume stream ${stream}`);
    const concurrency = options.concurrency ?? this.partitions;
    const maxDeliver = options.maxDeliver ?? DEFAULT_MAX_DELIVER;
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`consume concurrency must be a positive integer, got ${concurrency}`);
    if (!Number.isInteger(maxDeliver) || maxDeliver < 1) throw new RangeError(`consume maxDeliver must be a positive integer, got ${maxDeliver}`);
    await this.#provision(stream);
    const consumer: ActiveConsumer = {
      stream, handler: handler as MessageHandler<unknown>, concurrency, maxDeliver,
      backoffMs: [...(options.backoffMs ?? DEFAULT_BACKOFF_MS)],
      pulls: [], waiting: [], running: 0, stopped: false, idle: new Set(), keepAlive: undefined,
    };
    this.#consumers.add(consumer);
    const streamName = this.streamName(stream);
    for (let partition = 0; partition < this.partitions; partition += 1) {
      const pull = await this.#client.consumers.get(streamName, this.#consumerName(stream, partition));
      // One message per pull: the server has at most one in flight per partition anyway.
      consumer.pulls.push(await pull.consume({ max_messages: 1, bind: true, callback: (raw) => this.#arrived(consumer, partition, raw) }));
    }
    return { stop: () => this.#stop(consumer) };
  }

  #arrived(consumer: ActiveConsumer, partition: number, raw: JsMsg): void {
    if (consumer.stopped) {
      // Delivered while stopping: hand it straight back for another replica.
      raw.nak();
      return;
    }
    if (consumer.running >= consumer.concurrency) {
      consumer.waiting.push({ partition, raw });
      this.#keepWaitingAlive(consumer);
      return;
    }
    void this.#run(consumer, { partition, raw });
  }

  #keepWaitingAlive(consumer: ActiveConsumer): void {
    if (consumer.keepAlive) return;
    consumer.keepAlive = setInterval(() => {
      for (const held of consumer.waiting) held.raw.working();
      if (consumer.waiting.length === 0) {
        clearInterval(consumer.keepAlive);
        consumer.keepAlive = undefined;
      }
    }, Math.max(100, this.#ackWaitMs / 3));
    consumer.keepAlive.unref();
  }

  async #run(consumer: ActiveConsumer, first: HeldMessage): Promise<void> {
    consumer.running += 1;
    let held: HeldMessage | undefined = first;
    while (held) {
      await this.#deliver(consumer, held);
      held = consumer.stopped ? undefined : consumer.waiting.shift();
    }
    consumer.running -= 1;
    if (consumer.running === 0) for (const resolve of consumer.idle) resolve();
  }

  async #deliver(consumer: ActiveConsumer, { partition, raw }: HeldMessage): Promise<void> {
    const botId = raw.subject.slice(raw.subject.lastIndexOf('.') + 1);
    const msgId = raw.headers?.get('Nats-Msg-Id') ?? `${consumer.stream}:${raw.seq}`;
    const deliveryCount = raw.info.deliveryCount;
    let payload: unknown;
    try {
      payload = JSON.parse(new TextDecoder().decode(raw.data));
    } catch (error) {
      await this.#deadLetter(consumer, partition, raw, botId, msgId, raw.data.length === 0 ? null : new TextDecoder().decode(raw.data), `payload is not JSON: ${errorText(error)}`);
      return;
    }
    if (deliveryCount > consumer.maxDeliver) {
      await this.#deadLetter(consumer, partition, raw, botId, msgId, payload, `delivered ${deliveryCount} times without an ack: its consumers died or lost their lease each time`);
      return;
    }
    const lease = setInterval(() => this.#safely(() => raw.working()), Math.max(100, this.#ackWaitMs / 3));
    lease.unref();
    const message: BusMessage<unknown> = {
      stream: consumer.stream, botId, partition, msgId, payload, deliveryCount,
      working: () => this.#safely(() => raw.working()),
    };
    try {
      await consumer.handler(message);
    } catch (error) {
      clearInterval(lease);
      if (deliveryCount >= consumer.maxDeliver) {
        this.#logger.error({ stream: consumer.stream, botId, msgId, deliveryCount, error: errorText(error) }, 'bus message failed its last delivery: dead-lettered');
        await this.#deadLetter(consumer, partition, raw, botId, msgId, payload, errorText(error));
        return;
      }
      const delays = consumer.backoffMs;
      const delay = delays[Math.min(deliveryCount, delays.length) - 1] ?? 0;
      this.#logger.warn({ stream: consumer.stream, botId, msgId, deliveryCount, error: errorText(error), retryInMs: delay }, 'bus message handler failed: will redeliver');
      // A delayed nak keeps the message pending, so the partition waits for its redelivery.
      this.#safely(() => raw.nak(delay));
      return;
    }
    clearInterval(lease);
    await this.#acknowledge(raw, consumer.stream, msgId);
  }

  /** Acks and waits for the server to confirm, so a drained stop means acked; a lost confirmation only risks a redelivery, which fencing absorbs. */
  async #acknowledge(raw: JsMsg, stream: string, msgId: string): Promise<void> {
    if (this.#connection.isClosed()) return;
    try {
      await raw.ackAck({ expect: 5_000 } as never);
    } catch (error) {
      this.#logger.warn({ stream, msgId, error: errorText(error) }, 'bus ack not confirmed: the message may be delivered again');
    }
  }

  async #deadLetter(consumer: ActiveConsumer, partition: number, raw: JsMsg, botId: string, msgId: string, payload: unknown, error: string): Promise<void> {
    const letter: Omit<DeadLetter, 'id'> = {
      stream: consumer.stream, botId, partition, msgId, payload, error,
      deliveries: raw.info.deliveryCount, failedAt: this.#clock.now(),
    };
    try {
      await this.#provisionDeadLetters();
      // Its stream sequence as id: a crash after this publish and before the ack dead-letters it once.
      await this.#client.publish(`${this.#prefix}.${DEAD_LETTER_STREAM}.${consumer.stream}.${partition}.${botId}`, codec.encode(letter), { msgID: `dead:${consumer.stream}:${raw.seq}` });
    } catch (publishError) {
      this.#logger.error({ stream: consumer.stream, botId, msgId, error: errorText(publishError) }, 'could not dead-letter a message: it will be delivered again');
      this.#safely(() => raw.nak(consumer.backoffMs.at(-1) ?? 0));
      return;
    }
    await this.#acknowledge(raw, consumer.stream, msgId);
  }

  /** Ack, nak and in-progress calls on a closed connection throw; a crashed consumer's message is redelivered anyway. */
  #safely(action: () => void): void {
    try {
      action();
    } catch {
      // The connection is gone: the server redelivers after the lease.
    }
  }

  async #stop(consumer: ActiveConsumer): Promise<void> {
    if (!consumer.stopped) {
      consumer.stopped = true;
      await Promise.all(consumer.pulls.map((pull) => pull.close().catch(() => undefined)));
      // The server has seen every unsubscribe once this round trip returns: nothing more is pulled.
      await this.#connection.flush().catch(() => undefined);
      clearInterval(consumer.keepAlive);
      for (const held of consumer.waiting.splice(0)) this.#safely(() => held.raw.nak());
    }
    if (consumer.running > 0) {
      await new Promise<void>((resolve) => consumer.idle.add(resolve));
    }
    this.#consumers.delete(consumer);
  }

  async deadLetters(stream?: keyof Streams & string, limit = 1_000): Promise<readonly DeadLetter[]> {
    const name = this.streamName(DEAD_LETTER_STREAM);
    const info = await this.#manager.streams.info(name).catch(() => undefined);
    if (!info || info.state.messages === 0) return [];
    const letters: DeadLetter[] = [];
    const subjectPrefix = stream === undefined ? undefined : `${this.#prefix}.${DEAD_LETTER_STREAM}.${stream}.`;
    for (let seq = info.state.last_seq; seq >= info.state.first_seq && letters.length < limit; seq -= 1) {
      const stored = await this.#manager.streams.getMessage(name, { seq }).catch(() => undefined);
      if (!stored || (subjectPrefix && !stored.subject.startsWith(subjectPrefix))) continue;
      letters.push({ id: String(seq), ...stored.json<Omit<DeadLetter, 'id'>>() });
    }
    return letters.reverse();
  }

  async replayDeadLetter(id: string): Promise<boolean> {
    const seq = Number(id);
    if (!Number.isSafeInteger(seq) || seq < 1) return false;
    const name = this.streamName(DEAD_LETTER_STREAM);
    const stored = await this.#manager.streams.getMessage(name, { seq }).catch(() => undefined);
    if (!stored) return false;
    const letter = stored.json<Omit<DeadLetter, 'id'>>();
    await this.publish(letter.stream as keyof Streams & string, letter.botId, letter.payload as Streams[keyof Streams & string], `${letter.msgId}:replay:${seq}`);
    await this.#manager.streams.deleteMessage(name, seq, false).catch(() => false);
    return true;
  }

  async removeDeadLetter(id: string): Promise<boolean> {
    const seq = Number(id);
    if (!Number.isSafeInteger(seq) || seq < 1) return false;
    return this.#manager.streams.deleteMessage(this.streamName(DEAD_LETTER_STREAM), seq, false).catch(() => false);
  }

  async lag(): Promise<readonly PartitionLag[]> {
    const lags: PartitionLag[] = [];
    for (const stream of this.#provisioned.keys()) {
      if (stream === DEAD_LETTER_STREAM) continue;
      const infos = await Promise.all(
        Array.from({ length: this.partitions }, (_, partition) => this.#manager.consumers.info(this.streamName(stream), this.#consumerName(stream, partition))),
      );
      infos.forEach((info, partition) => {
        if (info.num_pending + info.num_ack_pending > 0) lags.push({ stream, partition, pending: info.num_pending, inFlight: info.num_ack_pending });
      });
    }
    return lags;
  }

  async streamStats(): Promise<readonly StreamStats[]> {
    const stats: StreamStats[] = [];
    for (const stream of this.#provisioned.keys()) {
      if (stream === DEAD_LETTER_STREAM) continue;
      const info = await this.#manager.streams.info(this.streamName(stream));
      stats.push({ stream, published: info.state.last_seq });
    }
    return stats;
  }

  /** Makes sure the bus stream `stream` and the bus's partition consumers exist as this bus needs them; once per stream per process. */
  ensureStream(stream: string): Promise<void> {
    return this.#provision(stream);
  }

  #provision(stream: string): Promise<void> {
    let provisioned = this.#provisioned.get(stream);
    if (!provisioned) {
      if (!NAME_TOKEN.test(stream)) throw new RangeError(`bus stream name must be letters, digits, '_' or '-', got ${JSON.stringify(stream)}`);
      provisioned = this.#provisionStream(stream);
      this.#provisioned.set(stream, provisioned);
      provisioned.catch(() => this.#provisioned.delete(stream));
    }
    return provisioned;
  }

  #provisionDeadLetters(): Promise<void> {
    let provisioned = this.#provisioned.get(DEAD_LETTER_STREAM);
    if (!provisioned) {
      provisioned = this.#ensureStreamConfig(this.streamName(DEAD_LETTER_STREAM), {
        subjects: [`${this.#prefix}.${DEAD_LETTER_STREAM}.>`],
        max_age: nanos(DEAD_LETTER_MAX_AGE_MS),
        description: 'dead letters: bus messages that failed every delivery, with their error',
      });
      this.#provisioned.set(DEAD_LETTER_STREAM, provisioned);
      provisioned.catch(() => this.#provisioned.delete(DEAD_LETTER_STREAM));
    }
    return provisioned;
  }

  async #provisionStream(stream: string): Promise<void> {
    const name = this.streamName(stream);
    await this.#ensureStreamConfig(name, {
      subjects: [`${this.#prefix}.${stream}.>`],
      max_age: nanos(this.#maxAgeMs),
      duplicate_window: nanos(this.#dedupeWindowMs),
      description: `partitions=${this.partitions}`,
    });
    await Promise.all(Array.from({ length: this.partitions }, (_, partition) => this.#ensureConsumer(name, stream, partition)));
  }

  async #ensureStreamConfig(name: string, wanted: Pick<StreamConfig, 'subjects' | 'max_age' | 'description'> & Partial<Pick<StreamConfig, 'duplicate_window'>>): Promise<void> {
    let info = await this.#manager.streams.info(name).catch(() => undefined);
    if (!info) {
      try {
        info = await this.#manager.streams.add({
          name, ...wanted,
          retention: RetentionPolicy.Limits, storage: StorageType.File, discard: DiscardPolicy.Old, num_replicas: 1,
        });
      } catch (error) {
        // Another replica created it at the same moment: read what it made.
        info = await this.#manager.streams.info(name).catch(() => {
          throw error;
        });
      }
    }
    const config = info.config;
    if (wanted.description?.startsWith('partitions=') && config.description !== wanted.description) {
      throw new Error(`JetStream stream ${name} was created with ${config.description ?? 'an unknown partition count'}, this process uses partitions=${this.partitions}: every process must use the same BUS_PARTITIONS`);
    }
    if (config.retention !== RetentionPolicy.Limits || config.max_age !== wanted.max_age || (wanted.duplicate_window !== undefined && config.duplicate_window !== wanted.duplicate_window) || config.subjects.join() !== wanted.subjects.join()) {
      info = await this.#manager.streams.update(name, { ...config, ...wanted });
      if (info.config.max_age !== wanted.max_age || info.config.subjects.join() !== wanted.subjects.join()) {
        throw new Error(`JetStream stream ${name} does not have the configuration asked for (subjects ${wanted.subjects.join()}, max age ${wanted.max_age} ns) after an update`);
      }
    }
  }

  async #ensureConsumer(streamName: string, stream: string, partition: number): Promise<void> {
    const durable = this.#consumerName(stream, partition);
    const wanted: Partial<ConsumerConfig> = {
      durable_name: durable,
      filter_subject: `${this.#prefix}.${stream}.${partition}.>`,
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(this.#ackWaitMs),
      max_ack_pending: 1,
      // Dead-lettering is the bus's own (it keeps the error); the server never gives up on a message.
      max_deliver: -1,
      deliver_policy: DeliverPolicy.All,
      replay_policy: ReplayPolicy.Instant,
    };
    let info = await this.#manager.consumers.info(streamName, durable).catch(() => undefined);
    if (!info) {
      try {
        info = await this.#manager.consumers.add(streamName, wanted);
      } catch (error) {
        info = await this.#manager.consumers.info(streamName, durable).catch(() => {
          throw error;
        });
      }
    }
    const differs = (config: ConsumerConfig) => config.filter_subject !== wanted.filter_subject || config.max_ack_pending !== 1 || config.ack_wait !== wanted.ack_wait || config.ack_policy !== AckPolicy.Explicit;
    if (differs(info.config)) {
      info = await this.#manager.consumers.update(streamName, durable, { ack_wait: wanted.ack_wait, max_ack_pending: 1, filter_subject: wanted.filter_subject, max_deliver: -1 });
    }
    // Read back: a server that ignored a field it does not know would break ordering or exclusivity silently.
    info = await this.#manager.consumers.info(streamName, durable);
    if (differs(info.config)) {
      throw new Error(
        `JetStream consumer ${streamName}/${durable} is not what the bus needs (filter ${wanted.filter_subject}, max_ack_pending 1, explicit acks, ack wait ${this.#ackWaitMs} ms); ` +
          `the server has filter ${info.config.filter_subject}, max_ack_pending ${info.config.max_ack_pending}, ack wait ${info.config.ack_wait} ns`,
      );
    }
  }

  /** Drains every subscription, then closes the connection. */
  close(): Promise<void> {
    this.#closeDone ??= (async () => {
      this.#closing = true;
      await Promise.all([...this.#consumers].map((consumer) => this.#stop(consumer)));
      await this.#connection.drain().catch(() => undefined);
    })();
    return this.#closeDone;
  }

  /** Ends the connection the way a crashed process does: no drain, no acks; the server redelivers after the lease. */
  async abort(): Promise<void> {
    this.#closing = true;
    for (const consumer of this.#consumers) {
      consumer.stopped = true;
      clearInterval(consumer.keepAlive);
    }
    await this.#connection.close();
    // Only local timers are left to clear: the server already saw the connection go.
    for (const consumer of this.#consumers) for (const pull of consumer.pulls) await pull.close().catch(() => undefined);
    this.#consumers.clear();
  }

  /** Removes this bus's streams (and so their consumers) from the server: tests and teardown. */
  async destroy(streams: readonly string[]): Promise<void> {
    for (const stream of [...streams, DEAD_LETTER_STREAM]) await this.#manager.streams.delete(this.streamName(stream)).catch(() => false);
  }
}
