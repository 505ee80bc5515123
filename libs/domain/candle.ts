/**
 * A candle (bar) of market data. Market data may be floats (DESIGN.md §6): indicators
 * run on them; money derived from a candle goes through `decimalFromPrice` first.
 */
export interface Candle {
  /** Open time, Unix milliseconds UTC. */
  readonly openTime: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/** A market on a market-data source, e.g. BTC/USDT on the simulated market. */
export interface MarketRef {
  readonly source: string;
  readonly symbol: string;
}

/** Splits "BTC/USDT" into base and quote currency. */
export function splitSymbol(symbol: string): { base: string; quote: string } {
  const [base, quote] = symbol.split('/');
  if (!base || !quote) throw new RangeError(`market must look like BASE/QUOTE, got ${JSON.stringify(symbol)}`);
  return { base, quote };
}

export const SYMBOL_PATTERN = '^[A-Z0-9]{1,12}/[A-Z0-9]{1,12}$';
