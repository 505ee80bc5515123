/**
 * The contract every `Bus` keeps (libs/bus/bus.ts, DESIGN.md §4), as one suite that each
 * implementation's test file runs against its own factory: ordering per bot, one handler
 * at a time per partition across replicas, redelivery, dedupe, dead letters, draining, lag.
 */
import type { Test } from 'tap';
import type { Bus, BusMessage, ConsumeOptions, Subscription } from '../../../libs/bus/bus.ts';
import { partitionOf } from '../../../libs/bus/partition.ts';
import { sleep } from '../../../libs/platform/clock.ts';

/** The payload on the contract's stream: whose message it is and its place in that bot's order. */
export interface ContractPayload {
  readonly botId: string;
  readonly sequence: number;
  readonly note?: string;
}

/** The one stream the contract uses; a factory isolates it per setup (fresh bus, or a unique stream prefix on NATS). */
export type ContractStreams = { readonly work: ContractPayload };

/** A fresh, isolated bus deployment for one contract test. */
export interface BusSetup {
  /** Publishes, and answers `deadLetters()` and `lag()`; it may consume too. */
  readonly publisher: Bus<ContractStreams>;
  /**
   * A consumer competing with the others for the same streams: in process, the same bus
   * (each `consume` call is a replica); on NATS, another client on the same streams.
   */
  replica(): Promise<Bus<ContractStreams>>;
  /**
   * Ends a replica the way a crashed process ends: no drain, no ack. Absent where a replica
   * cannot die apart from its publisher (in process); the contract then emulates the death
   * by stopping the subscription and failing the in-flight message.
   */
  readonly kill?: (replica: Bus<ContractStreams>) => Promise<void>;
  /** Closes everything `create()` and `replica()` opened and removes what they created. */
  cleanup(): Promise<void>;
}

/** Makes a `BusSetup` per contract test. */
export interface BusFactory {
  create(): Promise<BusSetup>;
}

type Message = BusMessage<ContractPayload>;

const STREAM = 'work';
/** Small backoffs keep the suite fast. */
const FAST_RETRY: ConsumeOptions = { maxDeliver: 3, backoffMs: [10, 20] };

/** Runs the contract against `factory` as subtests of `t` named after `name`. */
export function busContract(t: Test, name: string, factory: BusFactory): void {
  const contractTest = (title: string, body: (t: Test, setup: BusSetup, gate: () => PromiseWithResolvers<void>) => Promise<void>) =>
    t.test(`${name}: ${title}`, async (t) => {
      const setup = await factory.create();
      const gates: PromiseWithResolvers<void>[] = [];
      // Open every gate first: a test that failed midway must not leave a handler blocking the drain in cleanup.
      t.teardown(async () => {
        for (const gate of gates) gate.resolve();
        await setup.cleanup();
      });
      await body(t, setup, () => {
        const gate = Promise.withResolvers<void>();
        gates.push(gate);
        return gate;
      });
    });

  contractTest('messages of one bot are handled in publish order, across bots published interleaved and several replicas', async (t, setup) => {
    const bots = botIds('ordered', 24);
    const perBot = 25;
    const seen = new Map<string, number[]>(bots.map((botId) => [botId, []]));
    const wrongPartition: string[] = [];
    let handled = 0;
    const handler = async (message: Message) => {
      if (message.partition !== partitionOf(message.botId, setup.publisher.partitions)) wrongPartition.push(message.msgId);
      await randomPause();
      seen.get(message.payload.botId)?.push(message.payload.sequence);
      handled += 1;
    };
    for (const replica of await replicas(setup, 3)) await replica.consume(STREAM, handler, { concurrency: 4 });

    for (let sequence = 0; sequence < perBot; sequence += 1) {
      for (const botId of shuffled(bots)) await publishWork(setup.publisher, botId, sequence);
    }
    await until(() => handled >= bots.length * perBot, 'every message to be handled');

    const inOrder = Array.from({ length: perBot }, (_, sequence) => sequence);
    for (const botId of bots) t.same(seen.get(botId), inOrder, `${botId} handled once each, in publish order`);
    t.same(wrongPartition, [], 'every message carries its bot\'s partition');
  });

  contractTest('never runs two handlers at once on one partition across replicas, while different partitions run concurrently', async (t, setup) => {
    t.ok(setup.publisher.partitions >= 2, 'the setup has several partitions');
    const bots = botIds('exclusive', 64);
    const perBot = 6;
    const inFlight = new Map<number, number>();
    let mostOnOnePartition = 0;
    let running = 0;
    let mostRunning = 0;
    let handled = 0;
    const handler = async (message: Message) => {
      const onPartition = (inFlight.get(message.partition) ?? 0) + 1;
      inFlight.set(message.partition, onPartition);
      mostOnOnePartition = Math.max(mostOnOnePartition, onPartition);
      running += 1;
      mostRunning = Math.max(mostRunning, running);
      await randomPause();
      inFlight.set(message.partition, (inFlight.get(message.partition) ?? 1) - 1);
      running -= 1;
      handled += 1;
    };
    for (const replica of await replicas(setup, 3)) await replica.consume(STREAM, handler, { concurrency: 4 });

    for (let sequence = 0; sequence < perBot; sequence += 1) {
      for (const botId of bots) await publishWork(setup.publisher, botId, sequence);
    }
    await until(() => handled >= bots.length * perBot, 'every message to be handled');

    t.equal(mostOnOnePartition, 1, 'at most one handler per partition at any time');
    t.ok(mostRunning > 1, `different partitions ran concurrently (at most ${mostRunning} at once)`);
  });

  contractTest('one replica works on at most `concurrency` partitions at once', async (t, setup) => {
    const bots = botIds('limited', 40);
    for (const botId of bots) await publishWork(setup.publisher, botId, 0);
    let running = 0;
    let mostRunning = 0;
    let handled = 0;
    const replica = await setup.replica();
    await replica.consume(STREAM, async () => {
      running += 1;
      mostRunning = Math.max(mostRunning, running);
      await randomPause();
      running -= 1;
      handled += 1;
    }, { concurrency: 3 });

    await until(() => handled >= bots.length, 'every message to be handled');

    t.equal(mostRunning, 3, 'three handlers at most, and three when work is waiting');
  });

  contractTest('a message whose handler throws is delivered again, after the backoff, with deliveryCount 2', async (t, setup) => {
    const deliveries: { message: Message; at: number }[] = [];
    const replica = await setup.replica();
    await replica.consume(STREAM, async (message) => {
      deliveries.push({ message, at: performance.now() });
      if (message.deliveryCount === 1) throw new Error('transient failure');
    }, { maxDeliver: 3, backoffMs: [60] });

    await publishWork(setup.publisher, 'retried-bot', 7);
    await until(() => deliveries.length >= 2, 'the redelivery');

    const [first, second] = deliveries;
    t.same(deliveries.map(({ message }) => message.deliveryCount), [1, 2], 'delivered twice, counted');
    t.equal(second?.message.msgId, first?.message.msgId, 'the same message');
    t.same(second?.message.payload, { botId: 'retried-bot', sequence: 7 }, 'with its payload');
    t.ok((second?.at ?? 0) - (first?.at ?? 0) >= 50, 'not before the backoff delay');
    t.same(await setup.publisher.deadLetters(STREAM), [], 'nothing dead-lettered');
  });

  contractTest('a failed message holds back its partition: the bot\'s later messages wait for its redelivery', async (t, setup) => {
    const handled: string[] = [];
    const replica = await setup.replica();
    await replica.consume(STREAM, async (message) => {
      handled.push(`${message.payload.sequence}#${message.deliveryCount}`);
      if (message.payload.sequence === 0 && message.deliveryCount === 1) throw new Error('transient failure');
    }, FAST_RETRY);

    for (let sequence = 0; sequence < 3; sequence += 1) await publishWork(setup.publisher, 'blocked-bot', sequence);
    await until(() => handled.length >= 4, 'every message to be handled');

    t.same(handled, ['0#1', '0#2', '1#1', '2#1'], 'the redelivery comes before the later messages');
  });

  contractTest('a message whose consumer dies before acking is delivered again, to another replica, with deliveryCount 2', async (t, setup, gate) => {
    const dying = await setup.replica();
    const started = Promise.withResolvers<void>();
    const die = gate();
    let dyingSubscription: Subscription | undefined;
    dyingSubscription = await dying.consume(STREAM, async () => {
      started.resolve();
      // Held until told to fail (in process); when the replica is killed instead, until the test ends.
      await die.promise;
      if (setup.kill) return;
      // In process a replica cannot crash alone: stop taking messages and fail this one, as a death would.
      void dyingSubscription?.stop();
      throw new Error('consumer died before its ack');
    }, FAST_RETRY);

    await publishWork(setup.publisher, 'orphaned-bot', 1);
    await started.promise;
    const survivor = await setup.replica();
    const redelivered = Promise.withResolvers<Message>();
    await survivor.consume(STREAM, async (message) => redelivered.resolve(message), FAST_RETRY);
    if (setup.kill) await setup.kill(dying);
    else die.resolve();
    const message = await withTimeout(redelivered.promise, 'the redelivery to the surviving replica');

    t.equal(message.deliveryCount, 2, 'counted as the second delivery');
    t.same(message.payload, { botId: 'orphaned-bot', sequence: 1 }, 'the same message');
  });

  contractTest('a duplicate publish (same msgId), even from another publisher, is handled once', async (t, setup) => {
    const handled: ContractPayload[] = [];
    const replica = await setup.replica();
    await replica.consume(STREAM, async (message) => {
      handled.push(message.payload);
    });

    await setup.publisher.publish(STREAM, 'deduped-bot', { botId: 'deduped-bot', sequence: 1, note: 'first' }, 'deduped-bot:1');
    await replica.publish(STREAM, 'deduped-bot', { botId: 'deduped-bot', sequence: 1, note: 'second' }, 'deduped-bot:1');
    await setup.publisher.publish(STREAM, 'deduped-bot', { botId: 'deduped-bot', sequence: 2, note: 'after' }, 'deduped-bot:2');
    // Same bot, so in order: once the later message is handled, a duplicate would have been too.
    await until(() => handled.some((payload) => payload.sequence === 2), 'the message after the duplicate');

    t.same(handled.map((payload) => payload.note), ['first', 'after'], 'the first publish kept, the duplicate dropped');
  });

  contractTest('a poison message reaches the dead letters with its error after maxDeliver deliveries, and its bot\'s next message is still handled', async (t, setup) => {
    const handled: string[] = [];
    const replica = await setup.replica();
    await replica.consume(STREAM, async (message) => {
      handled.push(`${message.payload.sequence}#${message.deliveryCount}`);
      if (message.payload.sequence === 0) throw new Error('cannot handle sequence 0');
    }, FAST_RETRY);

    await publishWork(setup.publisher, 'poisoned-bot', 0);
    await publishWork(setup.publisher, 'poisoned-bot', 1);
    await until(() => handled.includes('1#1'), 'the message after the poison one');
    const deadLetters = await eventually(() => setup.publisher.deadLetters(STREAM), (letters) => letters.length > 0, 'the dead letter');

    t.same(handled, ['0#1', '0#2', '0#3', '1#1'], 'three deliveries of the poison message, then the next one');
    t.equal(deadLetters.length, 1, 'one dead letter');
    t.match(deadLetters[0], {
      stream: STREAM,
      botId: 'poisoned-bot',
      partition: partitionOf('poisoned-bot', setup.publisher.partitions),
      msgId: 'poisoned-bot:0',
      payload: { botId: 'poisoned-bot', sequence: 0 },
      error: 'cannot handle sequence 0',
      deliveries: 3,
      failedAt: Number,
    }, 'kept with its error and delivery count');
  });

  contractTest('stop drains: the handler in progress completes and acks, stop resolves after it, and queued or later messages go to other subscriptions', async (t, setup, gate) => {
    const partitions = setup.publisher.partitions;
    const queuedBot = botIds('queued', partitions).find((botId) => partitionOf(botId, partitions) !== partitionOf('draining-bot', partitions)) ?? 'queued-bot';
    const replica = await setup.replica();
    const started = Promise.withResolvers<void>();
    const release = gate();
    const stoppedSaw: string[] = [];
    let completed = false;
    const subscription = await replica.consume(STREAM, async (message) => {
      stoppedSaw.push(message.msgId);
      started.resolve();
      await release.promise;
      completed = true;
    }, { ...FAST_RETRY, concurrency: 1 });

    await publishWork(setup.publisher, 'draining-bot', 1);
    await started.promise;
    // Waits behind the busy subscription (concurrency 1), so it is ready when the handler finishes.
    await publishWork(setup.publisher, queuedBot, 1);
    let stopResolved = false;
    const stopping = subscription.stop().then(() => {
      stopResolved = true;
      t.ok(completed, 'the handler completed before stop resolved');
    });
    await sleep(30);
    t.notOk(stopResolved, 'stop waits for the handler in progress');
    release.resolve();
    await withTimeout(stopping, 'stop to resolve');

    await publishWork(setup.publisher, 'draining-bot', 2);
    const laterSaw: Message[] = [];
    const other = await setup.replica();
    await other.consume(STREAM, async (message) => {
      laterSaw.push(message);
    }, FAST_RETRY);
    // Same bot as the drained message, so a redelivery of it would come before draining-bot:2.
    await until(() => laterSaw.length >= 2, 'the queued message and the one published after stop');

    t.same(stoppedSaw, ['draining-bot:1'], 'the stopped subscription handled nothing after stop');
    t.notOk(laterSaw.some((message) => message.msgId === 'draining-bot:1'), 'the drained message was acked, not redelivered');
    // A message the stopping subscription held without starting it (JetStream delivers ahead to a
    // busy replica) is handed back: it may count a delivery, and (at least once) arrive twice.
    t.same([...new Set(laterSaw.map((message) => message.msgId))].sort(), ['draining-bot:2', `${queuedBot}:1`].sort(), 'the queued message and the later one reached the other subscription');
    t.equal(laterSaw.find((message) => message.msgId === 'draining-bot:2')?.deliveryCount, 1, 'the message published after stop was delivered once');
  });

  contractTest('lag reports pending messages while nothing consumes, in-flight ones while handled, and none after consumption', async (t, setup, gate) => {
    const bots = botIds('lagging', 5);
    for (const botId of bots) {
      for (let sequence = 0; sequence < 3; sequence += 1) await publishWork(setup.publisher, botId, sequence);
    }
    const waiting = await eventually(() => setup.publisher.lag(), (lags) => total(lags, 'pending') === 15, 'the pending messages');
    t.equal(total(waiting, 'inFlight'), 0, 'nothing in flight');
    for (const botId of bots) {
      const partition = partitionOf(botId, setup.publisher.partitions);
      t.ok(waiting.some((lag) => lag.stream === STREAM && lag.partition === partition && lag.pending >= 3), `${botId}'s partition shows its messages`);
    }

    const release = gate();
    let handled = 0;
    const replica = await setup.replica();
    // As many slots as partitions in use: each busy partition has exactly its head in flight.
    const busyPartitions = new Set(bots.map((botId) => partitionOf(botId, setup.publisher.partitions))).size;
    await replica.consume(STREAM, async () => {
      await release.promise;
      handled += 1;
    }, { concurrency: setup.publisher.partitions });
    const busy = await eventually(() => setup.publisher.lag(), (lags) => total(lags, 'inFlight') === busyPartitions, 'one message in flight per busy partition');
    t.equal(total(busy, 'pending'), 15 - busyPartitions, 'the rest still pending');
    t.ok(busy.every((lag) => lag.inFlight <= 1), 'never more than one in flight on a partition');

    release.resolve();
    await until(() => handled >= 15, 'every message to be handled');
    const drained = await eventually(() => setup.publisher.lag(), (lags) => total(lags, 'pending') + total(lags, 'inFlight') === 0, 'lag to reach zero');
    t.equal(total(drained, 'pending') + total(drained, 'inFlight'), 0, 'nothing pending or in flight');
  });
}

function botIds(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, index) => `${prefix}-bot-${index}`);
}

function publishWork(bus: Bus<ContractStreams>, botId: string, sequence: number): Promise<void> {
  return bus.publish(STREAM, botId, { botId, sequence }, `${botId}:${sequence}`);
}

async function replicas(setup: BusSetup, count: number): Promise<Bus<ContractStreams>[]> {
  const buses: Bus<ContractStreams>[] = [];
  for (let index = 0; index < count; index += 1) buses.push(await setup.replica());
  return buses;
}

/** A pause of 0–3 ms, sometimes none, so handlers interleave differently on every run. */
function randomPause(): Promise<void> {
  const choice = Math.random();
  if (choice < 0.25) return Promise.resolve();
  if (choice < 0.5) return new Promise((resolve) => setImmediate(resolve));
  return sleep(Math.random() * 3);
}

function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index -= 1) {
    const other = Math.floor(Math.random() * (index + 1));
    [copy[index], copy[other]] = [copy[other]!, copy[index]!];
  }
  return copy;
}

function total(lags: readonly { readonly pending: number; readonly inFlight: number }[], field: 'pending' | 'inFlight'): number {
  return lags.reduce((sum, lag) => sum + lag[field], 0);
}

const WAIT_LIMIT_MS = 10_000;

/** Waits for `condition`, failing with `what` instead of hanging when it never holds. */
async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = performance.now() + WAIT_LIMIT_MS;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

/** Asks `read` again until its answer satisfies `accept` (a bus over the network may report late). */
async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, what: string): Promise<T> {
  const deadline = performance.now() + WAIT_LIMIT_MS;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}: last saw ${JSON.stringify(value)}`);
    await sleep(5);
  }
}

async function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  const expired = Promise.withResolvers<never>();
  const timer = setTimeout(() => expired.reject(new Error(`timed out waiting for ${what}`)), WAIT_LIMIT_MS);
  try {
    return await Promise.race([promise, expired.promise]);
  } finally {
    clearTimeout(timer);
  }
}
