/**
 * A user's backtest: what was asked, where it stands, and its report once done. Runs are
 * claimed from this table by any strategy service replica (the table is the queue), and
 * a run whose heartbeat stops (its process died) is claimed again.
 */
import { defineEntity, p } from '@mikro-orm/core';

export const BACKTEST_STATUSES = ['queued', 'running', 'completed', 'failed'] as const;
export type BacktestStatus = (typeof BACKTEST_STATUSES)[number];

export const BacktestEntity = defineEntity({
  name: 'Backtest',
  tableName: 'backtests',
  indexes: [{ properties: ['userId', 'createdAt'] }],
  properties: {
    id: p.uuid().primary(),
    userId: p.uuid(),
    status: p.string().length(16).$type<BacktestStatus>(),
    /** The request as accepted (strategy, parameters, data, costs, risk). */
    request: p.json<Record<string, unknown>>(),
    /** Share of candles done, 0 to 1. */
    progress: p.double(),
    result: p.json<Record<string, unknown>>().nullable(),
    error: p.text().nullable(),
    /** Runs started; a run that keeps dying is given up. */
    attempts: p.integer(),
    createdAt: p.datetime(),
    startedAt: p.datetime().nullable(),
    /** Last sign of life of the running worker. */
    heartbeatAt: p.datetime().nullable(),
    finishedAt: p.datetime().nullable(),
  },
});
