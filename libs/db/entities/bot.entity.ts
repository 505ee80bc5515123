/** A user's trading bot: its configuration and lifecycle status. */
import { defineEntity, p } from '@mikro-orm/core';
import type { BotStatus } from '../../domain/bot-lifecycle.ts';
import type { Timeframe } from '../../domain/timeframe.ts';
import type { StopPolicy } from '../../execution/stop-policy.ts';
import type { RiskSettingsRecord } from '../../risk/risk-settings.ts';

export const BotEntity = defineEntity({
  name: 'Bot',
  tableName: 'bots',
  properties: {
    id: p.uuid().primary(),
    userId: p.uuid().index(),
    name: p.string().length(100),
    exchange: p.string().length(64),
    marketSource: p.string().length(64),
    market: p.string().length(32),
    timeframe: p.string().length(8).$type<Timeframe>(),
    strategyName: p.string().length(64),
    strategyParams: p.json<Record<string, number>>(),
    risk: p.json<RiskSettingsRecord>(),
    initialBalance: p.decimal('string').precision(38).scale(18),
    /** The user's exchange account the bot trades on; null: paper trading. */
    exchangeAccountId: p.uuid().nullable(),
    /** On stop: cancel the bot's open orders on the exchange, or leave them. */
    stopPolicy: p.string().length(16).$type<StopPolicy>().default('cancel-orders'),
    status: p.string().length(16).$type<BotStatus>(),
    statusReason: p.text().nullable(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});
