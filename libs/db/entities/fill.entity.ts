/** One execution of an order; unique per (order, exchange trade id), so no fill counts twice. */
import { defineEntity, p } from '@mikro-orm/core';
import type { OrderSide } from '../../domain/order.ts';

export const FillEntity = defineEntity({
  name: 'Fill',
  tableName: 'fills',
  uniques: [{ properties: ['orderId', 'tradeId'] }],
  properties: {
    id: p.uuid().primary(),
    orderId: p.uuid(),
    botId: p.uuid(),
    tradeId: p.string().length(128),
    side: p.string().length(8).$type<OrderSide>(),
    price: p.decimal('string').precision(38).scale(18),
    quantity: p.decimal('string').precision(38).scale(18),
    fee: p.decimal('string').precision(38).scale(18),
    feeCurrency: p.string().length(16),
    realizedProfit: p.decimal('string').precision(38).scale(18),
    executedAt: p.datetime(),
    createdAt: p.datetime(),
  },
});
