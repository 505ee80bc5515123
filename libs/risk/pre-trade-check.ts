/**
 * Pre-trade risk: exits forced by stop-loss and take-profit, and the approval and sizing
 * of an order intent. Denial is a value with a reason the user can read (STYLE.md §7).
 */
import { Decimal } from '../domain/decimal.ts';
import type { OrderIntent } from '../domain/order.ts';
import { averageEntryPrice, isOpen, type Balances, type Position } from '../domain/position.ts';
import type { RiskSettings } from './risk-settings.ts';

/** Quantity precision used when an instrument does not say otherwise (8 decimals, as BTC). */
export const DEFAULT_QUANTITY_DECIMALS = 8;

/** An exit the risk rules demand at `price`, or undefined. Checked on each candle close. */
export function forcedExit(position: Position, price: Decimal, settings: RiskSettings): OrderIntent | undefined {
  const entry = averageEntryPrice(position);
  if (entry === undefined) return undefined;
  if (settings.stopLossPercent !== null) {
    const stopPrice = entry.mul(new Decimal(100 - settings.stopLossPercent).div(100));
    if (price.lte(stopPrice)) return { side: 'sell', reason: `stop-loss: price ${price.toFixed()} at or below ${stopPrice.toSignificantDigits(10).toFixed()} (${settings.stopLossPercent}% under entry)` };
  }
  if (settings.takeProfitPercent !== null) {
    const targetPrice = entry.mul(new Decimal(100 + settings.takeProfitPercent).div(100));
    if (price.gte(targetPrice)) return { side: 'sell', reason: `take-profit: price ${price.toFixed()} at or above ${targetPrice.toSignificantDigits(10).toFixed()} (${settings.takeProfitPercent}% over entry)` };
  }
  return undefined;
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
