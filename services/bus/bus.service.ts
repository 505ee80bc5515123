/**
 * The bus service: the scaling signals and the dead letters of the bus, for operators.
 * `bus.lag` gives per-partition pending and in-flight counts and per-stream throughput;
 * the same figures are Moleculer metrics (gauges, refreshed every few seconds), so a
 * Prometheus reporter exports them and an autoscaler can scale strategy and execution
 * replicas on them. Dead letters can be listed, replayed and removed (admin only when
 * reached through the gateway). Runs in every process that runs bus work.
 */
import type { Context, ServiceSchema } from 'moleculer';
import type { Bus, PartitionLag, StreamStats } from '../../libs/bus/bus.ts';
import { ACTION, SERVICES } from '../../libs/contracts/actions.ts';
import type { StreamPayloads } from '../../libs/contracts/streams.ts';
import type { Clock } from '../../libs/platform/clock.ts';
import { assertAdmin, type CallerMeta } from '../shared/caller.ts';
import { notFound } from '../shared/errors.ts';

export interface BusServiceDeps {
  readonly bus: Bus<StreamPayloads>;
  readonly clock: Clock;
  /** How often the metrics are refreshed from the bus. */
  readonly metricsIntervalMs?: number;
}

/** Metric names, declared once (Prometheus names them `tradebot_bus_...`). */
export const BUS_METRICS = {
  pending: 'tradebot.bus.partition.pending',
  inFlight: 'tradebot.bus.partition.in_flight',
  streamPending: 'tradebot.bus.stream.pending',
  published: 'tradebot.bus.stream.published',
  throughput: 'tradebot.bus.stream.messages_per_second',
} as const;

export interface StreamThroughput {
  readonly stream: string;
  readonly published: number;
  /** Messages per second published since the previous reading (0 on the first). */
  readonly perSecond: number;
}

export interface BusLagReport {
  readonly bus: Bus['kind'];
  readonly partitions: number;
  readonly lag: readonly PartitionLag[];
  readonly streams: readonly (StreamThroughput & { readonly pending: number; readonly inFlight: number })[];
}

/** Pure: throughput from two readings of the streams' publish counters. */
export function throughputOf(previous: ReadonlyMap<string, { published: number; at: number }>, current: readonly StreamStats[], now: number): StreamThroughput[] {
  return current.map(({ stream, published }) => {
    const before = previous.get(stream);
    const seconds = before ? (now - before.at) / 1_000 : 0;
    return { stream, published, perSecond: before && seconds > 0 ? Math.max(0, published - before.published) / seconds : 0 };
  });
}

const deadLetterParams = { id: { type: 'string', min: 1, max: 40 } } as const;

export function createBusService(deps: BusServiceDeps): ServiceSchema {
  const readings = new Map<string, { published: number; at: number }>();
  let timer: NodeJS.Timeout | undefined;
  const intervalMs = deps.metricsIntervalMs ?? 5_000;

  async function report(): Promise<BusLagReport> {
    const [lag, stats] = await Promise.all([deps.bus.lag(), deps.bus.streamStats()]);
    const now = deps.clock.now();
    const throughput = throughputOf(readings, stats, now);
    for (const { stream, published } of stats) readings.set(stream, { published, at: now });
    return {
      bus: deps.bus.kind,
      partitions: deps.bus.partitions,
      lag,
      streams: throughput.map((entry) => ({
        ...entry,
        pending: lag.filter((row) => row.stream === entry.stream).reduce((sum, row) => sum + row.pending, 0),
        inFlight: lag.filter((row) => row.stream === entry.stream).reduce((sum, row) => sum + row.inFlight, 0),
      })),
    };
  }

  return {
    name: SERVICES.bus,
    actions: {
      [ACTION.bus.lag]: {
        async handler(ctx: Context<unknown, CallerMeta>) {
          // From the REPL or another service: no user. Through the gateway: admins only.
          if (ctx.meta.user) assertAdmin(ctx);
          return report();
        },
      },
      [ACTION.bus.deadLetters]: {
        params: { stream: { type: 'string', optional: true, max: 40 }, limit: { type: 'number', integer: true, min: 1, max: 1_000, optional: true, convert: true } },
        async handler(ctx: Context<{ stream?: string; limit?: number }, CallerMeta>) {
          if (ctx.meta.user) assertAdmin(ctx);
          return { items: await deps.bus.deadLetters(ctx.params.stream, ctx.params.limit ?? 100) };
        },
      },
      [ACTION.bus.replayDeadLetter]: {
        params: deadLetterParams,
        async handler(ctx: Context<{ id: string }, CallerMeta>) {
          if (ctx.meta.user) assertAdmin(ctx);
          if (!(await deps.bus.replayDeadLetter(ctx.params.id))) throw notFound('dead letter');
          return { id: ctx.params.id, replayed: true };
        },
      },
      [ACTION.bus.removeDeadLetter]: {
        params: deadLetterParams,
        async handler(ctx: Context<{ id: string }, CallerMeta>) {
          if (ctx.meta.user) assertAdmin(ctx);
          if (!(await deps.bus.removeDeadLetter(ctx.params.id))) throw notFound('dead letter');
          return { id: ctx.params.id, removed: true };
        },
      },
    },
    async started() {
      const metrics = this.broker.metrics;
      metrics.register({ type: 'gauge', name: BUS_METRICS.pending, labelNames: ['stream', 'partition'], description: 'Bus messages published and not yet delivered, per partition' });
      metrics.register({ type: 'gauge', name: BUS_METRICS.inFlight, labelNames: ['stream', 'partition'], description: 'Bus messages delivered and not yet acked, per partition' });
      metrics.register({ type: 'gauge', name: BUS_METRICS.streamPending, labelNames: ['stream'], description: 'Bus messages waiting on a stream (all partitions)' });
      metrics.register({ type: 'gauge', name: BUS_METRICS.published, labelNames: ['stream'], description: 'Bus messages published on a stream since it was created' });
      metrics.register({ type: 'gauge', name: BUS_METRICS.throughput, labelNames: ['stream'], description: 'Bus messages published per second on a stream' });
      const logger = this.logger;
      /** Partitions that had lag at the last refresh: set back to 0 once drained. */
      let lagging = new Set<string>();
      const refresh = async () => {
        try {
          const current = await report();
          const now = new Set<string>();
          for (const row of current.lag) {
            now.add(`${row.stream}|${row.partition}`);
            metrics.set(BUS_METRICS.pending, row.pending, { stream: row.stream, partition: row.partition });
            metrics.set(BUS_METRICS.inFlight, row.inFlight, { stream: row.stream, partition: row.partition });
          }
          for (const key of lagging) {
            if (now.has(key)) continue;
            const [stream, partition] = key.split('|');
            metrics.set(BUS_METRICS.pending, 0, { stream, partition: Number(partition) });
            metrics.set(BUS_METRICS.inFlight, 0, { stream, partition: Number(partition) });
          }
          lagging = now;
          for (const stream of current.streams) {
            metrics.set(BUS_METRICS.streamPending, stream.pending, { stream: stream.stream });
            metrics.set(BUS_METRICS.published, stream.published, { stream: stream.stream });
            metrics.set(BUS_METRICS.throughput, stream.perSecond, { stream: stream.stream });
          }
        } catch (error) {
          logger.warn({ err: error }, 'could not read bus lag for the metrics');
        }
      };
      timer = setInterval(() => void refresh(), intervalMs);
      timer.unref();
    },
    async stopped() {
      clearInterval(timer);
    },
  };
}
