import { randomBytes } from 'node:crypto';
import t from 'tap';
import { compareEntryIds } from '../../libs/platform/live-event-journal.ts';
import { REPLAY_BOT } from './trading-session.ts';
import { openEventStream } from '../support/event-stream.ts';
import { startTestPlatform } from '../support/platform.ts';
import { createTestDatabase } from '../support/postgres.ts';

t.test('two gateway replicas on NATS and Redis: a client follows its bot on either and resumes on the other', async (t) => {
  const database = await createTestDatabase('live');
  t.teardown(() => database.drop());
  const unique = `live${randomBytes(4).toString('hex')}`;
  const env = {
    REPLAY_SPEED: '600', DATABASE_URL: database.url, JWT_SECRET: randomBytes(32).toString('hex'),
    NATS_URL: 'nats://127.0.0.1:4222', NAMESPACE: unique, REDIS_URL: 'redis://127.0.0.1:6379', REDIS_PREFIX: unique, BUS_PREFIX: unique,
  };
  // The trading replica runs everything; the second runs a gateway only and hears events over NATS.
  const trading = await startTestPlatform({ env, nodeID: `${unique}-trading` });
  const edge = await startTestPlatform({ env, services: ['gateway'], nodeID: `${unique}-edge` });
  t.teardown(async () => {
    const keys = await trading.mesh.redis!.keys(`${unique}:*`);
    if (keys.length > 0) await trading.mesh.redis!.del(...keys);
    await edge.stop();
    await trading.stop();
  });
  const alice = await trading.api.signUp('alice@example.com');
  const onEdge = await openEventStream(`${edge.baseUrl}/api/events?access_token=${alice.token}`);
  const onTrading = await openEventStream(`${trading.baseUrl}/api/events?access_token=${alice.token}`);
  t.teardown(() => { onEdge.close(); onTrading.close(); });

  const bot = (await alice.post('/bots', REPLAY_BOT)).body;
  await alice.post(`/bots/${bot.id}/start`);
  const seenOnEdge = await onEdge.waitFor((event) => event.event === 'bot.decision', 3, 30_000);
  t.equal(seenOnEdge[0]!.data.botId, bot.id, 'the gateway-only replica streams events emitted on the other node');
  onEdge.close();
  const lastOnEdge = onEdge.events.at(-1)!;
  await onTrading.waitFor((event) => event.event === 'bot.decision', onTrading.events.filter((event) => event.event === 'bot.decision').length + 3, 30_000);

  const resumed = await openEventStream(`${trading.baseUrl}/api/events?access_token=${alice.token}`, { 'last-event-id': lastOnEdge.id! });
  t.teardown(() => resumed.close());
  await resumed.waitFor((event) => event.event === 'bot.decision', 3, 30_000);
  const expected = onTrading.events.filter((event) => compareEntryIds(event.id!, lastOnEdge.id!) > 0).slice(0, 3).map((event) => event.id);
  t.same(resumed.events.slice(0, 3).map((event) => event.id), expected, 'resuming on the other replica continues right after the last event seen');
  t.notOk(resumed.events.some((event) => event.event === 'resync'), 'no resync needed');
  const ids = onTrading.events.map((event) => event.id);
  t.equal(new Set(ids).size, ids.length, 'each event once');
  t.equal(onTrading.events.filter((event) => event.event === 'bot.changed' && event.data.status === 'running').length, 1, 'a broadcast event (heard by both replicas) is streamed once');
  await alice.post(`/bots/${bot.id}/stop`);
});
