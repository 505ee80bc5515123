/**
 * The platform's own Prometheus metrics beside Moleculer's built-in request rates and
 * latencies (`moleculer_request_*`, per action): ticks processed, decisions by signal and
 * outcome, orders by state, and the Postgres pool. Decisions and orders are counted by a
 * broker middleware from the events every process emits, so no service has to remember;
 * ticks are counted by the strategy service, the pool by the composition root. Bus lag
 * comes from the bus service (`tradebot_bus_*`).
 */
import type { Middleware, ServiceBroker } from 'moleculer';
import { EVENTS } from '../../libs/contracts/events.ts';

/** Metric names, declared once (Prometheus shows dots as underscores). */
export const PLATFORM_METRICS = {
  ticksProcessed: 'tradebot.ticks.processed.total',
  decisions: 'tradebot.decisions.total',
  orderTransitions: 'tradebot.orders.transitions.total',
  poolConnections: 'tradebot.postgres.pool.connections',
  poolIdle: 'tradebot.postgres.pool.idle',
  poolWaiting: 'tradebot.postgres.pool.waiting',
} as const;

function register(broker: ServiceBroker): void {
  const metrics = broker.metrics;
  metrics.register({ type: 'counter', name: PLATFORM_METRICS.ticksProcessed, labelNames: ['result'], description: 'Bot ticks taken off the bus and processed (result: decided, or why skipped)' });
  metrics.register({ type: 'counter', name: PLATFORM_METRICS.decisions, labelNames: ['signal', 'outcome'], description: 'Decisions recorded, by signal (buy, sell, hold) and outcome' });
  metrics.register({ type: 'counter', name: PLATFORM_METRICS.orderTransitions, labelNames: ['status'], description: 'Orders entering each state (submitted, filled, rejected, ...)' });
  metrics.register({ type: 'gauge', name: PLATFORM_METRICS.poolConnections, description: 'Postgres connections open in this process' });
  metrics.register({ type: 'gauge', name: PLATFORM_METRICS.poolIdle, description: 'Postgres connections idle in this process' });
  metrics.register({ type: 'gauge', name: PLATFORM_METRICS.poolWaiting, description: 'Queries waiting for a Postgres connection in this process' });
}

function count(broker: ServiceBroker, eventName: string, payload: unknown): void {
  const data = payload as { signal?: unknown; outcome?: unknown; status?: unknown } | undefined;
  if (eventName === EVENTS.decisionRecorded) broker.metrics.increment(PLATFORM_METRICS.decisions, { signal: String(data?.signal), outcome: String(data?.outcome) });
  else if (eventName === EVENTS.orderUpdated) broker.metrics.increment(PLATFORM_METRICS.orderTransitions, { status: String(data?.status) });
}

/** Registers the metrics and counts decisions and order transitions as they are emitted. */
export function platformMetricsMiddleware(): Middleware {
  let broker: ServiceBroker;
  const wrap = (next: (...args: any[]) => any) => (eventName: string, payload: unknown, options: unknown) => {
    if (broker.isMetricsEnabled()) count(broker, eventName, payload);
    return next(eventName, payload, options);
  };
  return {
    name: 'PlatformMetrics',
    created(created: ServiceBroker) {
      broker = created;
      if (broker.isMetricsEnabled()) register(broker);
    },
    emit: wrap,
    broadcast: wrap,
  } as unknown as Middleware;
}
