/**
 * Broker wiring only (STYLE.md layout): transporter, cacher, logger, metrics and
 * validator, chosen by configuration. NATS and Redis when their URLs are set, in-process
 * and in-memory otherwise (embedded mode).
 */
import type { BrokerOptions } from 'moleculer';
import type { Config } from './libs/platform/config.ts';
import type { Logger } from './libs/platform/logger.ts';
import { callLoggingMiddleware } from './services/shared/call-logging.ts';
import { platformMetricsMiddleware } from './services/shared/platform-metrics.ts';

export interface BrokerWiring {
  readonly config: Config;
  readonly logger: Logger;
  /** Node id in the mesh; defaults to host name and pid. */
  readonly nodeID?: string;
}

/** ioredis options from a redis:// URL (the cacher takes options, not a URL). */
function redisConnection(url: string): Record<string, unknown> {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 6379),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    db: Number(parsed.pathname.slice(1) || 0),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

const INTERNAL_MODULES = ['BROKER', 'REGISTRY', 'TRANSIT', 'TRANSPORTER', 'CACHER', 'DISCOVERY', 'METRICS', 'TRACER', '$NODE'];

function quietInternals(level: Config['logLevel']): Record<string, Config['logLevel']> {
  const verbose = level === 'debug' || level === 'trace';
  return { ...Object.fromEntries(INTERNAL_MODULES.map((module) => [module, verbose ? level : 'warn'])), '**': level };
}

export function brokerOptions({ config, logger, nodeID }: BrokerWiring): BrokerOptions {
  return {
    namespace: config.namespace,
    ...(nodeID ? { nodeID } : {}),
    transporter: config.natsUrl ? { type: 'NATS', options: { url: config.natsUrl } } : null,
    cacher: config.redisUrl
      ? { type: 'Redis', options: { prefix: `${config.redisPrefix}-cache`, redis: redisConnection(config.redisUrl), ttl: 60 } }
      : { type: 'Memory', options: { ttl: 60 } },
    logger: {
      type: 'Pino',
      options: {
        level: quietInternals(config.logLevel),
        // Moleculer's modules log through the platform's pino root, so redaction and format are one.
        createLogger: (level: string, bindings: Record<string, unknown>) => logger.child({ node: bindings['nodeID'], service: bindings['svc'] ?? bindings['mod'] }, { level }),
      },
    },
    // Moleculer's own start-up chatter only at debug; services log at the configured level.
    logLevel: quietInternals(config.logLevel),
    requestTimeout: 10_000,
    retryPolicy: { enabled: false },
    validator: true,
    // With METRICS_PORT, Prometheus scrapes this process at :METRICS_PORT/metrics; without it no metric is kept.
    metrics: config.metricsPort === undefined
      ? { enabled: false }
      : {
          enabled: true,
          // Every series is labelled with the namespace and node id (the reporter's default labels).
          reporter: [{ type: 'Prometheus', options: { port: config.metricsPort, path: '/metrics' } }],
        },
    middlewares: [platformMetricsMiddleware(), callLoggingMiddleware()],
    tracking: { enabled: true, shutdownTimeout: 10_000 },
    // Calls are retried by callers that know they are idempotent, never blindly by the broker.
    circuitBreaker: { enabled: false },
    // The process owner (bin/) decides when to stop; Moleculer must not exit on signals by itself.
    skipProcessEventRegistration: true,
  };
}
