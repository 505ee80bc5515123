/**
 * Limits over all of a user's bots (daily loss, exposure per market), and the operator's
 * kill switch, each change recorded with who and why (the latest row is in force).
 */
import { defineEntity, p } from '@mikro-orm/core';
import type { KillSwitchMode } from '../../risk/kill-switch.ts';

export const UserRiskLimitsEntity = defineEntity({
  name: 'UserRiskLimits',
  tableName: 'user_risk_limits',
  properties: {
    userId: p.uuid().primary(),
    dailyLossLimit: p.decimal('string').precision(38).scale(18).nullable(),
    maxExposurePerMarket: p.decimal('string').precision(38).scale(18).nullable(),
    updatedAt: p.datetime(),
  },
});

export const KillSwitchChangeEntity = defineEntity({
  name: 'KillSwitchChange',
  tableName: 'kill_switch_changes',
  properties: {
    id: p.bigint('string').primary().autoincrement(),
    mode: p.string().length(16).$type<KillSwitchMode>(),
    reason: p.text(),
    /** The operator (a user id), or null for the REPL, which has no user. */
    changedBy: p.uuid().nullable(),
    /** Who, readable: an email or "repl@<host>". */
    changedByName: p.string().length(254),
    changedAt: p.datetime(),
  },
});

/** The last reconciliation of a live bot with its exchange; a failed one keeps the bot from trading. */
export const BotReconciliationEntity = defineEntity({
  name: 'BotReconciliation',
  tableName: 'bot_reconciliations',
  properties: {
    botId: p.uuid().primary(),
    ok: p.boolean(),
    reason: p.text().nullable(),
    checkedAt: p.datetime(),
  },
});
