/**
 * Limits a user sets over all of their bots: a daily loss limit in quote currency (once
 * the day's realized losses reach it, every bot of the user stops entering until the next
 * UTC day; exits still run) and a maximum exposure per market (entry cost of everything
 * the user's bots hold in one market, plus their unsettled buys).
 */
import { Decimal } from '../domain/decimal.ts';
import { utcDay } from '../domain/timeframe.ts';

export interface AccountLimits {
  /** Realized loss per UTC day, across the user's bots, at which entries stop; null: none. */
  readonly dailyLossLimit: Decimal | null;
  /** Largest exposure per market across the user's bots, in quote currency; null: none. */
  readonly maxExposurePerMarket: Decimal | null;
}

export const NO_ACCOUNT_LIMITS: AccountLimits = { dailyLossLimit: null, maxExposurePerMarket: null };

/** What the user's bots did today and hold in the market of the intent. */
export interface AccountStanding {
  readonly limits: AccountLimits;
  /** Realized profit of all the user's bots on the UTC day of `now` (a loss is negative). */
  readonly realizedProfitToday: Decimal;
  /** Entry cost held in the intent's market by all the user's bots, plus their unsettled buys. */
  readonly marketExposure: Decimal;
}

/** Start of the UTC day after the one containing `time`. */
export function nextUtcDay(time: number): number {
  return Date.parse(`${utcDay(time)}T00:00:00Z`) + 86_400_000;
}

/** The reason entries are paused by the daily loss limit at `now`, or undefined. */
export function dailyLossBreach(standing: AccountStanding, now: number): { reason: string; until: number } | undefined {
  const limit = standing.limits.dailyLossLimit;
  if (limit === null) return undefined;
  const lost = standing.realizedProfitToday.neg();
  if (lost.lt(limit)) return undefined;
  const until = nextUtcDay(now);
  return {
    until,
    reason: `daily loss limit of ${limit.toFixed()} reached (${lost.toFixed()} lost today across your bots): entries of all your bots are paused until ${new Date(until).toISOString()}`,
  };
}

/** Room left under the per-market exposure limit (undefined: no limit). */
export function exposureRoom(standing: AccountStanding): Decimal | undefined {
  const limit = standing.limits.maxExposurePerMarket;
  return limit === null ? undefined : Decimal.max(limit.sub(standing.marketExposure), 0);
}
