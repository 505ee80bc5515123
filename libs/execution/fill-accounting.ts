/**
 * Fees in any currency. Position accounting (libs/domain/position.ts) charges fees in
 * the quote currency; exchanges charge them in quote, in base, or in a third currency
 * (Binance's BNB). This turns an exchange fill into the fill the position sees:
 * - quote fee: as is;
 * - base fee: the base actually received (bought minus fee) or given up (sold plus fee)
 *   moves the position, and the fee valued at the fill price counts in quote, so cost
 *   and proceeds stay exactly what the exchange moved;
 * - any other currency: the fee cannot be valued without another market's price, so it
 *   is recorded on the fill (amount and currency, shown in the trade list) but not
 *   charged to the bot's quote profit.
 */
import { roundMoney, ZERO } from '../domain/decimal.ts';
import type { Fill } from '../domain/order.ts';

export function accountingFill(fill: Fill, base: string, quote: string): Fill {
  if (fill.fee.isZero() || fill.feeCurrency === quote) return fill;
  if (fill.feeCurrency === base) {
    const feeInQuote = roundMoney(fill.fee.mul(fill.price));
    const quantity = fill.side === 'buy' ? fill.quantity.sub(fill.fee) : fill.quantity.add(fill.fee);
    return { ...fill, quantity, fee: feeInQuote, feeCurrency: quote };
  }
  return { ...fill, fee: ZERO, feeCurrency: quote };
}
