/**
 * The execution service: consumes committed orders from the bus (its own stream, so
 * orders never queue behind ticks), places them on the bot's exchange and records fills,
 * position and profit. A sweep re-publishes orders committed but never handed over (the
 * database is the outbox), so a crash between commit and publish loses no order.
 */
import type { ServiceBroker, ServiceSchema } from 'moleculer';

type LoggerInstance = ServiceBroker['logger'];
import { ACTION, ACTIONS, SERVICES } from '../../libs/contracts/actions.ts';
import { EVENTS, type FillRecordedEvent, type OrderUpdatedEvent } from '../../libs/contracts/events.ts';
import type { ExchangeAccountRepository } from '../../libs/db/exchange-account.repository.ts';
import type { RiskRepository } from '../../libs/db/risk.repository.ts';
import { reconcileLiveTrading } from '../../libs/trading/reconciliation.ts';
import type { LiveOrderPorts, OrderOutcome } from '../../libs/trading/order-processor.ts';
import { exchangeAccountActions } from './exchange-accounts.ts';
import { killSwitchDenial } from '../../libs/risk/kill-switch.ts';
import { STREAMS, type OrderMessage, type StreamPayloads } from '../../libs/contracts/streams.ts';
import type { Bus, BusMessage, ConsumeOptions, Subscription } from '../../libs/bus/bus.ts';
import type { TradingRepository } from '../../libs/db/trading.repository.ts';
import type { ExchangeRegistry } from '../../libs/exchange/exchange-registry.ts';
import type { Clock } from '../../libs/platform/clock.ts';
import { processOrder } from '../../libs/trading/order-processor.ts';

export interface ExecutionServiceDeps {
  readonly bus: Bus<StreamPayloads>;
  readonly trading: TradingRepository;
  readonly risk: RiskRepository;
  readonly exchanges: ExchangeRegistry;
  /** Undefined when exchange accounts are disabled (no key seals secrets). */
  readonly accounts: ExchangeAccountRepository | undefined;
  readonly clock: Clock;
  readonly newId: () => string;
  /** How often to look for orders committed but not handed to execution. */
  readonly sweepIntervalMs?: number;
  /** How old an unsubmitted order must be before the sweep re-publishes it. */
  readonly sweepAfterMs?: number;
  /** How often live orders and bots are reconciled with their exchanges. */
  readonly reconcileIntervalMs?: number;
  readonly consume?: ConsumeOptions;
}

/** Metrics of execution (Prometheus through issue 6's reporter when enabled). */
export const EXECUTION_METRICS = {
  orders: 'tradebot.execution.orders',
  reconcileFailures: 'tradebot.execution.reconcile.failed_bots',
} as const;

/** What the live order flow needs from the database and the bots service. */
function livePortsFor(deps: ExecutionServiceDeps, logger: LoggerInstance, broker: ServiceBroker): LiveOrderPorts {
  return {
    applyReport: (...args) => deps.trading.applyReport(...args),
    claimSubmission: (...args) => deps.trading.claimSubmission(...args),
    knownExchangeOrderIds: async (botId) => {
      const context = await deps.trading.loadContext(botId);
      return context?.bot.exchangeAccountId ? deps.trading.knownExchangeOrderIds(context.bot.exchangeAccountId) : new Set<string>();
    },
    pauseBot: async (botId, reason) => {
      logger.warn({ botId, reason }, 'pausing a bot that cannot go on');
      await broker.call(ACTIONS.bots.markPaused, { botId, reason });
    },
    refused: (orderId, reason) => logger.warn({ orderId, reason }, 'order state machine refused a transition; status kept'),
  };
}

export function createExecutionService(deps: ExecutionServiceDeps): ServiceSchema {
  const livePorts = (logger: LoggerInstance, broker: ServiceBroker) => livePortsFor(deps, logger, broker);
  let subscription: Subscription | undefined;
  let sweepTimer: NodeJS.Timeout | undefined;
  let reconcileTimer: NodeJS.Timeout | undefined;
  let reconciling: Promise<unknown> | undefined;
  const sweepIntervalMs = deps.sweepIntervalMs ?? 10_000;
  const sweepAfterMs = deps.sweepAfterMs ?? 10_000;
  const reconcileIntervalMs = deps.reconcileIntervalMs ?? 15_000;
  const now = () => new Date(deps.clock.now());

  let logger: LoggerInstance | undefined;
  let broker: ServiceBroker | undefined;

  async function publishOutcome(outcome: OrderOutcome): Promise<void> {
    const order = outcome.order;
    if (!broker || !order || outcome.status === 'already-processed' || outcome.status === 'missing') return;
    const userId = await deps.trading.ownerOf(order.botId);
    if (userId === undefined) return;
    const updated: OrderUpdatedEvent = { botId: order.botId, userId, orderId: order.id, status: outcome.status };
    broker.emit(EVENTS.orderUpdated, updated);
    broker.metrics.increment(EXECUTION_METRICS.orders, { status: outcome.status });
    for (const { fill } of outcome.fills) {
      const event: FillRecordedEvent = { botId: order.botId, userId, orderId: order.id, side: fill.side, price: fill.price.toFixed(), quantity: fill.quantity.toFixed() };
      broker.emit(EVENTS.fillRecorded, event);
    }
  }

  /** One reconciliation pass at a time; a caller arriving during one waits for it. */
  function reconcileNow(): Promise<unknown> {
    if (!logger || !broker) return Promise.resolve(undefined);
    const log = logger;
    reconciling ??= reconcileLiveTrading({
      ordersToReconcile: () => deps.trading.ordersToReconcile(),
      liveBots: () => deps.trading.liveBots(),
      openOrdersOf: (botId) => deps.trading.openOrdersOf(botId),
      knownClientOrderIds: (ids) => deps.trading.knownClientOrderIds(ids),
      findOrder: (id) => deps.trading.findOrder(id),
      clientForAccount: (id) => deps.exchanges.clientForAccount(id),
      recordReconciliation: (botId, outcome, at) => deps.risk.recordReconciliation(botId, outcome, at),
      live: livePorts(log, broker),
      now,
      onOutcome: (outcome) => void publishOutcome(outcome),
      onStray: (accountId, market, clientOrderId) => log.warn({ accountId, market, clientOrderId }, 'an open exchange order carries our client order id prefix but no order row knows it'),
    }).then((summary) => {
      broker?.metrics.set(EXECUTION_METRICS.reconcileFailures, summary.failed.size);
      if (summary.failed.size > 0) log.warn({ failed: Object.fromEntries(summary.failed) }, 'reconciliation failed for some bots: they do not trade until it succeeds');
      return { orders: summary.orders, bots: summary.bots, failed: summary.failed.size };
    }).finally(() => {
      reconciling = undefined;
    });
    return reconciling;
  }

  return {
    name: SERVICES.execution,
    actions: {
      ...exchangeAccountActions({ accounts: deps.accounts, exchanges: deps.exchanges, clock: deps.clock, newId: deps.newId }),
      [ACTION.execution.reconcile]: {
        visibility: 'public',
        async handler() {
          return reconcileNow();
        },
      },
    },
    async started() {
      logger = this.logger;
      broker = this.broker;
      this.broker.metrics.register({ type: 'counter', name: EXECUTION_METRICS.orders, labelNames: ['status'], description: 'Order state changes recorded by execution, by the status reached' });
      this.broker.metrics.register({ type: 'gauge', name: EXECUTION_METRICS.reconcileFailures, description: 'Live bots whose last reconciliation with their exchange failed (they do not trade)' });
      const log = this.logger;
      const live = livePorts(this.logger, this.broker);
      const handle = async (message: BusMessage<OrderMessage>) => {
        const outcome = await processOrder(message.payload.orderId, {
          findOrder: (id) => deps.trading.findOrder(id),
          exchangeFor: async (botId) => {
            const context = await deps.trading.loadContext(botId);
            if (!context) throw new Error(`bot ${botId} of order ${message.payload.orderId} is missing`);
            if (context.bot.exchangeAccountId) return deps.exchanges.clientForAccount(context.bot.exchangeAccountId);
            return deps.exchanges.venueFor(context.bot.exchange).client;
          },
          applySubmission: (...args) => deps.trading.applySubmission(...args),
          now,
          haltedReason: async () => {
            const killSwitch = await deps.risk.killSwitch();
            return killSwitch.mode === 'all' ? killSwitchDenial('all', 'buy', killSwitch.reason) : undefined;
          },
          live,
        });
        const order = outcome.order;
        if (!order || outcome.status === 'already-processed' || outcome.status === 'missing') return;
        log.info({ botId: order.botId, orderId: order.id, status: outcome.status, fills: outcome.fills.length }, 'order placed');
        await publishOutcome(outcome);
      };
      // Reconcile before taking orders: a bot starts trading on what the exchange says.
      await reconcileNow().catch((error: unknown) => log.error({ err: error }, 'reconciliation at start failed'));
      subscription = await deps.bus.consume(STREAMS.orders, handle, deps.consume);
      const sweep = async () => {
        try {
          const stale = await deps.trading.unsubmittedOrders(new Date(deps.clock.now() - sweepAfterMs));
          for (const order of stale) {
            // A fresh message id per sweep: the first publish may still sit in the dedupe window.
            await deps.bus.publish(STREAMS.orders, order.botId, { botId: order.botId, orderId: order.id }, `order:${order.id}:sweep:${deps.clock.now()}`);
          }
          if (stale.length > 0) log.warn({ orders: stale.length }, 're-published orders that were committed but never handed to execution');
        } catch (error) {
          log.error({ err: error }, 'order sweep failed');
        }
      };
      await sweep();
      sweepTimer = setInterval(() => void sweep(), sweepIntervalMs);
      sweepTimer.unref();
      reconcileTimer = setInterval(() => void reconcileNow().catch((error: unknown) => log.error({ err: error }, 'reconciliation failed')), reconcileIntervalMs);
      reconcileTimer.unref();
    },
    async stopped() {
      if (sweepTimer) clearInterval(sweepTimer);
      if (reconcileTimer) clearInterval(reconcileTimer);
      await reconciling?.catch(() => undefined);
      await subscription?.stop();
    },
  };
}
