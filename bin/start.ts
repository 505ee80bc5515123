/**
 * `npm start`: the whole platform in one process. With no DATABASE_URL, NATS_URL or
 * REDIS_URL set it needs nothing installed: PGlite in ./data, the in-process bus, the
 * simulated market.
 */
import { loadConfigOrExit } from '../libs/platform/config.ts';
import { SERVICE_NAMES, startMesh } from '../services/mesh.ts';
import { runUntilSignal } from './process-lifecycle.ts';

const config = loadConfigOrExit();
await runUntilSignal(async () => {
  const mesh = await startMesh({ config, services: SERVICE_NAMES });
  const mode = config.databaseUrl ? 'Postgres' : `embedded (data in ${config.dataDir})`;
  mesh.logger.info(`TradeBot is running on http://localhost:${mesh.port() ?? config.port} — API under /api, ${mode}`);
  return mesh;
});
