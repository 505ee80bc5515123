/**
 * The strategy service: consumes ticks from the bus (one bot at a time per partition) and
 * decides on each closed candle through the shared trading code; lists the strategy
 * catalog with parameter schemas; and runs users' backtests (strategy evaluation on
 * history) on worker threads, never on the event loop that serves the other actions.
 */
import { Errors, type Context, type ServiceSchema } from 'moleculer';
import { ACTION, ACTIONS, SERVICES } from '../../libs/contracts/actions.ts';
import { EVENTS, type DecisionRecordedEvent } from '../../libs/contracts/events.ts';
import { orderMessageId, STREAMS, type StreamPayloads, type TickMessage } from '../../libs/contracts/streams.ts';
import { DEFAULT_MAX_DELIVER, type Bus, type BusMessage, type ConsumeOptions, type Subscription } from '../../libs/bus/bus.ts';
import { Decimal } from '../../libs/domain/decimal.ts';
import type { DecisionBatchEntry, TradingRepository } from '../../libs/db/trading.repository.ts';
import { createBatcher } from '../../libs/platform/batcher.ts';
import type { MarketData } from '../../libs/market/market-data.ts';
import type { Clock } from '../../libs/platform/clock.ts';
import type { RiskVerdict } from '../../libs/risk/pre-trade-check.ts';
import { listStrategies } from '../../libs/strategies/registry.ts';
import { processTick, type TickPorts } from '../../libs/trading/tick-processor.ts';
import { PLATFORM_METRICS } from '../shared/platform-metrics.ts';
import { BacktestRunner, DEFAULT_BACKTEST_RUNNER_OPTIONS, type BacktestRunnerOptions } from '../../libs/backtest/backtest-runner.ts';
import { jobForRequest, resolveBacktestRequest, type BacktestDataContext, type BacktestInput, type BacktestRequest } from '../../libs/backtest/backtest-request.ts';
import type { BacktestWorkerPool } from '../../libs/backtest/worker-pool.ts';
import type { BacktestRepository } from '../../libs/db/backtest.repository.ts';
import { callerOf, type CallerMeta } from '../shared/caller.ts';
import { ERROR_CODES, invalidField, notFound } from '../shared/errors.ts';
import { backtestIdParams, createBacktestParams, listBacktestsParams } from './backtest-schemas.ts';
import { backtestChartActions } from './backtest-chart.ts';
import { backtestListItemView, backtestView } from './backtest-views.ts';

export interface StrategyServiceDeps {
  readonly bus: Bus<StreamPayloads>;
  readonly trading: TradingRepository;
  readonly marketData: MarketData;
  readonly clock: Clock;
  readonly newId: () => string;
  readonly consume?: ConsumeOptions;
  /** Backtests: where they are kept, the threads that run them (none: this replica only accepts them), and what data they may read. */
  readonly backtests: {
    readonly repository: BacktestRepository;
    readonly pool: BacktestWorkerPool | undefined;
    readonly data: BacktestDataContext;
    readonly runner?: Partial<BacktestRunnerOptions>;
  };
}

/** Backtests a user may have queued or running at once. */
export const MAX_UNFINISHED_BACKTESTS = 3;

/** A tick put back until the bot's earlier order settles (the bus redelivers it shortly). */
class OrdersOpenError extends Error {
  constructor(botId: string) {
    super(`bot ${botId} has an order still open: the tick waits for it to settle`);
    this.name = 'OrdersOpenError';
  }
}

/** The catalog entry of a strategy: its parameters as JSON Schema, for forms and docs. */
function catalogEntry(strategy: ReturnType<typeof listStrategies>[number]) {
  const properties = Object.fromEntries(
    Object.entries(strategy.parameters).map(([name, spec]) => [
      name,
      { type: spec.type, default: spec.default, minimum: spec.minimum, maximum: spec.maximum, description: spec.description },
    ]),
  );
  return {
    name: strategy.name,
    title: strategy.title,
    description: strategy.description,
    parameters: { type: 'object', properties, additionalProperties: false },
  };
}

export function createStrategyService(deps: StrategyServiceDeps): ServiceSchema {
  let subscription: Subscription | undefined;
  let runner: BacktestRunner | undefined;
  const backtests = deps.backtests;

  return {
    name: SERVICES.strategy,
    actions: {
      [ACTION.strategy.catalog]: {
        visibility: 'published',
        async handler() {
          return { items: listStrategies().map(catalogEntry) };
        },
      },
      [ACTION.strategy.createBacktest]: {
        params: createBacktestParams,
        async handler(ctx: Context<BacktestInput, CallerMeta>) {
          const caller = callerOf(ctx);
          const resolved = resolveBacktestRequest(ctx.params, backtests.data);
          if (resolved.kind === 'invalid') throw invalidField(resolved.field, resolved.message);
          if ((await backtests.repository.countUnfinished(caller.id)) >= MAX_UNFINISHED_BACKTESTS) {
            throw new Errors.MoleculerClientError(`you already have ${MAX_UNFINISHED_BACKTESTS} backtests queued or running; wait for one to finish`, 429, ERROR_CODES.rateLimited);
          }
          const row = await backtests.repository.create(deps.newId(), caller.id, { ...resolved.request }, new Date(deps.clock.now()));
          runner?.kick();
          return backtestView(row);
        },
      },
      [ACTION.strategy.getBacktest]: {
        params: backtestIdParams,
        async handler(ctx: Context<{ id: string }, CallerMeta>) {
          const row = await backtests.repository.findOwned(callerOf(ctx).id, ctx.params.id);
          if (!row) throw notFound('backtest');
          return backtestView(row);
        },
      },
      ...backtestChartActions({ repository: backtests.repository, data: backtests.data }),
      [ACTION.strategy.listBacktests]: {
        params: listBacktestsParams,
        async handler(ctx: Context<{ limit?: number }, CallerMeta>) {
          const rows = await backtests.repository.listOwned(callerOf(ctx).id, ctx.params.limit ?? 50);
          return { items: rows.map(backtestListItemView) };
        },
      },
    },
    async started() {
      const broker = this.broker;
      const logger = this.logger;
      // Partitions' handlers run at once: their reads and their order-free writes are served
      // together, a few set-based statements per batch instead of a dozen per tick. Each bot
      // is still fenced on its own; per-bot order and exclusivity come from the bus as before.
      const loadContext = createBatcher((botIds: readonly string[]) => deps.trading.loadContexts(botIds));
      const recordDecisions = createBatcher(async (entries: readonly DecisionBatchEntry[]) => {
        try {
          return await deps.trading.recordDecisionBatch(entries, new Date(deps.clock.now()));
        } catch (error) {
          // One bad entry must not fail its neighbours: each goes again on its own.
          logger.warn({ err: error, bots: entries.length }, 'batched decision write failed: writing each bot on its own');
          return Promise.all(entries.map((entry) => deps.trading.recordCandles(entry.botId, entry.expectedLast, entry.resumeFrom, entry.records, '', new Date(deps.clock.now()))));
        }
      });
      const handle = async (message: BusMessage<TickMessage>) => {
        const { botId, candleTime } = message.payload;
        const ports: TickPorts = {
          loadContext: (id) => loadContext(id),
          recordCandles: (id, expectedLast, resumeFrom, records, market, now) =>
            records.some((record) => record.order)
              ? deps.trading.recordCandles(id, expectedLast, resumeFrom, records, market, now)
              : recordDecisions({ botId: id, expectedLast, resumeFrom, records }),
          marketData: deps.marketData,
          approve: async (id, intent, price, candleTime) => {
            const verdict = await broker.call<{ kind: 'approved'; quantity: string } | { kind: 'denied'; reason: string }, object>(ACTIONS.risk.approve, { botId: id, side: intent.side, reason: intent.reason, price, candleTime });
            return (verdict.kind === 'approved' ? { kind: 'approved', quantity: new Decimal(verdict.quantity) } : verdict) satisfies RiskVerdict;
          },
          publishOrder: (id, orderId) => deps.bus.publish(STREAMS.orders, id, { botId: id, orderId }, orderMessageId(orderId)),
          failBot: async (id, reason) => {
            logger.warn({ botId: id, reason }, 'strategy cannot go on: stopping the bot');
            await broker.call(ACTIONS.bots.markFailed, { botId: id, reason });
          },
          working: () => message.working(),
          now: () => new Date(deps.clock.now()),
          newId: deps.newId,
        };
        // Until the bus's last try, a tick waits (by failing and being redelivered) for the
        // bot's open orders to settle, so the candle is decided on the position they made.
        const lastTry = message.deliveryCount >= (deps.consume?.maxDeliver ?? DEFAULT_MAX_DELIVER);
        const outcome = await processTick(botId, candleTime, ports, { waitForOpenOrders: !lastTry });
        broker.metrics.increment(PLATFORM_METRICS.ticksProcessed, { result: outcome.skipped ?? 'decided' });
        if (outcome.skipped === 'orders-open') throw new OrdersOpenError(botId);
        if (outcome.records.length === 0) return;
        const userId = outcome.userId;
        for (const record of outcome.records) {
          const event: DecisionRecordedEvent = { botId, userId, candleTime: new Date(record.candleTime).toISOString(), signal: record.signal, outcome: record.outcome };
          broker.emit(EVENTS.decisionRecorded, event);
        }
      };
      subscription = await deps.bus.consume(STREAMS.ticks, handle, deps.consume);
      if (backtests.pool) {
        runner = new BacktestRunner(
          {
            claimNext: (now, staleBefore) => backtests.repository.claimNext(now, staleBefore),
            heartbeat: (id, progress, now) => backtests.repository.heartbeat(id, progress, now),
            complete: (id, report, now) => backtests.repository.complete(id, { ...report }, now),
            fail: (id, error, now) => backtests.repository.fail(id, error, now),
            jobFor: (request) => jobForRequest(request as unknown as BacktestRequest, backtests.data),
            clock: deps.clock,
            logger,
          },
          backtests.pool,
          { ...DEFAULT_BACKTEST_RUNNER_OPTIONS, ...backtests.runner },
        );
        runner.start();
      }
    },
    async stopped() {
      await runner?.stop();
      await subscription?.stop();
    },
  };
}
