/**
 * What risk reads beyond a bot's own context: the kill switch, a user's limits across
 * bots and where the user stands against them, the bot's recent exits (protections) and
 * its last reconciliation with the exchange. Every read is a query, so every replica
 * sees a change the moment it commits.
 */
import { Decimal, ZERO } from '../domain/decimal.ts';
import { utcDay } from '../domain/timeframe.ts';
import type { AccountLimits, AccountStanding } from '../risk/account-limits.ts';
import type { KillSwitchMode } from '../risk/kill-switch.ts';
import type { ClosedExit } from '../risk/protections.ts';
import type { Database } from './database.ts';
import { BotReconciliationEntity, KillSwitchChangeEntity, UserRiskLimitsEntity } from './entities/risk-limits.entity.ts';

export interface KillSwitchState {
  readonly mode: KillSwitchMode;
  readonly reason: string | null;
  readonly changedBy: string | null;
  readonly changedAt: Date | null;
}

/** Exits looked at by protections, newest first: far more than any lookback needs. */
const RECENT_EXITS = 500;

export class RiskRepository {
  readonly #database: Database;
  constructor(database: Database) {
    this.#database = database;
  }

  async killSwitch(): Promise<KillSwitchState> {
    const [latest] = await this.#database.em().find(KillSwitchChangeEntity, {}, { orderBy: { id: 'desc' }, limit: 1 });
    if (!latest) return { mode: 'off', reason: null, changedBy: null, changedAt: null };
    return { mode: latest.mode, reason: latest.reason, changedBy: latest.changedByName, changedAt: latest.changedAt };
  }

  /** Records a change of the kill switch (the history stays). */
  async setKillSwitch(mode: KillSwitchMode, reason: string, changedBy: { id: string | null; name: string }, now: Date): Promise<KillSwitchState> {
    const em = this.#database.em();
    em.create(KillSwitchChangeEntity, { mode, reason, changedBy: changedBy.id, changedByName: changedBy.name, changedAt: now });
    await em.flush();
    return { mode, reason, changedBy: changedBy.name, changedAt: now };
  }

  async limits(userId: string): Promise<AccountLimits & { updatedAt: Date | null }> {
    const row = await this.#database.em().findOne(UserRiskLimitsEntity, { userId });
    return {
      dailyLossLimit: row?.dailyLossLimit ? new Decimal(row.dailyLossLimit) : null,
      maxExposurePerMarket: row?.maxExposurePerMarket ? new Decimal(row.maxExposurePerMarket) : null,
      updatedAt: row?.updatedAt ?? null,
    };
  }

  async setLimits(userId: string, limits: AccountLimits, now: Date): Promise<void> {
    const em = this.#database.em();
    await em.upsert(UserRiskLimitsEntity, {
      userId, dailyLossLimit: limits.dailyLossLimit?.toFixed() ?? null, maxExposurePerMarket: limits.maxExposurePerMarket?.toFixed() ?? null, updatedAt: now,
    });
  }

  /** The user's limits, realized profit on the UTC day of `now` and exposure in `market`, across all their bots; undefined when the user set no limit. */
  async standing(userId: string, market: string, now: number): Promise<AccountStanding | undefined> {
    const limits = await this.limits(userId);
    // Most users set no limit: nothing to add up then.
    if (limits.dailyLossLimit === null && limits.maxExposurePerMarket === null) return undefined;
    const connection = this.#database.em().getConnection();
    const [today] = await connection.execute<{ profit: string | null }[]>(
      `select sum(s.realized_profit_today) as profit from bot_states s join bots b on b.id = s.bot_id where b.user_id = ? and s.trading_day = ?`,
      [userId, utcDay(now)],
    );
    const [held] = await connection.execute<{ exposure: string | null }[]>(
      `select sum(p.cost_basis) as exposure from positions p join bots b on b.id = p.bot_id where b.user_id = ? and p.market = ? and b.status <> 'deleted'`,
      [userId, market],
    );
    const [pending] = await connection.execute<{ exposure: string | null }[]>(
      `select sum((o.quantity - o.filled_quantity) * o.reference_price) as exposure from orders o join bots b on b.id = o.bot_id
       where b.user_id = ? and o.market = ? and o.side = 'buy' and o.status in ('pending_submit', 'open', 'partially_filled', 'cancel_pending', 'unknown')`,
      [userId, market],
    );
    return {
      limits,
      realizedProfitToday: new Decimal(today?.profit ?? 0),
      marketExposure: new Decimal(held?.exposure ?? 0).add(pending?.exposure ?? 0),
    };
  }

  /** The bot's recent exits (sell fills), with whether a stop-loss forced them. */
  async recentExits(botId: string): Promise<ClosedExit[]> {
    const rows = await this.#database.em().getConnection().execute<{ executed_at: Date | string; realized_profit: string; reason: string }[]>(
      `select f.executed_at, f.realized_profit, o.reason from fills f join orders o on o.id = f.order_id
       where f.bot_id = ? and f.side = 'sell' order by f.executed_at desc limit ?`,
      [botId, RECENT_EXITS],
    );
    return rows.map((row) => ({
      time: new Date(row.executed_at).getTime(),
      profit: new Decimal(row.realized_profit ?? ZERO),
      stopLoss: row.reason.startsWith('stop-loss') || row.reason.startsWith('trailing-stop'),
    }));
  }

  /** Why the bot may not trade after its last reconciliation, or undefined when it may. */
  async reconciliationBlock(botId: string): Promise<string | undefined> {
    const row = await this.#database.em().findOne(BotReconciliationEntity, { botId });
    if (!row || row.ok) return undefined;
    return `exchange reconciliation failed at ${row.checkedAt.toISOString()}: ${row.reason ?? 'unknown reason'}; the bot does not trade until it succeeds`;
  }

  async recordReconciliation(botId: string, outcome: { ok: boolean; reason: string | null }, now: Date): Promise<void> {
    await this.#database.em().upsert(BotReconciliationEntity, { botId, ok: outcome.ok, reason: outcome.reason, checkedAt: now });
  }
}
