/**
 * One processed candle of one bot: what the strategy said, the indicator values behind
 * it, and what came of it. Unique per (bot, candle): the database refuses a second.
 */
import { defineEntity, p } from '@mikro-orm/core';

export const DECISION_OUTCOMES = ['hold', 'ordered', 'denied', 'skipped', 'no-data'] as const;
export type DecisionOutcome = (typeof DECISION_OUTCOMES)[number];

export const DecisionEntity = defineEntity({
  name: 'Decision',
  tableName: 'decisions',
  uniques: [{ properties: ['botId', 'candleTime'] }],
  properties: {
    id: p.bigint('string').primary().autoincrement(),
    botId: p.uuid(),
    candleTime: p.datetime(),
    signal: p.string().length(8),
    price: p.decimal('string').precision(38).scale(18).nullable(),
    indicators: p.json<Record<string, number | null>>(),
    outcome: p.string().length(16).$type<DecisionOutcome>(),
    reason: p.text(),
    orderId: p.uuid().nullable(),
    createdAt: p.datetime(),
  },
});
