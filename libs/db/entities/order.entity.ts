/** An order, committed before any exchange is called (intent first). */
import { defineEntity, p } from '@mikro-orm/core';
import type { OrderSide, OrderStatus, OrderType } from '../../domain/order.ts';

export const OrderEntity = defineEntity({
  name: 'Order',
  tableName: 'orders',
  properties: {
    id: p.uuid().primary(),
    botId: p.uuid(),
    clientOrderId: p.string().length(64).unique(),
    exchangeOrderId: p.string().length(128).nullable(),
    market: p.string().length(32),
    side: p.string().length(8).$type<OrderSide>(),
    type: p.string().length(16).$type<OrderType>(),
    quantity: p.decimal('string').precision(38).scale(18),
    referencePrice: p.decimal('string').precision(38).scale(18),
    candleTime: p.datetime(),
    reason: p.text(),
    status: p.string().length(20).$type<OrderStatus>(),
    filledQuantity: p.decimal('string').precision(38).scale(18),
    averageFillPrice: p.decimal('string').precision(38).scale(18).nullable(),
    fee: p.decimal('string').precision(38).scale(18),
    feeCurrency: p.string().length(16).nullable(),
    statusReason: p.text().nullable(),
    /** Times the order was sent to the exchange: above zero, it may exist there and is looked up before any resend. */
    submitAttempts: p.integer().default(0),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});
