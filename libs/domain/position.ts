/**
 * A bot's spot position and its paper balances, and how a fill changes them. Long-only
 * spot: a buy adds base currency bought with quote, a sell returns it. Average-cost
 * accounting: the cost basis includes buy fees, so realized profit on a sell is
 * proceeds after fees minus the cost basis of what was sold. Amounts are rounded to the
 * decimal places money keeps (MONEY_DECIMALS), as stored.
 */
import { Decimal, roundMoney, ZERO } from './decimal.ts';
import type { Fill } from './order.ts';

export interface Position {
  /** Base currency held. */
  readonly quantity: Decimal;
  /** Quote currency spent on what is held, fees included. */
  readonly costBasis: Decimal;
  readonly realizedProfit: Decimal;
  readonly feesPaid: Decimal;
}

export interface Balances {
  readonly quote: Decimal;
  readonly base: Decimal;
}

export const FLAT_POSITION: Position = { quantity: ZERO, costBasis: ZERO, realizedProfit: ZERO, feesPaid: ZERO };

export function isOpen(position: Position): boolean {
  return position.quantity.gt(0);
}

/** Break-even entry price (cost basis per unit held), or undefined when flat. */
export function averageEntryPrice(position: Position): Decimal | undefined {
  return isOpen(position) ? position.costBasis.div(position.quantity) : undefined;
}

/** Profit the open quantity would realize at `price`, before exit fees. */
export function unrealizedProfit(position: Position, price: Decimal): Decimal {
  return isOpen(position) ? position.quantity.mul(price).sub(position.costBasis) : ZERO;
}

export interface FillEffect {
  readonly position: Position;
  readonly balances: Balances;
  /** Profit realized by this fill (zero for buys). */
  readonly realizedProfit: Decimal;
}

/**
 * Applies a fill whose fee is charged in quote currency. Throws on a sell larger than
 * the position or a buy larger than the quote balance: both would be broken invariants,
 * since risk sizes every order against the same numbers.
 */
export function applyFill(position: Position, balances: Balances, fill: Fill): FillEffect {
  const notional = roundMoney(fill.price.mul(fill.quantity));
  if (fill.side === 'buy') {
    const spent = notional.add(fill.fee);
    if (spent.gt(balances.quote)) throw new RangeError(`buy of ${spent.toFixed()} exceeds quote balance ${balances.quote.toFixed()}`);
    return {
      position: {
        quantity: position.quantity.add(fill.quantity),
        costBasis: position.costBasis.add(spent),
        realizedProfit: position.realizedProfit,
        feesPaid: position.feesPaid.add(fill.fee),
      },
      balances: { quote: balances.quote.sub(spent), base: balances.base.add(fill.quantity) },
      realizedProfit: ZERO,
    };
  }
  if (fill.quantity.gt(position.quantity)) {
    throw new RangeError(`sell of ${fill.quantity.toFixed()} exceeds position ${position.quantity.toFixed()}`);
  }
  const soldShare = fill.quantity.div(position.quantity);
  const costSold = fill.quantity.eq(position.quantity) ? position.costBasis : roundMoney(position.costBasis.mul(soldShare));
  const proceeds = notional.sub(fill.fee);
  const realized = proceeds.sub(costSold);
  return {
    position: {
      quantity: position.quantity.sub(fill.quantity),
      costBasis: position.costBasis.sub(costSold),
      realizedProfit: position.realizedProfit.add(realized),
      feesPaid: position.feesPaid.add(fill.fee),
    },
    balances: { quote: balances.quote.add(proceeds), base: balances.base.sub(fill.quantity) },
    realizedProfit: realized,
  };
}

/** Total account value in quote currency at `price`. */
export function equity(balances: Balances, price: Decimal): Decimal {
  return balances.quote.add(balances.base.mul(price));
}
