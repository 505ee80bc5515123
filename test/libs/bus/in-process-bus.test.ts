import t from 'tap';
import type { BusMessage } from '../../../libs/bus/bus.ts';
import { createInProcessBus, DEFAULT_PARTITIONS, type BusLogger } from '../../../libs/bus/in-process-bus.ts';
import { fnv1a32, partitionOf } from '../../../libs/bus/partition.ts';
import { TestClock } from '../../../libs/platform/clock.ts';
import { busContract, type ContractStreams } from './bus-contract.ts';

busContract(t, 'in-process bus', {
  async create() {
    const bus = createInProcessBus<ContractStreams>({ partitions: 16 });
    return {
      publisher: bus,
      // Replicas share the one bus: each consume call competes like another process would.
      replica: async () => bus,
      cleanup: () => bus.close(),
    };
  },
});

interface Order {
  readonly botId: string;
  readonly quantity: string;
  readonly tags: string[];
}

type Streams = { orders: Order; other: Order };

function order(botId = 'bot-1'): Order {
  return { botId, quantity: '0.5', tags: ['entry'] };
}

/** FNV-1a over the encoder's bytes: the plain definition, to check the fast path against. */
function referenceFnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) hash = Math.imul(hash ^ byte, 0x01000193);
  return hash >>> 0;
}

function nextMessage<T>(): { handler: (message: BusMessage<T>) => Promise<void>; received: Promise<BusMessage<T>> } {
  const received = Promise.withResolvers<BusMessage<T>>();
  return { handler: async (message) => received.resolve(message), received: received.promise };
}

t.test('fnv1a32 gives the published FNV-1a 32 values', async (t) => {
  t.equal(fnv1a32(''), 0x811c9dc5);
  t.equal(fnv1a32('a'), 0xe40c292c);
  t.equal(fnv1a32('foobar'), 0xbf9cf968);
});

t.test('fnv1a32 hashes the UTF-8 bytes of non-ASCII bot ids, lone surrogates included', async (t) => {
  for (const text of ['bücher', '日本語', 'bot-🚀', 'é', '\ud800', 'a\udc00b', 'ascii-then-ü']) {
    t.equal(fnv1a32(text), referenceFnv1a32(text), JSON.stringify(text));
  }
});

t.test('partitionOf is the hash modulo the partition count', async (t) => {
  t.equal(partitionOf('foobar', 64), 0xbf9cf968 % 64);
  t.equal(partitionOf('a', 7), 0xe40c292c % 7);
  t.equal(partitionOf('anything', 1), 0);
});

t.test('an in-process bus says its kind and has 64 partitions unless told otherwise', async (t) => {
  const bus = createInProcessBus<Streams>();
  t.teardown(() => bus.close());
  t.equal(bus.kind, 'in-process');
  t.equal(bus.partitions, DEFAULT_PARTITIONS);
  t.equal(DEFAULT_PARTITIONS, 64);
  t.throws(() => createInProcessBus({ partitions: 0 }), RangeError, 'zero partitions are refused');
});

t.test('a handler receives a copy of the payload, so neither side can change the other\'s object', async (t) => {
  const bus = createInProcessBus<Streams>();
  t.teardown(() => bus.close());
  const { handler, received } = nextMessage<Order>();
  await bus.consume('orders', handler);
  const published = order();

  await bus.publish('orders', 'bot-1', published, 'order-1');
  published.tags.push('changed by the publisher after publishing');
  const message = await received;
  message.payload.tags.push('changed by the handler');

  t.same(message.payload.tags, ['entry', 'changed by the handler'], 'the handler saw the payload as published');
  t.not(message.payload, published, 'not the publisher\'s object');
  t.same(published.tags, ['entry', 'changed by the publisher after publishing'], 'the publisher\'s object is untouched by the handler');
});

t.test('a redelivery carries the payload as published, not as a failed handler left it', async (t) => {
  const bus = createInProcessBus<Streams>();
  t.teardown(() => bus.close());
  const seen: string[][] = [];
  await bus.consume('orders', async (message) => {
    seen.push([...message.payload.tags]);
    message.payload.tags.push('half-done');
    if (message.deliveryCount === 1) throw new Error('transient failure');
  }, { backoffMs: [1] });

  await bus.publish('orders', 'bot-1', order(), 'order-1');
  while (seen.length < 2) await new Promise((resolve) => setTimeout(resolve, 2));

  t.same(seen, [['entry'], ['entry']]);
});

t.test('a payload that cannot travel as JSON fails at publish, as it would on NATS', async (t) => {
  const bus = createInProcessBus<Record<string, unknown>>();
  t.teardown(() => bus.close());
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;

  await t.rejects(bus.publish('orders', 'bot-1', { amount: 1n }, 'big'), TypeError, 'a BigInt');
  await t.rejects(bus.publish('orders', 'bot-1', cyclic, 'cyclic'), TypeError, 'a cycle');
  await t.rejects(bus.publish('orders', 'bot-1', undefined, 'nothing'), TypeError, 'no payload at all');
  t.same(await bus.lag(), [], 'nothing was queued');
});

t.test('publish and consume after close are refused with a clear error', async (t) => {
  const bus = createInProcessBus<Streams>();
  await bus.close();

  await t.rejects(bus.publish('orders', 'bot-1', order(), 'order-1'), { message: /in-process bus is closed/ });
  await t.rejects(bus.consume('orders', async () => {}), { message: /in-process bus is closed/ });
  await t.resolves(bus.close(), 'closing twice is harmless');
});

t.test('close waits for handlers in progress, and a draining handler may still publish', async (t) => {
  const bus = createInProcessBus<Streams>();
  const started = Promise.withResolvers<void>();
  const release = Promise.withResolvers<void>();
  let completed = false;
  const subscription = await bus.consume('orders', async (message) => {
    started.resolve();
    await release.promise;
    await bus.publish('other', message.botId, message.payload, 'follow-up');
    completed = true;
  });
  await bus.publish('orders', 'bot-1', order(), 'order-1');
  await started.promise;

  const closing = bus.close();
  release.resolve();
  await closing;

  t.ok(completed, 'the handler finished, follow-up published');
  await t.resolves(subscription.stop(), 'stopping a subscription the bus already stopped is harmless');
});

t.test('a msgId is remembered for the dedupe window and accepted again after it', async (t) => {
  const clock = new TestClock(1_000_000);
  const bus = createInProcessBus<Streams>({ dedupeWindowMs: 60_000, clock });
  t.teardown(() => bus.close());
  const handled: number[] = [];
  await bus.consume('orders', async () => {
    handled.push(clock.now());
  });

  await bus.publish('orders', 'bot-1', order(), 'order-1');
  clock.advance(59_999);
  await bus.publish('orders', 'bot-1', order(), 'order-1');
  clock.advance(1);
  await bus.publish('orders', 'bot-1', order(), 'order-1');
  await bus.publish('other', 'bot-1', order(), 'order-1');
  while (handled.length < 2) await new Promise((resolve) => setTimeout(resolve, 2));

  t.same(handled, [1_000_000, 1_060_000], 'dropped inside the window, kept once it passed');
  t.same(await bus.lag(), [{ stream: 'other', partition: partitionOf('bot-1', DEFAULT_PARTITIONS), pending: 1, inFlight: 0 }], 'the window is per stream');
});

t.test('lag lists only partitions with work, and counts a message waiting for redelivery as in flight', async (t) => {
  const bus = createInProcessBus<Streams>({ partitions: 8 });
  t.teardown(() => bus.close());
  t.same(await bus.lag(), [], 'an idle bus reports nothing');
  let failures = 0;
  await bus.consume('orders', async () => {
    failures += 1;
    throw new Error('down');
  }, { maxDeliver: 2, backoffMs: [60_000] });

  await bus.publish('orders', 'bot-1', order(), 'order-1');
  await bus.publish('orders', 'bot-1', order(), 'order-2');
  while (failures < 1) await new Promise((resolve) => setTimeout(resolve, 2));

  t.same(await bus.lag(), [{ stream: 'orders', partition: partitionOf('bot-1', 8), pending: 1, inFlight: 1 }]);
});

t.test('working() can be called though there is no lease to extend', async (t) => {
  const bus = createInProcessBus<Streams>();
  t.teardown(() => bus.close());
  const { handler, received } = nextMessage<Order>();
  await bus.consume('orders', async (message) => {
    message.working();
    await handler(message);
  });
  await bus.publish('orders', 'bot-1', order(), 'order-1');
  t.equal((await received).deliveryCount, 1);
});

t.test('handler failures are logged as warnings and dead letters as errors, with the message\'s ids', async (t) => {
  const lines: { level: string; context: object; message: string }[] = [];
  const logger: BusLogger = {
    warn: (context, message) => lines.push({ level: 'warn', context, message }),
    error: (context, message) => lines.push({ level: 'error', context, message }),
  };
  const bus = createInProcessBus<Streams>({ logger });
  t.teardown(() => bus.close());
  await bus.consume('orders', async () => {
    throw new Error('exchange down');
  }, { maxDeliver: 2, backoffMs: [1] });

  await bus.publish('orders', 'bot-1', order(), 'order-1');
  while ((await bus.deadLetters('orders')).length === 0) await new Promise((resolve) => setTimeout(resolve, 2));

  t.match(lines, [
    { level: 'warn', context: { stream: 'orders', botId: 'bot-1', msgId: 'order-1', deliveryCount: 1, error: 'exchange down' } },
    { level: 'error', context: { stream: 'orders', botId: 'bot-1', msgId: 'order-1', deliveryCount: 2, error: 'exchange down' } },
  ]);
  t.same(await bus.deadLetters('other'), [], 'dead letters are kept per stream');
  t.equal((await bus.deadLetters()).length, 1, 'and all together');
});
