/** `npm run admin -- grant|revoke <email>`: gives or takes the admin role on the configured database. */
import { openDatabase, pendingMigrations } from '../libs/db/database.ts';
import { AuditRepository } from '../libs/db/audit.repository.ts';
import { UserRepository } from '../libs/db/user.repository.ts';
import { loadConfigOrExit } from '../libs/platform/config.ts';
import { createLogger } from '../libs/platform/logger.ts';
import { ADMIN_USAGE, runAdminCommand } from './admin-command.ts';

const args = process.argv.slice(2);
if (args.length === 0 || args[0] === '--help' || args[0] === '-h') {
  process.stdout.write(ADMIN_USAGE);
  process.exit(args.length === 0 ? 2 : 0);
}
const config = loadConfigOrExit();
const logger = createLogger({ level: 'warn', pretty: false });
const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 1, logger });
let status = 0;
try {
  if ((await pendingMigrations(database)).length > 0) {
    process.stderr.write('the database schema is not current: run `npm run db:migrate` (or start the platform) first\n');
    status = 1;
  } else {
    const result = await runAdminCommand(args, { users: new UserRepository(database), audit: new AuditRepository(database) });
    (result.status === 0 ? process.stdout : process.stderr).write(result.output);
    status = result.status;
  }
} finally {
  await database.close();
}
process.exit(status);
