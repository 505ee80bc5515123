/**
 * The execution service: consumes committed orders from the bus (its own stream, so
 * orders never queue behind ticks), places them on the bot's exchange and records fills,
 * position and profit. A sweep re-publishes orders committed but never handed over (the
 * database is the outbox), so a crash between commit and publish loses no order.
 */
import type { ServiceSchema } from 'moleculer';
import { SERVICES } from '../../libs/contracts/actions.ts';
import { EVENTS, type FillRecordedEvent, type OrderUpdatedEvent } from '../../libs/contracts/events.ts';
import { STREAMS, type OrderMessage, type StreamPayloads } from '../../libs/contracts/streams.ts';
import type { Bus, BusMessage, ConsumeOptions, Subscription } from '../../libs/bus/bus.ts';
import type { TradingRepository } from '../../libs/db/trading.repository.ts';
import type { ExchangeRegistry } from '../../libs/exchange/exchange-registry.ts';
import type { Clock } from '../../libs/platform/clock.ts';
import { processOrder } from '../../libs/trading/order-processor.ts';

export interface ExecutionServiceDeps {
  readonly bus: Bus<StreamPayloads>;
  readonly trading: TradingRepository;
  readonly exchanges: ExchangeRegistry;
  readonly clock: Clock;
  /** How often to look for orders committed but not handed to execution. */
  readonly sweepIntervalMs?: number;
  /** How old an unsubmitted order must be before the sweep re-publishes it. */
  readonly sweepAfterMs?: number;
  readonly consume?: ConsumeOptions;
}

export function createExecutionService(deps: ExecutionServiceDeps): ServiceSchema {
  let subscription: Subscription | undefined;
  let sweepTimer: NodeJS.Timeout | undefined;
  const sweepIntervalMs = deps.sweepIntervalMs ?? 10_000;
  const sweepAfterMs = deps.sweepAfterMs ?? 10_000;

  return {
    name: SERVICES.execution,
    async started() {
      const broker = this.broker;
      const logger = this.logger;
      const handle = async (message: BusMessage<OrderMessage>) => {
        const outcome = await processOrder(message.payload.orderId, {
          findOrder: (id) => deps.trading.findOrder(id),
          exchangeFor: async (botId) => {
            const context = await deps.trading.loadContext(botId);
            if (!context) throw new Error(`bot ${botId} of order ${message.payload.orderId} is missing`);
            return deps.exchanges.venueFor(context.bot.exchange).client;
          },
          applySubmission: (...args) => deps.trading.applySubmission(...args),
          now: () => new Date(deps.clock.now()),
        });
        const order = outcome.order;
        if (!order || outcome.status === 'already-processed' || outcome.status === 'missing') return;
        logger.info({ botId: order.botId, orderId: order.id, status: outcome.status, fills: outcome.fills.length }, 'order placed');
        const userId = await deps.trading.ownerOf(order.botId);
        if (userId === undefined) return;
        const updated: OrderUpdatedEvent = { botId: order.botId, userId, orderId: order.id, status: outcome.status };
        broker.emit(EVENTS.orderUpdated, updated);
        for (const { fill } of outcome.fills) {
          const event: FillRecordedEvent = { botId: order.botId, userId, orderId: order.id, side: fill.side, price: fill.price.toFixed(), quantity: fill.quantity.toFixed() };
          broker.emit(EVENTS.fillRecorded, event);
        }
      };
      subscription = await deps.bus.consume(STREAMS.orders, handle, deps.consume);
      const sweep = async () => {
        try {
          const stale = await deps.trading.unsubmittedOrders(new Date(deps.clock.now() - sweepAfterMs));
          for (const order of stale) {
            // A fresh message id per sweep: the first publish may still sit in the dedupe window.
            await deps.bus.publish(STREAMS.orders, order.botId, { botId: order.botId, orderId: order.id }, `order:${order.id}:sweep:${deps.clock.now()}`);
          }
          if (stale.length > 0) logger.warn({ orders: stale.length }, 're-published orders that were committed but never handed to execution');
        } catch (error) {
          logger.error({ err: error }, 'order sweep failed');
        }
      };
      await sweep();
      sweepTimer = setInterval(() => void sweep(), sweepIntervalMs);
      sweepTimer.unref();
    },
    async stopped() {
      if (sweepTimer) clearInterval(sweepTimer);
      await subscription?.stop();
    },
  };
}
