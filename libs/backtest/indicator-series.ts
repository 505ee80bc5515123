/**
 * Indicator values over a whole candle series, computed once per indicator (by the same
 * trading-signals calculators live trading uses) and read by every backtest run over
 * those candles: a parameter sweep that tries EMA 12 with three slow periods computes
 * EMA 12 once.
 */
import type { Candle } from '../domain/candle.ts';
import { createIndicator, indicatorKey, type IndicatorSpec, type IndicatorValue } from '../strategies/indicators.ts';

/**
 * Values of one indicator, one per candle (same index). Single-number indicators are kept
 * in a Float64Array (NaN while warming up) so reading them allocates nothing.
 */
export type IndicatorSeries =
  | { readonly kind: 'numbers'; readonly values: Float64Array }
  | { readonly kind: 'lines'; readonly values: readonly (IndicatorValue | undefined)[] };

/** Series of a candle array by indicator key; share one per candle array. */
export class IndicatorSeriesCache {
  readonly #candles: readonly Candle[];
  readonly #series = new Map<string, IndicatorSeries>();
  /** Series computed (not found in the cache), for tests and benchmarks. */
  computed = 0;

  constructor(candles: readonly Candle[]) {
    this.#candles = candles;
  }

  get candles(): readonly Candle[] {
    return this.#candles;
  }

  series(spec: IndicatorSpec): IndicatorSeries {
    const key = indicatorKey(spec);
    const known = this.#series.get(key);
    if (known) return known;
    const computed = computeSeries(this.#candles, spec);
    this.#series.set(key, computed);
    this.computed += 1;
    return computed;
  }
}

function computeSeries(candles: readonly Candle[], spec: IndicatorSpec): IndicatorSeries {
  const calculator = createIndicator(spec);
  if (spec.kind === 'macd' || spec.kind === 'bollinger') {
    const values: (IndicatorValue | undefined)[] = new Array(candles.length);
    for (let index = 0; index < candles.length; index += 1) values[index] = calculator.next(candles[index]!.close);
    return { kind: 'lines', values };
  }
  const values = new Float64Array(candles.length);
  for (let index = 0; index < candles.length; index += 1) {
    const value = calculator.next(candles[index]!.close) as number | undefined;
    values[index] = value === undefined ? Number.NaN : value;
  }
  return { kind: 'numbers', values };
}
