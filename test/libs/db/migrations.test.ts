import t, { type Test } from 'tap';
import { migrateDatabase, openDatabase, pendingMigrations, type Database } from '../../../libs/db/database.ts';
import { MIGRATIONS } from '../../../libs/db/migrations/index.ts';
import { createLogger } from '../../../libs/platform/logger.ts';
import { createTestDatabase } from '../../support/postgres.ts';
import { temporaryDataDir } from '../../support/platform.ts';

const logger = createLogger({ level: 'warn', pretty: false });

/** Differences between the schema the migrations built and the one the entities describe, at column level. */
async function columnDrift(database: Database): Promise<string[]> {
  const sql = await database.orm.schema.getUpdateSchemaSQL({ wrap: false, safe: false });
  return sql.split('\n').filter((line) => /\b(create table|add column|alter column|drop column|drop table|rename)\b/i.test(line));
}

async function checkDatabase(t: Test, database: Database) {
  const names = MIGRATIONS.map((migration) => migration.name);
  t.same(await pendingMigrations(database), names, 'every migration is pending on an empty database');
  t.same(await migrateDatabase(database), names);
  t.same(await migrateDatabase(database), [], 'migrating again applies nothing');
  t.same(await columnDrift(database), [], 'tables and columns match the entities exactly');
  const connection = database.orm.em.getConnection();
  await connection.execute(`insert into users (id, email, password_hash, role, created_at) values ('00000000-0000-0000-0000-000000000001', 'a@b.c', 'x', 'user', now())`);
  await connection.execute(`insert into bots (id, user_id, name, exchange, market_source, market, timeframe, strategy_name, strategy_params, risk, initial_balance, status, created_at, updated_at)
    values ('00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-000000000001', 'b', 'paper', 'simulated', 'BTC/USDT', '1m', 'ema-cross', '{}', '{}', 1000, 'created', now(), now())`);
  const decision = `insert into decisions (bot_id, candle_time, signal, indicators, outcome, reason, created_at) values ('00000000-0000-0000-0000-0000000000b1', '2026-01-01T00:00:00Z', 'hold', '{}', 'hold', 'r', now())`;
  await connection.execute(decision);
  await t.rejects(connection.execute(decision), /unique/i, 'a second decision for the same bot and candle is refused by the database');
  const [column] = await connection.execute<{ data_type: string }[]>(`select data_type from information_schema.columns where table_name = 'bot_states' and column_name = 'quote_balance'`);
  t.equal(column?.data_type, 'numeric', 'money is numeric');
}


t.test('migrations build the schema the entities describe on PGlite', async (t) => {
  const folder = temporaryDataDir();
  const database = await openDatabase({ databaseUrl: undefined, dataDir: folder.path, poolSize: 1, logger });
  t.teardown(async () => { await database.close(); folder.remove(); });
  await checkDatabase(t, database);
});

t.test("migrations build the schema the entities describe on this machine's Postgres", async (t) => {
  const server = await createTestDatabase('migrations');
  const database = await openDatabase({ databaseUrl: server.url, dataDir: '.', poolSize: 2, logger });
  t.teardown(async () => { await database.close(); await server.drop(); });
  await checkDatabase(t, database);
});
