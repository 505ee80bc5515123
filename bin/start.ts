/**
 * `npm start`: the whole platform in one process. With no DATABASE_URL, NATS_URL or
 * REDIS_URL set it needs nothing installed: PGlite in ./data, the in-process bus, the
 * simulated market. `npm start -- --repl` also opens the operator REPL in this process
 * (the embedded platform's way to run the commands `npm run repl` offers on a mesh).
 */
import { loadConfigOrExit } from '../libs/platform/config.ts';
import { SERVICE_NAMES, startMesh } from '../services/mesh.ts';
import { openOperatorRepl } from './operator-repl.ts';
import { runUntilSignal } from './process-lifecycle.ts';

const withRepl = process.argv.includes('--repl');
// With the REPL in the terminal, only warnings are logged so its output stays readable.
const config = loadConfigOrExit(withRepl && !process.env['LOG_LEVEL'] ? { ...process.env, LOG_LEVEL: 'warn' } : process.env);
await runUntilSignal(async () => {
  const mesh = await startMesh({ config, services: SERVICE_NAMES });
  const mode = config.databaseUrl ? 'Postgres' : `embedded (data in ${config.dataDir})`;
  mesh.logger.info(`TradeBot is running on http://localhost:${mesh.port() ?? config.port} — API under /api, ${mode}`);
  if (withRepl) {
    process.stdout.write(`TradeBot is running on http://localhost:${mesh.port() ?? config.port}; operator REPL below (help lists the commands)\n`);
    openOperatorRepl(mesh.broker);
  }
  return mesh;
});
