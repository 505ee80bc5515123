import t from 'tap';
import { startTestPlatform, temporaryDataDir, eventually } from '../support/platform.ts';
import { assertConsecutive, decisionTimes, startReplayBot, waitForTrading } from './trading-session.ts';

t.test('after a restart users, bots and history are there and running bots go on without a skipped or repeated candle', async (t) => {
  const folder = temporaryDataDir();
  t.teardown(() => folder.remove());
  const env = { REPLAY_SPEED: '1500' };

  const first = await startTestPlatform({ dataDir: folder.path, env });
  const bot = await startReplayBot(t, first, 'restarter@example.com');
  const idle = await bot.client.post('/bots', { name: 'never started', market: 'BTC/USDT', strategy: { name: 'ema-cross' } });
  await waitForTrading(bot, 30, 1);
  const token = bot.client.token;
  await first.stop();
  const beforeRestart = await (async () => {
    const again = await startTestPlatform({ dataDir: folder.path, env, services: [] });
    try {
      return await decisionTimes(again, bot.botId);
    } finally {
      await again.stop();
    }
  })();

  const second = await startTestPlatform({ dataDir: folder.path, env });
  t.teardown(() => second.stop());
  const client = second.api.as(token);
  const me = await client.get('/auth/me');
  t.equal(me.status, 200, 'a token issued before the restart is still valid (the secret was kept in the data folder)');
  t.equal(me.body.email, 'restarter@example.com');
  const login = await second.api.post('/auth/login', { email: 'restarter@example.com', password: 'correct horse battery staple' });
  t.equal(login.status, 200, 'the account survived');
  const bots = await client.get('/bots');
  t.same(bots.body.items.map((item: { id: string; status: string }) => [item.id, item.status]).sort(), [[bot.botId, 'running'], [idle.body.id, 'created']].sort());

  await eventually(async () => ((await decisionTimes(second, bot.botId)).length >= beforeRestart.length + 20 ? true : undefined), 60_000, 'decisions after the restart');
  const after = await decisionTimes(second, bot.botId);
  t.same(after.slice(0, beforeRestart.length), beforeRestart, 'history before the restart is intact');
  assertConsecutive(t, after);
});
