/** `npm run db:migrate`: applies pending migrations to the configured database and exits. */
import { migrateDatabase, openDatabase } from '../libs/db/database.ts';
import { loadConfigOrExit } from '../libs/platform/config.ts';
import { createLogger } from '../libs/platform/logger.ts';

const config = loadConfigOrExit();
const logger = createLogger({ level: config.logLevel, pretty: config.logPretty });
const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 1, logger });
try {
  const applied = await migrateDatabase(database);
  process.stdout.write(applied.length > 0 ? `applied ${applied.length} migration(s): ${applied.join(', ')}\n` : 'database schema is up to date\n');
} finally {
  await database.close();
}
