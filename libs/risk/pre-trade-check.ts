/**
 * Pre-trade risk: exits forced by stop-loss and take-profit, and the approval and sizing
 * of an order intent. Denial is a value with a reason the user can read (STYLE.md §7).
 */
import { Decimal, decimalFromPrice } from '../domain/decimal.ts';
import type { OrderIntent } from '../domain/order.ts';
import { averageEntryPrice, isOpen, type Balances, type Position } from '../domain/position.ts';
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
}

/**
 * Relative margin of the float bounds: far wider than the error of a double (2^-53), so
 * a close outside the bounds is outside the exact levels too.
 */
const FLOAT_MARGIN = 1e-9;

/** Multipliers of the entry price at the stop and the target, per settings object (a bot's or a backtest's, reused for every fill). */
const EXIT_FACTORS = new WeakMap<RiskSettings, { readonly stop: Decimal | undefined; readonly target: Decimal | undefined }>();

function exitFactors(settings: RiskSettings): { readonly stop: Decimal | undefined; readonly target: Decimal | undefined } {
  let factors = EXIT_FACTORS.get(settings);
  if (factors === undefined) {
    factors = {
      stop: settings.stopLossPercent === null ? undefined : new Decimal(100 - settings.stopLossPercent).div(100),
      target: settings.takeProfitPercent === null ? undefined : new Decimal(100 + settings.takeProfitPercent).div(100),
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
  };
}

/** The exit the risk rules demand at candle close `close`, or undefined. Checked on each candle close. */
export function exitAtClose(levels: ExitLevels | undefined, close: number): OrderIntent | undefined {
  if (levels === undefined || (close > levels.stopCheckBelow && close < levels.targetCheckAbove)) return undefined;
  return exitAtPrice(levels, decimalFromPrice(close));
}

function exitAtPrice(levels: ExitLevels, price: Decimal): OrderIntent | undefined {
  if (levels.stopPrice !== undefined && price.lte(levels.stopPrice)) {
    return { side: 'sell', reason: `stop-loss: price ${price.toFixed()} at or below ${levels.stopPrice.toSignificantDigits(10).toFixed()} (${levels.stopLossPercent}% under entry)` };
  }
  if (levels.targetPrice !== undefined && price.gte(levels.targetPrice)) {
    return { side: 'sell', reason: `take-profit: price ${price.toFixed()} at or above ${levels.targetPrice.toSignificantDigits(10).toFixed()} (${levels.takeProfitPercent}% over entry)` };
  }
  return undefined;
}

/** An exit the risk rules demand at `price`, or undefined. */
export function forcedExit(position: Position, price: Decimal, settings: RiskSettings): OrderIntent | undefined {
  const levels = exitLevels(position, settings);
  return levels === undefined ? undefined : exitAtPrice(levels, price);
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
}

export type RiskVerdict =
  | { readonly kind: 'approved'; readonly quantity: Decimal }
  | { readonly kind: 'denied'; readonly reason: string };

/** Approves and sizes `intent`, or denies it with the reason. */
export function approveIntent(intent: OrderIntent, settings: RiskSettings, context: SizingContext): RiskVerdict {
  const decimals = context.quantityDecimals ?? DEFAULT_QUANTITY_DECIMALS;
  if (context.openOrders > 0) return { kind: 'denied', reason: `an earlier order of this bot is still open (${context.openOrders})` };
  if (intent.side === 'sell') {
    if (!isOpen(context.position)) return { kind: 'denied', reason: 'no position to sell' };
    return { kind: 'approved', quantity: context.position.quantity };
  }
  if (!context.entriesAllowed) return { kind: 'denied', reason: 'bot is paused: entries are blocked, exits still run' };
  const committed = context.position.costBasis;
  const room = settings.maxPositionAmount.sub(committed);
  if (room.lte(0)) return { kind: 'denied', reason: `maximum position of ${settings.maxPositionAmount.toFixed()} reached` };
  const budget = Decimal.min(settings.stakeAmount, room, context.balances.quote);
  const worstPrice = context.price.mul(context.slippageRate.add(1));
  const quantity = budget.div(worstPrice.mul(context.feeRate.add(1))).toDecimalPlaces(decimals, Decimal.ROUND_DOWN);
  if (quantity.lte(0)) {
    return { kind: 'denied', reason: `insufficient quote balance (${context.balances.quote.toFixed()}) for an entry at ${context.price.toFixed()}` };
  }
  return { kind: 'approved', quantity };
}
