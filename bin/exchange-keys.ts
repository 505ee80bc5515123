/**
 * `npm run exchange-keys -- generate <version>` prints a new key line for
 * EXCHANGE_SECRETS_KEYS (or its file); `npm run exchange-keys -- reseal` re-seals every
 * exchange account under the newest configured key, after which older keys can be
 * removed. Rotation: add the new version next to the old one, restart every replica,
 * reseal, then drop the old version and restart again.
 */
import { migrateDatabase, openDatabase } from '../libs/db/database.ts';
import { ExchangeAccountRepository } from '../libs/db/exchange-account.repository.ts';
import { loadConfigOrExit } from '../libs/platform/config.ts';
import { createLogger } from '../libs/platform/logger.ts';
import { createSecretBox, generateSecretKey } from '../libs/platform/secret-box.ts';

const USAGE = 'usage: npm run exchange-keys -- generate <version>   (print a new key line)\n       npm run exchange-keys -- reseal               (re-seal every account under the newest key)\n';
const [command, argument] = process.argv.slice(2);

if (command === 'generate' && argument !== undefined && /^\d{1,6}$/.test(argument)) {
  process.stdout.write(`${generateSecretKey(Number(argument))}\n`);
} else if (command === 'reseal' && argument === undefined) {
  const config = loadConfigOrExit();
  if (!config.exchangeSecretKeys) {
    process.stderr.write('EXCHANGE_SECRETS_KEYS (or EXCHANGE_SECRETS_KEYS_FILE) is not set: there is no key to seal with\n');
    process.exit(2);
  }
  const logger = createLogger({ level: config.logLevel, pretty: config.logPretty });
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 1, logger });
  try {
    await migrateDatabase(database);
    const box = createSecretBox(config.exchangeSecretKeys);
    const count = await new ExchangeAccountRepository(database, box).reseal();
    process.stdout.write(`re-sealed ${count} exchange account(s) under key version ${box.currentVersion}\n`);
  } finally {
    await database.close();
  }
} else {
  process.stderr.write(USAGE);
  process.exit(2);
}
