/**
 * Users' backtests, and the queue of them: any strategy service replica claims the oldest
 * queued run (rows locked with SKIP LOCKED, so two replicas never claim one), heartbeats
 * while it runs, and records the report or the failure. A run whose heartbeat stopped
 * (its process died) is claimed again, up to a limit. Every read by a user is scoped by
 * the owner's id: another user's backtest is indistinguishable from a missing one.
 */
import type { InferEntity } from '@mikro-orm/core';
import type { Database } from './database.ts';
import { BacktestEntity, type BacktestStatus } from './entities/backtest.entity.ts';

export type BacktestRow = InferEntity<typeof BacktestEntity>;

/** A backtest without its report, as lists show it. */
export interface BacktestSummaryRow {
  readonly id: string;
  readonly userId: string;
  readonly status: BacktestStatus;
  readonly request: Record<string, unknown>;
  readonly progress: number;
  readonly error: string | null;
  readonly createdAt: Date;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
  /** The report's metrics once completed (the rest of the report, trades and equity, is left out). */
  readonly metrics: Record<string, unknown> | null;
}

/** A run handed to a replica: what to run and how many times it was started. */
export interface ClaimedBacktest {
  readonly id: string;
  readonly userId: string;
  readonly request: Record<string, unknown>;
  readonly attempts: number;
}

const UNFINISHED: BacktestStatus[] = ['queued', 'running'];

export class BacktestRepository {
  readonly #database: Database;
  constructor(database: Database) {
    this.#database = database;
  }

  async create(id: string, userId: string, request: Record<string, unknown>, now: Date): Promise<BacktestRow> {
    const em = this.#database.em();
    const row = em.create(BacktestEntity, {
      id, userId, status: 'queued', request, progress: 0, result: null, error: null, attempts: 0,
      createdAt: now, startedAt: null, heartbeatAt: null, finishedAt: null,
    });
    await em.flush();
    return row;
  }

  async findOwned(userId: string, id: string): Promise<BacktestRow | null> {
    return this.#database.em().findOne(BacktestEntity, { id, userId });
  }

  /** The user's backtests, newest first, with their metrics but not the rest of their reports (a list stays small). */
  async listOwned(userId: string, limit: number): Promise<BacktestSummaryRow[]> {
    const em = this.#database.em();
    const rows = await em.find(BacktestEntity, { userId }, { orderBy: { createdAt: 'desc', id: 'desc' }, limit, exclude: ['result'] });
    const completed = rows.filter((row) => row.status === 'completed').map((row) => row.id);
    // Only the metrics leave the database: a report's trades and equity curve stay behind.
    const metrics = completed.length === 0 ? [] : await em.getConnection().execute<{ id: string; metrics: Record<string, unknown> | string | null }[]>(
      `select id, result -> 'metrics' as metrics from backtests where id in (${completed.map(() => '?').join(', ')})`, completed);
    const metricsById = new Map(metrics.map((row) => [row.id, typeof row.metrics === 'string' ? (JSON.parse(row.metrics) as Record<string, unknown>) : row.metrics]));
    return rows.map((row) => ({
      id: row.id, userId: row.userId, status: row.status, request: row.request, progress: Number(row.progress), error: row.error ?? null,
      createdAt: row.createdAt, startedAt: row.startedAt ?? null, finishedAt: row.finishedAt ?? null, metrics: metricsById.get(row.id) ?? null,
    }));
  }

  async countUnfinished(userId: string): Promise<number> {
    return this.#database.em().count(BacktestEntity, { userId, status: { $in: UNFINISHED } });
  }

  /**
   * Claims the oldest run that is queued, or running with a heartbeat older than
   * `staleBefore` (its worker died). Returns undefined when there is none.
   */
  async claimNext(now: Date, staleBefore: Date): Promise<ClaimedBacktest | undefined> {
    return this.#database.em().transactional(async (em) => {
      const rows = await em.getConnection().execute<{ id: string }[]>(
        `select id from backtests
          where status = 'queued' or (status = 'running' and heartbeat_at < ?)
          order by created_at, id limit 1 for update skip locked`,
        [staleBefore],
        'all',
        em.getTransactionContext(),
      );
      const id = rows[0]?.id;
      if (id === undefined) return undefined;
      const row = await em.findOneOrFail(BacktestEntity, { id });
      row.status = 'running';
      row.attempts += 1;
      row.progress = 0;
      row.startedAt = now;
      row.heartbeatAt = now;
      return { id: row.id, userId: row.userId, request: row.request, attempts: row.attempts };
    });
  }

  /** Records progress and that the worker lives; false when the run is no longer running here. */
  async heartbeat(id: string, progress: number, now: Date): Promise<boolean> {
    const updated = await this.#database.em().nativeUpdate(BacktestEntity, { id, status: 'running' }, { progress: Math.min(1, Math.max(0, progress)), heartbeatAt: now });
    return updated === 1;
  }

  async complete(id: string, result: Record<string, unknown>, now: Date): Promise<void> {
    await this.#database.em().nativeUpdate(BacktestEntity, { id, status: 'running' }, { status: 'completed', progress: 1, result, error: null, heartbeatAt: now, finishedAt: now });
  }

  async fail(id: string, error: string, now: Date): Promise<void> {
    await this.#database.em().nativeUpdate(BacktestEntity, { id, status: { $in: UNFINISHED } }, { status: 'failed', error, heartbeatAt: now, finishedAt: now });
  }
}
