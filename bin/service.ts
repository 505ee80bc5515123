/**
 * `npm run service -- <name> [<name> ...]`: runs the named services (gateway, bots,
 * scheduler, strategy, risk, execution) in one process, joined to the mesh through
 * NATS_URL, on the Postgres of DATABASE_URL and the Redis of REDIS_URL. Start as many
 * processes of each as you like: replicas share the work through the JetStream bus.
 * The Postgres pool is sized for the services run here (see DATABASE_POOL_SIZE_<SERVICE>).
 */
import os from 'node:os';
import { ConfigError, loadConfigOrExit } from '../libs/platform/config.ts';
import { isServiceName, poolSizeFor, SERVICE_NAMES, startMesh, type MeshServiceName } from '../services/mesh.ts';
import { runUntilSignal } from './process-lifecycle.ts';

const names = process.argv.slice(2).filter((argument) => argument !== '--');
const unknown = names.filter((name) => !isServiceName(name));
if (names.length === 0 || unknown.length > 0) {
  process.stderr.write(
    `${unknown.length > 0 ? `unknown service: ${unknown.join(', ')}\n` : ''}usage: npm run service -- <name> [<name> ...]\n  names: ${SERVICE_NAMES.join(', ')}\n`,
  );
  process.exit(2);
}
const services = [...new Set(names)] as MeshServiceName[];
const config = loadConfigOrExit();
let databasePoolSize: number;
try {
  databasePoolSize = poolSizeFor(services, process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`Configuration error: ${error.message}\n`);
  process.exit(2);
}
if (!config.natsUrl) process.stderr.write('NATS_URL is not set: these services run alone, with an in-process bus and no way to reach the others\n');

await runUntilSignal(async () => {
  const mesh = await startMesh({ config: { ...config, databasePoolSize }, services, nodeID: `${services.join('+')}-${os.hostname()}-${process.pid}` });
  const port = mesh.port();
  mesh.logger.info({ services, bus: mesh.bus.kind, databasePoolSize }, `services ${services.join(', ')} running${port ? ` — API on http://localhost:${port}/api` : ''}`);
  return mesh;
});
