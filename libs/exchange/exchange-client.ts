/**
 * The one port every exchange implements (DESIGN.md §7): the paper exchange now, ccxt
 * for live trading. Execution talks to exchanges only through it.
 */
import type { Decimal } from '../domain/decimal.ts';
import type { Fill, OrderSide, OrderStatus, OrderType } from '../domain/order.ts';

export interface OrderRequest {
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly type: OrderType;
  readonly quantity: Decimal;
  /** The candle close the decision was made on; the paper exchange fills against it. */
  readonly referencePrice: Decimal;
  readonly requestedAt: number;
}

/** What the exchange says about an order after a call. */
export interface OrderReport {
  readonly exchangeOrderId: string;
  readonly status: OrderStatus;
  readonly fills: readonly Fill[];
}

export interface ExchangeClient {
  /** Exchange id as a bot names it ("paper", or a ccxt exchange id). */
  readonly id: string;
  createOrder(request: OrderRequest): Promise<OrderReport>;
}
