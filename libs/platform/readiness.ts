/**
 * Readiness for orchestrators: each dependency checked with a deadline, all at once. A
 * process is ready when every check passes; liveness only says the process answers.
 */
import { createServer, type Server } from 'node:http';

export interface CheckResult {
  readonly ok: boolean;
  /** Why it failed (no internals beyond the dependency's own message). */
  readonly error?: string;
}

export interface Readiness {
  readonly status: 'ready' | 'not-ready';
  readonly checks: Readonly<Record<string, CheckResult>>;
}

/** A named probe resolves when the dependency is usable and throws otherwise. */
export type Probes = Readonly<Record<string, () => Promise<void>>>;

/** Longest a probe may take before it counts as failed. */
const PROBE_TIMEOUT_MS = 2_000;

export async function checkReadiness(probes: Probes): Promise<Readiness> {
  const entries = await Promise.all(
    Object.entries(probes).map(async ([name, probe]): Promise<[string, CheckResult]> => {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([probe(), new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS); })]);
        return [name, { ok: true }];
      } catch (error) {
        return [name, { ok: false, error: error instanceof Error ? error.message.slice(0, 200) : String(error) }];
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const checks = Object.fromEntries(entries);
  return { status: entries.every(([, result]) => result.ok) ? 'ready' : 'not-ready', checks };
}

export interface HealthServerOptions {
  readonly port: number;
  /** The liveness body. */
  readonly health: () => Promise<Record<string, unknown>>;
  readonly readiness: () => Promise<Readiness>;
}

/**
 * The small HTTP server every service process runs on HEALTH_PORT: `GET /health` (200 while
 * the process answers) and `GET /ready` (200 ready, 503 not ready, with each check).
 */
export async function startHealthServer(options: HealthServerOptions): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      response.end(JSON.stringify(body));
    };
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET') return reply(405, { error: { code: 'METHOD_NOT_ALLOWED', message: 'only GET' } });
    if (path === '/health') {
      options.health().then((body) => reply(200, body), () => reply(503, { status: 'failing' }));
      return;
    }
    if (path === '/ready') {
      options.readiness().then((readiness) => reply(readiness.status === 'ready' ? 200 : 503, readiness), () => reply(503, { status: 'not-ready', checks: {} }));
      return;
    }
    reply(404, { error: { code: 'NOT_FOUND', message: 'GET /health or /ready' } });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '0.0.0.0', () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : options.port,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
