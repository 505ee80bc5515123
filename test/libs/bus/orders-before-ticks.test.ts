/**
 * Orders never queue behind ticks (DESIGN.md §4, ARCHITECTURE "The bus"): on this machine's
 * JetStream, with a burst of 100,000 ticks waiting on the ticks stream and its consumers
 * busy, an approved order published after the burst is handled while nearly all of the
 * ticks are still waiting, because orders have their own stream and partition consumers.
 */
import { randomBytes } from 'node:crypto';
import { connect, headers } from 'nats';
import t from 'tap';
import { connectJetStreamBus } from '../../../libs/bus/jetstream-bus.ts';
import { partitionOf } from '../../../libs/bus/partition.ts';
import { orderMessageId, STREAMS, tickMessageId, type StreamPayloads } from '../../../libs/contracts/streams.ts';
const NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';

const TICKS = 100_000;
const PARTITIONS = 16;

t.test('an order published after a burst of 100,000 ticks is handled before the ticks are', async (t) => {
  const prefix = `test_${randomBytes(5).toString('hex')}`;
  const bus = await connectJetStreamBus<StreamPayloads>({ servers: NATS_URL, prefix, partitions: PARTITIONS });
  const raw = await connect({ servers: NATS_URL });
  t.teardown(async () => {
    await bus.close();
    await bus.destroy([STREAMS.ticks, STREAMS.orders]);
    await raw.close();
  });
  await bus.ensureStream(STREAMS.ticks);
  await bus.ensureStream(STREAMS.orders);

  // The minute's burst: 100,000 bots' ticks, published straight to the stream's subjects (as fast as NATS takes them).
  const encoder = new TextEncoder();
  for (let bot = 0; bot < TICKS; bot += 1) {
    const botId = `bot-${bot}`;
    const header = headers();
    header.set('Nats-Msg-Id', tickMessageId(botId, 0));
    raw.publish(`${prefix}.${STREAMS.ticks}.${partitionOf(botId, PARTITIONS)}.${botId}`, encoder.encode(JSON.stringify({ botId, candleTime: 0 })), { headers: header });
    if (bot % 10_000 === 0) await raw.flush();
  }
  await raw.flush();
  const stored = async () => (await raw.jetstreamManager()).streams.info(`${prefix}_${STREAMS.ticks}`).then((info) => info.state.messages);
  while ((await stored()) < TICKS) await new Promise((resolve) => setTimeout(resolve, 50));

  let ticksHandled = 0;
  await bus.consume(STREAMS.ticks, async () => {
    // A strategy's work per tick: the burst takes a while to get through.
    await new Promise((resolve) => setTimeout(resolve, 2));
    ticksHandled += 1;
  });
  const orderHandled = Promise.withResolvers<number>();
  await bus.consume(STREAMS.orders, async () => orderHandled.resolve(ticksHandled));

  await bus.publish(STREAMS.orders, 'bot-7', { botId: 'bot-7', orderId: 'order-1' }, orderMessageId('order-1'));
  const ticksBefore = await orderHandled.promise;

  t.ok(ticksBefore < TICKS / 10, `the order was handled after ${ticksBefore} of ${TICKS} ticks, not behind the burst`);
  const lag = await bus.lag();
  t.ok(lag.filter((row) => row.stream === STREAMS.ticks).reduce((sum, row) => sum + row.pending, 0) > TICKS / 2, 'most ticks still waiting when the order was done');
});
