/**
 * Places a committed order on its exchange and records the outcome. The order row exists
 * (state pending_submit, deterministic client order id) before the exchange is called;
 * the outcome is applied only if the order is still pending, so a redelivered message
 * or a second worker never applies it twice.
 */
import { Decimal } from '../domain/decimal.ts';
import type { Fill } from '../domain/order.ts';
import type { ExchangeClient } from '../exchange/exchange-client.ts';
import type { OrderRow } from '../db/trading.repository.ts';
import type { OrderStatus } from '../domain/order.ts';

export interface OrderPorts {
  findOrder(orderId: string): Promise<OrderRow | null>;
  exchangeFor(botId: string): Promise<ExchangeClient>;
  applySubmission(orderId: string, report: { exchangeOrderId: string; status: OrderStatus; fills: readonly Fill[]; statusReason?: string }, now: Date): Promise<{ applied: boolean; fills: { fill: Fill; realizedProfit: Decimal }[] }>;
  now(): Date;
}

export interface OrderOutcome {
  readonly status: OrderStatus | 'missing' | 'already-processed';
  readonly fills: readonly { fill: Fill; realizedProfit: Decimal }[];
  readonly order?: OrderRow;
}

export async function processOrder(orderId: string, ports: OrderPorts): Promise<OrderOutcome> {
  const order = await ports.findOrder(orderId);
  if (!order) return { status: 'missing', fills: [] };
  if (order.status !== 'pending_submit') return { status: 'already-processed', fills: [], order };
  const exchange = await ports.exchangeFor(order.botId);
  const report = await exchange.createOrder({
    clientOrderId: order.clientOrderId,
    symbol: order.market,
    side: order.side,
    type: order.type,
    quantity: new Decimal(order.quantity),
    referencePrice: new Decimal(order.referencePrice),
    requestedAt: order.candleTime.getTime(),
  });
  const result = await ports.applySubmission(orderId, report, ports.now());
  if (!result.applied) return { status: 'already-processed', fills: [], order };
  return { status: report.status, fills: result.fills, order };
}
