/** Orders and fills as the platform records them. Amounts are exact decimals. */
import { createHash } from 'node:crypto';
import type { Decimal } from './decimal.ts';

export const ORDER_SIDES = ['buy', 'sell'] as const;
export type OrderSide = (typeof ORDER_SIDES)[number];

export const ORDER_TYPES = ['market'] as const;
export type OrderType = (typeof ORDER_TYPES)[number];

/** Order states; the transitions between them belong to the execution state machine. */
export const ORDER_STATUSES = [
  'pending_submit',
  'open',
  'partially_filled',
  'filled',
  'cancel_pending',
  'cancelled',
  'rejected',
  'unknown',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** States after which an order can change no more. */
export const TERMINAL_ORDER_STATUSES: ReadonlySet<OrderStatus> = new Set(['filled', 'cancelled', 'rejected']);

export function isTerminal(status: OrderStatus): boolean {
  return TERMINAL_ORDER_STATUSES.has(status);
}

/** What a strategy or a risk rule wants done; risk turns it into a sized order or denies it. */
export interface OrderIntent {
  readonly side: OrderSide;
  /** Why: 'signal', 'stop-loss', 'take-profit'. */
  readonly reason: string;
}

/** One execution against an order. */
export interface Fill {
  readonly tradeId: string;
  readonly side: OrderSide;
  readonly price: Decimal;
  readonly quantity: Decimal;
  readonly fee: Decimal;
  readonly feeCurrency: string;
  readonly executedAt: number;
}

/**
 * The client order id for the order a bot places on one candle: derived from the bot,
 * the candle and the intent, so a retry or a redelivered tick yields the same id and the
 * exchange (or our unique index) refuses a second order. 32 characters of [a-z0-9],
 * inside every exchange's limit (Binance allows 36).
 */
export function clientOrderIdFor(botId: string, candleOpenTime: number, side: OrderSide): string {
  const digest = createHash('sha256').update(`${botId}:${candleOpenTime}:${side}`).digest('hex');
  return `tb${digest.slice(0, 30)}`;
}
