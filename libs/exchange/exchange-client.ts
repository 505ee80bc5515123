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
  /** open, partially_filled, filled, cancelled or rejected, as the exchange sees it. */
  readonly status: OrderStatus;
  /** Every trade of the order the exchange listed (may repeat ones already recorded). */
  readonly fills: readonly Fill[];
  /** Filled quantity the exchange reports (may run ahead of the trades listed). */
  readonly filledQuantity?: Decimal;
}

export interface ExchangeClient {
  /** Exchange id as a bot names it ("paper", or a ccxt exchange id). */
  readonly id: string;
  createOrder(request: OrderRequest): Promise<OrderReport>;
  /** Present on real exchanges: lookups, cancels and balances (libs/exchange/ccxt). */
  readonly live?: LiveExchangeOperations;
}

/**
 * What looking an order up by its client order id found: the order (with every trade of
 * it), proof that the exchange never took it, or neither (a trade the platform cannot
 * attribute exists, or the order lists lag), in which case nothing may be sent again.
 */
export type OrderLookup =
  | { readonly kind: 'found'; readonly report: OrderReport }
  | { readonly kind: 'absent' }
  | { readonly kind: 'unproven'; readonly reason: string };

/** An order of the account still open on the exchange. */
export interface OpenExchangeOrder {
  readonly exchangeOrderId: string;
  readonly clientOrderId: string | undefined;
}

export interface LiveExchangeOperations {
  /** Finds an order by client order id (and exchange id when known) among the orders since `since`. `knownOrderIds`: exchange ids of orders the platform already tracks on this account. */
  findOrder(symbol: string, clientOrderId: string, exchangeOrderId: string | null, since: number, knownOrderIds: ReadonlySet<string>): Promise<OrderLookup>;
  /** Asks the exchange to cancel, then reports the order as it then stands (filled if the cancel lost the race). */
  cancelOrder(symbol: string, exchangeOrderId: string, clientOrderId: string): Promise<OrderReport>;
  openOrders(symbol: string): Promise<OpenExchangeOrder[]>;
  /** Free balance per currency, as decimal strings. */
  balance(): Promise<Record<string, string>>;
}
