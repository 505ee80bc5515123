/**
 * The exact decimal type for money: prices, quantities, balances, fees and profit.
 * Floats never hold money (see STYLE.md §8); values cross the wire as decimal strings.
 */
import { Decimal as DecimalJs } from 'decimal.js';

/** Decimal with 40 significant digits and banker's rounding, enough for any crypto amount. */
export const Decimal = DecimalJs.clone({ precision: 40, rounding: DecimalJs.ROUND_HALF_EVEN, toExpNeg: -30, toExpPos: 40 });
export type Decimal = InstanceType<typeof Decimal>;

/** Accepts a decimal string such as "1000" or "0.00012"; rejects exponents, signs other than '-', and junk. */
const DECIMAL_STRING = /^-?(?:0|[1-9]\d*)(?:\.\d+)?$/;

/** True when `text` is a plain decimal string (no exponent, no leading '+', no spaces). */
export function isDecimalString(text: string): boolean {
  return DECIMAL_STRING.test(text);
}

/** Parses a decimal string, throwing RangeError naming the field when it is not one. */
export function parseDecimal(text: string, field = 'value'): Decimal {
  if (!isDecimalString(text)) throw new RangeError(`${field} must be a decimal string such as "100.5", got ${JSON.stringify(text)}`);
  return new Decimal(text);
}

/** Converts a market-data float (a candle price) into an exact decimal of the same printed value. */
export function decimalFromPrice(price: number): Decimal {
  if (!Number.isFinite(price)) throw new RangeError(`price must be finite, got ${price}`);
  return new Decimal(price);
}

/** Canonical decimal string: no exponent, no trailing zeros. */
export function toDecimalString(value: Decimal): string {
  return value.toFixed();
}

export const ZERO = new Decimal(0);

/**
 * Decimal places money keeps: those of the database's numeric(38,18). Amounts computed
 * from a fill (fee, notional, cost) are rounded to them where they arise, so what is
 * stored is exactly what was computed, and a backtest that never stores agrees with live
 * trading to the last digit.
 */
export const MONEY_DECIMALS = 18;

/** `value` rounded (half to even) to the decimal places money keeps. */
export function roundMoney(value: Decimal): Decimal {
  return value.toDecimalPlaces(MONEY_DECIMALS);
}
