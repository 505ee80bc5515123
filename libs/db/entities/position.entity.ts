/** A bot's current position in its market. */
import { defineEntity, p } from '@mikro-orm/core';

export const PositionEntity = defineEntity({
  name: 'Position',
  tableName: 'positions',
  properties: {
    botId: p.uuid().primary(),
    market: p.string().length(32),
    quantity: p.decimal('string').precision(38).scale(18),
    costBasis: p.decimal('string').precision(38).scale(18),
    realizedProfit: p.decimal('string').precision(38).scale(18),
    feesPaid: p.decimal('string').precision(38).scale(18),
    /** Close of the last candle the bot decided on: marks the position to market. */
    lastPrice: p.decimal('string').precision(38).scale(18).nullable(),
    /** Highest close since entry (the trailing stop follows it); null when flat. */
    peakPrice: p.decimal('string').precision(38).scale(18).nullable(),
    updatedAt: p.datetime(),
  },
});
