/**
 * The bus service: lag and dead letters over the API (admins only), the REPL commands, and
 * the lag and throughput metrics through a broker with Moleculer's metrics enabled.
 */
import { ServiceBroker } from 'moleculer';
import t from 'tap';
import { createInProcessBus } from '../../libs/bus/in-process-bus.ts';
import { partitionOf } from '../../libs/bus/partition.ts';
import type { StreamPayloads } from '../../libs/contracts/streams.ts';
import { UserRepository } from '../../libs/db/user.repository.ts';
import { systemClock } from '../../libs/platform/clock.ts';
import { BUS_METRICS, createBusService, throughputOf } from '../../services/bus/bus.service.ts';
import { busLagCommand, deadLettersCommand } from '../../services/bus/repl-commands.ts';
import { startTestPlatform } from '../support/platform.ts';

const PROBE = 'probe';

t.test('dead letters and lag over the API: admins list, replay and remove; users get 403', async (t) => {
  // No scheduler: the only bus work is the test's.
  const platform = await startTestPlatform({ services: ['gateway', 'bots', 'strategy', 'execution'] });
  t.teardown(() => platform.stop());
  const user = await platform.api.signUp('user@example.com');
  await platform.api.signUp('ops@example.com');
  await new UserRepository(platform.mesh.database).setRole('ops@example.com', 'admin');
  const login = await platform.api.post<{ token: string }>('/auth/login', { email: 'ops@example.com', password: 'correct horse battery staple' });
  const ops = platform.api.as(login.body.token);
  const bus = platform.mesh.bus as unknown as ReturnType<typeof createInProcessBus<Record<string, { n: number }>>>;
  let deliveries = 0;
  await bus.consume(PROBE, async () => {
    deliveries += 1;
    throw new Error('poison: cannot handle this');
  }, { maxDeliver: 1 });

  for (const route of ['/admin/bus/lag', '/admin/dead-letters']) t.equal((await user.get(route)).status, 403, `${route} is for admins`);
  t.equal((await user.post('/admin/dead-letters/1/replay')).status, 403);
  t.equal((await user.delete('/admin/dead-letters/1')).status, 403);

  await bus.publish(PROBE, 'bot-a', { n: 1 }, 'probe-1');
  const listed = await eventuallyList(ops, 1);
  t.match(listed[0], { stream: PROBE, botId: 'bot-a', msgId: 'probe-1', payload: { n: 1 }, error: 'poison: cannot handle this', deliveries: 1 });

  const lines: string[] = [];
  await deadLettersCommand(platform.mesh.broker, {}, (line) => lines.push(line));
  t.match(lines[0], /#\d+ .* probe bot bot-a \(probe-1, 1 deliveries\): poison: cannot handle this/, 'the REPL lists it');

  const replayed = await ops.post(`/admin/dead-letters/${listed[0]!.id}/replay`);
  t.equal(replayed.status, 200);
  const again = await eventuallyList(ops, 1, (letters) => letters[0]?.id !== listed[0]!.id);
  t.equal(deliveries, 2, 'the replay was delivered again');
  t.not(again[0]!.id, listed[0]!.id, 'and, failing again, is a new dead letter');
  t.equal((await ops.delete(`/admin/dead-letters/${again[0]!.id}`)).status, 200);
  t.same((await ops.get('/admin/dead-letters')).body.items, [], 'removed');
  t.equal((await ops.delete(`/admin/dead-letters/${again[0]!.id}`)).status, 404, 'an unknown dead letter is a 404');
  t.equal((await ops.post('/admin/dead-letters/12345/replay')).status, 404);

  const lag = await ops.get('/admin/bus/lag');
  t.equal(lag.status, 200);
  t.match(lag.body, { bus: 'in-process', partitions: Number, lag: Array, streams: Array });
  lines.length = 0;
  await busLagCommand(platform.mesh.broker, (line) => lines.push(line));
  t.match(lines[0], /in-process bus, \d+ partitions per stream/, 'the REPL shows the lag');
});

async function eventuallyList(client: Awaited<ReturnType<Awaited<ReturnType<typeof startTestPlatform>>['api']['signUp']>>, count: number, accept: (letters: { id: string }[]) => boolean = () => true): Promise<any[]> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const page = await client.get('/admin/dead-letters');
    if (page.body.items?.length === count && accept(page.body.items)) return page.body.items;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('dead letters never showed');
}

t.test('the bus metrics show pending work per partition and throughput per stream, and fall to zero once drained', async (t) => {
  const bus = createInProcessBus<StreamPayloads>({ partitions: 8 });
  const broker = new ServiceBroker({ logger: false, metrics: { enabled: true } });
  broker.createService(createBusService({ bus, clock: systemClock, metricsIntervalMs: 20 }));
  await broker.start();
  t.teardown(async () => {
    await broker.stop();
    await bus.close();
  });
  for (let index = 0; index < 5; index += 1) await bus.publish('ticks', 'bot-m', { botId: 'bot-m', candleTime: index }, `m-${index}`);
  const partition = partitionOf('bot-m', 8);
  const gauge = (name: string, labels: Record<string, unknown>) => broker.metrics.getMetric(name)?.get(labels)?.value;

  await until(() => gauge(BUS_METRICS.pending, { stream: 'ticks', partition }) === 5);
  t.equal(gauge(BUS_METRICS.streamPending, { stream: 'ticks' }), 5, 'the stream total');
  t.equal(gauge(BUS_METRICS.published, { stream: 'ticks' }), 5);

  const subscription = await bus.consume('ticks', async () => {});
  await until(() => gauge(BUS_METRICS.pending, { stream: 'ticks', partition }) === 0);
  t.equal(gauge(BUS_METRICS.inFlight, { stream: 'ticks', partition }), 0, 'a drained partition reads zero, not its last value');
  await subscription.stop();
});

t.test('throughput is messages published per second between two readings', async (t) => {
  const previous = new Map([['ticks', { published: 100, at: 1_000 }]]);
  t.same(throughputOf(previous, [{ stream: 'ticks', published: 600 }, { stream: 'orders', published: 3 }], 3_000), [
    { stream: 'ticks', published: 600, perSecond: 250 },
    { stream: 'orders', published: 3, perSecond: 0 },
  ]);
});

async function until(condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 250 && !condition(); attempt += 1) await new Promise((resolve) => setTimeout(resolve, 20));
  if (!condition()) throw new Error('condition never held');
}
