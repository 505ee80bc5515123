/**
 * Protections (Freqtrade's are the model): rules that pause a bot's entries for a while
 * after its recent exits went badly. A protection blocks entries, never exits. Each is
 * evaluated at the time of the bot's latest exit, as Freqtrade does when a trade closes,
 * so the answer depends only on the exits and `now`: the same in live trading, after a
 * restart and in a test.
 */
import type { Decimal } from '../domain/decimal.ts';
import { ZERO } from '../domain/decimal.ts';

export interface StopLossGuardSettings {
  /** Stop-loss exits within the lookback that trigger the pause. */
  readonly tradeLimit: number;
  readonly lookbackMinutes: number;
  readonly pauseMinutes: number;
}

export interface MaxDrawdownSettings {
  /** Largest fall of cumulative realized profit within the lookback, in percent of the bot's starting balance. */
  readonly maxDrawdownPercent: number;
  readonly lookbackMinutes: number;
  readonly pauseMinutes: number;
}

export interface LowProfitSettings {
  /** Realized profit within the lookback below this percent of the starting balance pauses entries. */
  readonly minProfitPercent: number;
  /** Exits within the lookback needed before the rule judges. */
  readonly tradeLimit: number;
  readonly lookbackMinutes: number;
  readonly pauseMinutes: number;
}

export interface ProtectionSettings {
  readonly stopLossGuard: StopLossGuardSettings | null;
  readonly maxDrawdown: MaxDrawdownSettings | null;
  /** Minutes after any exit before the next entry; null disables. */
  readonly cooldownMinutes: number | null;
  readonly lowProfit: LowProfitSettings | null;
}

/** Every protection off: a bot opts in. */
export const DEFAULT_PROTECTIONS: ProtectionSettings = { stopLossGuard: null, maxDrawdown: null, cooldownMinutes: null, lowProfit: null };

export const PROTECTION_NAMES = ['stop-loss-guard', 'max-drawdown', 'cooldown', 'low-profit'] as const;
export type ProtectionName = (typeof PROTECTION_NAMES)[number];

/** One exit of the bot: when, what it realized, and whether a stop-loss forced it. */
export interface ClosedExit {
  readonly time: number;
  readonly profit: Decimal;
  readonly stopLoss: boolean;
}

/** A protection in force: entries are denied until `until`, for `reason`. */
export interface ActiveProtection {
  readonly protection: ProtectionName;
  readonly until: number;
  readonly reason: string;
}

const MINUTE = 60_000;

function iso(time: number): string {
  return new Date(time).toISOString();
}

function within(exits: readonly ClosedExit[], from: number, to: number): ClosedExit[] {
  return exits.filter((exit) => exit.time >= from && exit.time <= to);
}

/**
 * The protection in force at `now`, or undefined. `exits` may be in any order;
 * `startingBalance` is what percent limits are measured against. When several are in
 * force, the one lasting longest is reported.
 */
export function activeProtection(settings: ProtectionSettings, exits: readonly ClosedExit[], startingBalance: Decimal, now: number): ActiveProtection | undefined {
  if (exits.length === 0) return undefined;
  const sorted = [...exits].sort((a, b) => a.time - b.time);
  const last = sorted.at(-1)!;
  const found: ActiveProtection[] = [];

  if (settings.cooldownMinutes !== null) {
    const until = last.time + settings.cooldownMinutes * MINUTE;
    if (now < until) found.push({ protection: 'cooldown', until, reason: `cooldown: no entry for ${settings.cooldownMinutes} min after the exit of ${iso(last.time)}, until ${iso(until)}` });
  }

  const guard = settings.stopLossGuard;
  if (guard !== null) {
    const lastStop = sorted.findLast((exit) => exit.stopLoss);
    if (lastStop !== undefined) {
      const stops = within(sorted, lastStop.time - guard.lookbackMinutes * MINUTE, lastStop.time).filter((exit) => exit.stopLoss).length;
      const until = lastStop.time + guard.pauseMinutes * MINUTE;
      if (stops >= guard.tradeLimit && now < until) {
        found.push({ protection: 'stop-loss-guard', until, reason: `stop-loss guard: ${stops} stop-losses within ${guard.lookbackMinutes} min (limit ${guard.tradeLimit}); entries paused until ${iso(until)}` });
      }
    }
  }

  const drawdown = settings.maxDrawdown;
  if (drawdown !== null && startingBalance.gt(0)) {
    let cumulative = ZERO;
    let peak = ZERO;
    let worst = ZERO;
    for (const exit of within(sorted, last.time - drawdown.lookbackMinutes * MINUTE, last.time)) {
      cumulative = cumulative.add(exit.profit);
      if (cumulative.gt(peak)) peak = cumulative;
      const fall = peak.sub(cumulative);
      if (fall.gt(worst)) worst = fall;
    }
    const percent = worst.div(startingBalance).mul(100);
    const until = last.time + drawdown.pauseMinutes * MINUTE;
    if (percent.gte(drawdown.maxDrawdownPercent) && now < until) {
      found.push({ protection: 'max-drawdown', until, reason: `maximum drawdown: realized drawdown of ${percent.toDecimalPlaces(2).toFixed()}% within ${drawdown.lookbackMinutes} min (limit ${drawdown.maxDrawdownPercent}%); entries paused until ${iso(until)}` });
    }
  }

  const lowProfit = settings.lowProfit;
  if (lowProfit !== null && startingBalance.gt(0)) {
    const recent = within(sorted, last.time - lowProfit.lookbackMinutes * MINUTE, last.time);
    const profit = recent.reduce((sum, exit) => sum.add(exit.profit), ZERO);
    const percent = profit.div(startingBalance).mul(100);
    const until = last.time + lowProfit.pauseMinutes * MINUTE;
    if (recent.length >= lowProfit.tradeLimit && percent.lt(lowProfit.minProfitPercent) && now < until) {
      found.push({ protection: 'low-profit', until, reason: `low profit: ${percent.toDecimalPlaces(2).toFixed()}% over ${recent.length} exits within ${lowProfit.lookbackMinutes} min (minimum ${lowProfit.minProfitPercent}%); entries paused until ${iso(until)}` });
    }
  }

  return found.sort((a, b) => b.until - a.until)[0];
}
