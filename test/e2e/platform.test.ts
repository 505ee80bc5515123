import t from 'tap';
import { startTestPlatform } from '../support/platform.ts';
import { assertConsecutive, checkLedger, decisionTimes, startReplayBot, stopAndSettle, waitForTrading } from './trading-session.ts';

t.test('embedded platform: a paper bot on the replayed market decides every candle and trades', async (t) => {
  const platform = await startTestPlatform({ env: { REPLAY_SPEED: '3000' } });
  t.teardown(() => platform.stop());
  const health = await platform.api.get('/health');
  t.equal(health.status, 200);
  t.same(health.body.services, ['audit', 'auth', 'bots', 'bus', 'execution', 'gateway', 'risk', 'scheduler', 'strategy']);

  const bot = await startReplayBot(t, platform, 'trader@example.com');
  await waitForTrading(bot, 60, 2);
  await stopAndSettle(platform, bot);
  assertConsecutive(t, await decisionTimes(platform, bot.botId));
  await checkLedger(t, platform, bot);

  const countAtStop = (await decisionTimes(platform, bot.botId)).length;
  await new Promise((resolve) => setTimeout(resolve, 500));
  const countLater = (await decisionTimes(platform, bot.botId)).length;
  t.ok(countLater - countAtStop <= 1, 'a stopped bot decides nothing new (one tick may have been in flight)');
});
