/**
 * A bot's trading state: the fence of its processing (last candle decided, sequence),
 * paper balances and daily counters. Only the bot's own partition worker writes it.
 */
import { defineEntity, p } from '@mikro-orm/core';

export const BotStateEntity = defineEntity({
  name: 'BotState',
  tableName: 'bot_states',
  properties: {
    botId: p.uuid().primary(),
    /** Moves forward by one with every processed candle, in the same transaction as its effect. */
    sequence: p.bigint('number'),
    lastCandleTime: p.datetime().nullable(),
    /** First candle to decide after a (re)start; null until the first tick after a start. */
    resumeFrom: p.datetime().nullable(),
    quoteBalance: p.decimal('string').precision(38).scale(18),
    baseBalance: p.decimal('string').precision(38).scale(18),
    tradingDay: p.string().length(10).nullable(),
    tradesToday: p.integer(),
    realizedProfitToday: p.decimal('string').precision(38).scale(18),
    updatedAt: p.datetime(),
  },
});
