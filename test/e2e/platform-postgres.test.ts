import t from 'tap';
import { randomBytes } from 'node:crypto';
import { createTestDatabase } from '../support/postgres.ts';
import { startTestPlatform } from '../support/platform.ts';
import { assertConsecutive, checkLedger, decisionTimes, startReplayBot, stopAndSettle, waitForTrading } from './trading-session.ts';

t.test('the same session on this machine\'s real Postgres (DATABASE_URL)', async (t) => {
  const database = await createTestDatabase('e2e');
  t.teardown(() => database.drop());
  const platform = await startTestPlatform({ env: { REPLAY_SPEED: '3000', DATABASE_URL: database.url, JWT_SECRET: randomBytes(32).toString('hex') } });
  t.teardown(() => platform.stop());
  t.equal(platform.mesh.database.kind, 'postgres');

  const bot = await startReplayBot(t, platform, 'pg-trader@example.com');
  await waitForTrading(bot, 60, 2);
  await stopAndSettle(platform, bot);
  assertConsecutive(t, await decisionTimes(platform, bot.botId));
  await checkLedger(t, platform, bot);
});
