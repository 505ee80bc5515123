import t from 'tap';
import { compareEntryIds } from '../../libs/platform/live-event-journal.ts';
import { REPLAY_BOT } from '../e2e/trading-session.ts';
import { openEventStream, type StreamedEvent } from '../support/event-stream.ts';
import { startTestPlatform } from '../support/platform.ts';

const platform = await startTestPlatform({ env: { REPLAY_SPEED: '600' } });
t.teardown(() => platform.stop());
const alice = await platform.api.signUp('alice@example.com');
const bob = await platform.api.signUp('bob@example.com');
const eventsUrl = `${platform.baseUrl}/api/events`;
const isDecision = (event: StreamedEvent) => event.event === 'bot.decision';

t.test('a client follows its bot live, resumes after a disconnect without loss, and never sees another user\'s events', async (t) => {
  // The witness stays connected throughout; the follower disconnects and resumes.
  const witness = await openEventStream(`${eventsUrl}?access_token=${alice.token}`);
  const follower = await openEventStream(eventsUrl, { authorization: `Bearer ${alice.token}` });
  const bystander = await openEventStream(`${eventsUrl}?access_token=${bob.token}`);
  t.teardown(() => { witness.close(); bystander.close(); });
  t.equal(witness.status, 200);
  t.match(witness.headers.get('content-type'), /^text\/event-stream/);

  const bot = (await alice.post('/bots', REPLAY_BOT)).body;
  await alice.post(`/bots/${bot.id}/start`);
  const firstPart = await follower.waitFor(isDecision, 3, 30_000);
  follower.close();
  const lastSeen = follower.events.at(-1)!;
  t.ok(lastSeen.id, 'every event has an id');
  t.ok(witness.events.some((event) => event.event === 'bot.changed' && event.data.status === 'running'), 'the start is streamed');
  t.match(firstPart[0]!.data, { botId: bot.id, userId: (await alice.get('/auth/me')).body.id, candleTime: String, signal: String, outcome: String });

  // Events keep coming while the follower is away.
  const lastSeenAt = witness.events.findIndex((event) => event.id === lastSeen.id);
  await witness.waitFor((event) => isDecision(event) && witness.events.indexOf(event) > lastSeenAt, 4, 30_000);
  const resumed = await openEventStream(eventsUrl, { authorization: `Bearer ${alice.token}`, 'last-event-id': lastSeen.id! });
  t.teardown(() => resumed.close());
  await resumed.waitFor(isDecision, 6, 30_000);

  // The witness may lag the resumed stream by an event or two: wait until it has as many.
  await witness.waitFor((event) => compareEntryIds(event.id!, lastSeen.id!) > 0, 6, 30_000);
  const witnessed = witness.events.filter((event) => compareEntryIds(event.id!, lastSeen.id!) > 0).slice(0, 6).map((event) => event.id);
  t.same(resumed.events.slice(0, 6).map((event) => event.id), witnessed, 'the resumed stream starts right after the last event seen, with nothing missed or repeated');
  const ids = witness.events.map((event) => event.id!);
  t.same([...ids].sort(compareEntryIds), ids, 'ids increase');
  t.notOk(bystander.events.some((event) => event.data.botId === bot.id), "another user's stream carries none of these events");
  t.ok(witness.events.every((event) => event.data.botId === bot.id), 'the stream carries only the caller\'s bots');
  await alice.post(`/bots/${bot.id}/stop`);
});

t.test('an id the gateway cannot place gets a resync event, then the live stream', async (t) => {
  const stream = await openEventStream(eventsUrl, { authorization: `Bearer ${alice.token}`, 'last-event-id': '1-1' });
  t.teardown(() => stream.close());
  const [resync] = await stream.waitFor((event) => event.event === 'resync', 1, 5_000);
  t.match(resync!.data.reason, /reload/);
});

t.test('the stream needs a valid token, in the header or the query, and never logs it', async (t) => {
  const anonymous = await fetch(eventsUrl);
  t.equal(anonymous.status, 401);
  t.match(await anonymous.json(), { error: { code: 'UNAUTHORIZED' } });
  t.equal((await fetch(`${eventsUrl}?access_token=not.a.token`)).status, 401);
  t.equal((await fetch(`${platform.baseUrl}/api/bots?access_token=${alice.token}`)).status, 401, 'other routes do not take a token in the query');
  t.notMatch(platform.logs.lines.join('\n'), alice.token!, 'no token in any log line');
});
