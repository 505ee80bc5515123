/**
 * Pre-trade risk: exits forced by stop-loss and take-profit, and the approval and sizing
 * of an order intent. Denial is a value with a reason the user can read (STYLE.md §7).
 */
import { Decimal, decimalFromPrice } from '../domain/decimal.ts';
import type { OrderIntent } from '../domain/order.ts';
import { averageEntryPrice, equity, isOpen, type Balances, type Position } from '../domain/position.ts';
import { dailyLossBreach, exposureRoom, type AccountStanding } from './account-limits.ts';
import { killSwitchDenial, type KillSwitchMode } from './kill-switch.ts';
import { activeProtection, type ClosedExit, type ProtectionName } from './protections.ts';
import type { RiskSettings } from './risk-settings.ts';

/** Quantity precision used when an instrument does not say otherwise (8 decimals, as BTC). */
export const DEFAULT_QUANTITY_DECIMALS = 8;

/**
 * Where the risk rules close an open position, worked out once per position change: the
 * break-even entry and the stop-loss and take-profit prices, exact, plus float bounds
 * outside which a candle close cannot reach either, so a candle far from both is checked
 * without any decimal arithmetic.
 */
export interface ExitLevels {
  readonly entryPrice: Decimal;
  readonly stopPrice: Decimal | undefined;
  readonly stopLossPercent: number | null;
  readonly targetPrice: Decimal | undefined;
  readonly takeProfitPercent: number | null;
  /** A close above this cannot be at or below the stop price. */
  readonly stopCheckBelow: number;
  /** A close below this cannot be at or above the target price. */
  readonly targetCheckAbove: number;
  /** Trailing stop distance in percent under the highest close since entry; null: none. */
  readonly trailingStopPercent: number | null;
  /** Multiplier of the highest close at the trailing stop (1 - percent/100), exact and as a float. */
  readonly trailingFactor: Decimal | undefined;
  readonly trailingFactorFloat: number;
}

/**
 * Relative margin of the float bounds: far wider than the error of a double (2^-53), so
 * a close outside the bounds is outside the exact levels too.
 */
const FLOAT_MARGIN = 1e-9;

/** Multipliers of the entry price at the stop and the target, per settings object (a bot's or a backtest's, reused for every fill). */
interface ExitFactors {
  readonly stop: Decimal | undefined;
  readonly target: Decimal | undefined;
  readonly trailing: Decimal | undefined;
}

const EXIT_FACTORS = new WeakMap<RiskSettings, ExitFactors>();

function exitFactors(settings: RiskSettings): ExitFactors {
  let factors = EXIT_FACTORS.get(settings);
  if (factors === undefined) {
    factors = {
      stop: settings.stopLossPercent === null ? undefined : new Decimal(100 - settings.stopLossPercent).div(100),
      target: settings.takeProfitPercent === null ? undefined : new Decimal(100 + settings.takeProfitPercent).div(100),
      trailing: settings.trailingStopPercent === null ? undefined : new Decimal(100 - settings.trailingStopPercent).div(100),
    };
    EXIT_FACTORS.set(settings, factors);
  }
  return factors;
}

/** The exit levels of `position` under `settings`, or undefined when flat. */
export function exitLevels(position: Position, settings: RiskSettings): ExitLevels | undefined {
  const entryPrice = averageEntryPrice(position);
  if (entryPrice === undefined) return undefined;
  const factors = exitFactors(settings);
  const stopPrice = factors.stop === undefined ? undefined : entryPrice.mul(factors.stop);
  const targetPrice = factors.target === undefined ? undefined : entryPrice.mul(factors.target);
  return {
    entryPrice,
    stopPrice,
    stopLossPercent: settings.stopLossPercent,
    targetPrice,
    takeProfitPercent: settings.takeProfitPercent,
    stopCheckBelow: stopPrice === undefined ? Number.NEGATIVE_INFINITY : stopPrice.toNumber() * (1 + FLOAT_MARGIN),
    targetCheckAbove: targetPrice === undefined ? Number.POSITIVE_INFINITY : targetPrice.toNumber() * (1 - FLOAT_MARGIN),
    trailingStopPercent: settings.trailingStopPercent,
    trailingFactor: factors.trailing,
    trailingFactorFloat: factors.trailing === undefined ? 0 : factors.trailing.toNumber() * (1 + FLOAT_MARGIN),
  };
}

/**
 * The exit the risk rules demand at candle close `close`, or undefined. Checked on each
 * candle close (the trailing stop is emulated here: `peak` is the highest close since
 * entry before this candle).
 */
export function exitAtClose(levels: ExitLevels | undefined, close: number, peak?: number): OrderIntent | undefined {
  if (levels === undefined) return undefined;
  const trailingReached = peak !== undefined && levels.trailingFactor !== undefined && close <= peak * levels.trailingFactorFloat;
  if (!trailingReached && close > levels.stopCheckBelow && close < levels.targetCheckAbove) return undefined;
  return exitAtPrice(levels, decimalFromPrice(close), trailingReached ? decimalFromPrice(peak!) : undefined);
}

function exitAtPrice(levels: ExitLevels, price: Decimal, peak?: Decimal): OrderIntent | undefined {
  if (levels.stopPrice !== undefined && price.lte(levels.stopPrice)) {
    return { side: 'sell', reason: `stop-loss: price ${price.toFixed()} at or below ${levels.stopPrice.toSignificantDigits(10).toFixed()} (${levels.stopLossPercent}% under entry)` };
  }
  if (peak !== undefined && levels.trailingFactor !== undefined) {
    const trailingPrice = peak.mul(levels.trailingFactor);
    if (price.lte(trailingPrice)) {
      return { side: 'sell', reason: `trailing-stop: price ${price.toFixed()} at or below ${trailingPrice.toSignificantDigits(10).toFixed()} (${levels.trailingStopPercent}% under the highest close ${peak.toFixed()} since entry)` };
    }
  }
  if (levels.targetPrice !== undefined && price.gte(levels.targetPrice)) {
    return { side: 'sell', reason: `take-profit: price ${price.toFixed()} at or above ${levels.targetPrice.toSignificantDigits(10).toFixed()} (${levels.takeProfitPercent}% over entry)` };
  }
  return undefined;
}

/** An exit the risk rules demand at `price` (with `peak`, the highest close since entry), or undefined. */
export function forcedExit(position: Position, price: Decimal, settings: RiskSettings, peak?: Decimal): OrderIntent | undefined {
  const levels = exitLevels(position, settings);
  return levels === undefined ? undefined : exitAtPrice(levels, price, peak);
}

/** The highest close since entry after a candle closed at `close` while holding (`previous` undefined: just entered at `entry`). */
export function nextPeak(previous: number | undefined, entry: number, close: number): number {
  return Math.max(previous ?? entry, close);
}

export interface SizingContext {
  readonly position: Position;
  readonly balances: Balances;
  /** Reference price for sizing (the candle close). */
  readonly price: Decimal;
  readonly feeRate: Decimal;
  readonly slippageRate: Decimal;
  /** Orders of this bot not yet filled, cancelled or rejected. */
  readonly openOrders: number;
  /** False while the bot is paused: exits still go through, entries do not. */
  readonly entriesAllowed: boolean;
  readonly quantityDecimals?: number;
  /** The time of the decision (the candle's), for time-based rules. */
  readonly now?: number;
  /** The platform's kill switch (off when not given). */
  readonly killSwitch?: { readonly mode: KillSwitchMode; readonly reason: string | null };
  /** Set when the bot may not trade at all (e.g. its exchange reconciliation failed), with the reason. */
  readonly tradingBlocked?: string;
  /** The bot's recent exits, for protections; `startingBalance` is what their percents are of. */
  readonly exits?: readonly ClosedExit[];
  readonly startingBalance?: Decimal;
  /** The user's limits across bots and where the user stands against them. */
  readonly account?: AccountStanding;
}

/** What paused entries: a protection of the bot, or the user's daily loss limit. */
export interface ProtectionDenial {
  readonly protection: ProtectionName | 'daily-loss-limit';
  readonly until: number;
}

export type RiskVerdict =
  | { readonly kind: 'approved'; readonly quantity: Decimal }
  | { readonly kind: 'denied'; readonly reason: string; readonly protection?: ProtectionDenial };

function denied(reason: string, protection?: ProtectionDenial): RiskVerdict {
  return protection === undefined ? { kind: 'denied', reason } : { kind: 'denied', reason, protection };
}

/**
 * Quote currency the sizing mode would commit to an entry at `price`, before the caps
 * (maximum position, exposure, balance); or a reason it cannot size one.
 */
export function entryBudget(settings: RiskSettings, context: SizingContext): Decimal | string {
  if (settings.sizingMode === 'fixed-quote') return settings.stakeAmount;
  const accountValue = equity(context.balances, context.price);
  if (settings.sizingMode === 'percent-of-equity') return accountValue.mul(settings.stakePercent).div(100);
  if (settings.stopLossPercent === null) return 'percent-risked sizing needs a stop-loss: set stopLossPercent';
  // Losing riskPercent of equity when the price falls stopLossPercent: notional = risk / stop distance.
  return accountValue.mul(settings.riskPercent).div(settings.stopLossPercent);
}

/**
 * Approves and sizes `intent`, or denies it with the reason. Exits are only ever stopped
 * by the kill switch in mode `all`, a blocked bot, an open order or an empty position:
 * protections and limits block entries, never exits.
 */
export function approveIntent(intent: OrderIntent, settings: RiskSettings, context: SizingContext): RiskVerdict {
  const decimals = context.quantityDecimals ?? DEFAULT_QUANTITY_DECIMALS;
  if (context.killSwitch !== undefined) {
    const halted = killSwitchDenial(context.killSwitch.mode, intent.side, context.killSwitch.reason);
    if (halted !== undefined) return denied(halted);
  }
  if (context.tradingBlocked !== undefined) return denied(context.tradingBlocked);
  if (context.openOrders >= settings.maxOpenOrders) {
    return denied(`an earlier order of this bot is still open (${context.openOrders}; at most ${settings.maxOpenOrders} at once)`);
  }
  if (intent.side === 'sell') {
    if (!isOpen(context.position)) return denied('no position to sell');
    return { kind: 'approved', quantity: context.position.quantity };
  }
  if (!context.entriesAllowed) return denied('bot is paused: entries are blocked, exits still run');
  const now = context.now;
  if (context.account !== undefined && now !== undefined) {
    const breach = dailyLossBreach(context.account, now);
    if (breach !== undefined) return denied(breach.reason, { protection: 'daily-loss-limit', until: breach.until });
  }
  if (context.exits !== undefined && now !== undefined) {
    const protection = activeProtection(settings.protections, context.exits, context.startingBalance ?? context.balances.quote, now);
    if (protection !== undefined) return denied(protection.reason, { protection: protection.protection, until: protection.until });
  }
  const committed = context.position.costBasis;
  const room = settings.maxPositionAmount.sub(committed);
  if (room.lte(0)) return denied(`maximum position of ${settings.maxPositionAmount.toFixed()} reached`);
  const budget = entryBudget(settings, context);
  if (typeof budget === 'string') return denied(budget);
  let spend = Decimal.min(budget, room, context.balances.quote);
  if (context.account !== undefined) {
    const exposure = exposureRoom(context.account);
    if (exposure !== undefined) {
      if (exposure.lte(0)) return denied(`maximum exposure of ${context.account.limits.maxExposurePerMarket?.toFixed()} in this market across your bots reached`);
      spend = Decimal.min(spend, exposure);
    }
  }
  const worstPrice = context.price.mul(context.slippageRate.add(1));
  const quantity = spend.div(worstPrice.mul(context.feeRate.add(1))).toDecimalPlaces(decimals, Decimal.ROUND_DOWN);
  if (quantity.lte(0)) {
    return denied(`insufficient quote balance (${context.balances.quote.toFixed()}) for an entry at ${context.price.toFixed()}`);
  }
  return { kind: 'approved', quantity };
}
