import t, { type Test } from 'tap';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { BacktestRunner, type BacktestRunnerPorts } from '../../../libs/backtest/backtest-runner.ts';
import type { BacktestJob } from '../../../libs/backtest/backtest-job.ts';
import { BacktestWorkerPool } from '../../../libs/backtest/worker-pool.ts';
import { BacktestRepository } from '../../../libs/db/backtest.repository.ts';
import { migrateDatabase, openDatabase } from '../../../libs/db/database.ts';
import { UserRepository } from '../../../libs/db/user.repository.ts';
import { createLogger } from '../../../libs/platform/logger.ts';
import { systemClock } from '../../../libs/platform/clock.ts';
import { DEFAULT_RISK } from '../../../libs/risk/risk-settings.ts';
import { eventually, SHARED_DATA, temporaryDataDir } from '../../support/platform.ts';

const logger = createLogger({ level: 'fatal', pretty: false });
const folder = temporaryDataDir();
const database = await openDatabase({ databaseUrl: undefined, dataDir: folder.path, poolSize: 1, logger });
await migrateDatabase(database);
t.teardown(async () => { await database.close(); folder.remove(); });
const repository = new BacktestRepository(database);
const userId = randomUUID();
await new UserRepository(database).create({ id: userId, email: 'runner@example.com', passwordHash: 'x', role: 'user', createdAt: new Date() });

/** Requests here name the file to read directly; the API's requests name a market instead. */
function jobFor(request: Record<string, unknown>): BacktestJob {
  if (typeof request['file'] !== 'string') throw new Error('the data of this backtest is no longer served');
  return { strategy: 'ema-cross', params: {}, data: { kind: 'file', path: request['file'] }, initialBalance: '1000', risk: DEFAULT_RISK, feeRate: '0.001', slippageRate: '0.0005' };
}

function startRunner(t: Test) {
  const ports: BacktestRunnerPorts = {
    claimNext: (now, staleBefore) => repository.claimNext(now, staleBefore),
    heartbeat: (id, progress, now) => repository.heartbeat(id, progress, now),
    complete: (id, report, now) => repository.complete(id, { ...report }, now),
    fail: (id, error, now) => repository.fail(id, error, now),
    jobFor, clock: systemClock, logger,
  };
  const runner = new BacktestRunner(ports, new BacktestWorkerPool(1), { pollMs: 50, heartbeatMs: 50, staleAfterMs: 1_000, maxAttempts: 2 });
  runner.start();
  t.teardown(() => runner.stop());
  return runner;
}

const settled = (id: string) => eventually(async () => {
  const row = await repository.findOwned(userId, id);
  return row && ['completed', 'failed'].includes(row.status) ? row : undefined;
}, 30_000, `backtest ${id} to settle`);

t.test('queued backtests are claimed, run on the pool and completed with their report; bad data fails with the reason', async (t) => {
  startRunner(t);
  const good = await repository.create(randomUUID(), userId, { file: path.join(SHARED_DATA, 'XRP_ETH-5m.json') }, new Date());
  const missing = await repository.create(randomUUID(), userId, { file: path.join(SHARED_DATA, 'NOPE_BTC-1m.json') }, new Date());
  const gone = await repository.create(randomUUID(), userId, {}, new Date());
  const done = await settled(good.id);
  t.equal(done.status, 'completed');
  t.equal(Number(done.progress), 1);
  t.equal((done.result as { metrics: { candles: number } }).metrics.candles, 712);
  t.equal(done.attempts, 1);
  const failed = await settled(missing.id);
  t.equal(failed.status, 'failed');
  t.match(failed.error, /NOPE_BTC-1m.json: cannot be read/);
  t.match((await settled(gone.id)).error, /no longer served/);
});

t.test('a run whose worker died (no heartbeat) is claimed again; one that keeps dying is given up', async (t) => {
  const stale = new Date(Date.now() - 60_000);
  const orphan = await repository.create(randomUUID(), userId, { file: path.join(SHARED_DATA, 'XRP_ETH-5m.json') }, stale);
  await database.em().getConnection().execute(`update backtests set status = 'running', attempts = 1, started_at = ?, heartbeat_at = ? where id = ?`, [stale, stale, orphan.id]);
  const cursed = await repository.create(randomUUID(), userId, { file: path.join(SHARED_DATA, 'XRP_ETH-5m.json') }, stale);
  await database.em().getConnection().execute(`update backtests set status = 'running', attempts = 2, started_at = ?, heartbeat_at = ? where id = ?`, [stale, stale, cursed.id]);
  const live = await repository.create(randomUUID(), userId, { file: path.join(SHARED_DATA, 'XRP_ETH-5m.json') }, stale);
  await database.em().getConnection().execute(`update backtests set status = 'running', attempts = 1, started_at = now(), heartbeat_at = now() where id = ?`, [live.id]);
  startRunner(t);
  const resumed = await settled(orphan.id);
  t.equal(resumed.status, 'completed');
  t.equal(resumed.attempts, 2, 'claimed a second time');
  const givenUp = await settled(cursed.id);
  t.equal(givenUp.status, 'failed');
  t.match(givenUp.error, /given up: its worker stopped 2 times/);
  t.equal((await repository.findOwned(userId, live.id))?.status, 'running', 'a run with a fresh heartbeat is left to its worker');
});

t.test("backtests are the owner's only", async (t) => {
  const mine = await repository.create(randomUUID(), userId, {}, new Date());
  t.equal(await repository.findOwned(randomUUID(), mine.id), null);
  t.ok((await repository.listOwned(userId, 100)).some((row) => row.id === mine.id));
  t.same(await repository.listOwned(randomUUID(), 100), []);
});
