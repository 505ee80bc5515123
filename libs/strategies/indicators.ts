/**
 * Indicators a strategy may declare, computed by trading-signals. A strategy names what
 * it needs (kind and parameters); the market-data layer computes each distinct
 * (market, timeframe, indicator) once and shares the values with every bot that asks.
 */
import { EMA } from 'trading-signals';

/** An indicator and its parameters; `key` identifies it across bots. */
export interface IndicatorSpec {
  readonly kind: IndicatorKind;
  readonly period: number;
}

export const INDICATOR_KINDS = ['ema'] as const;
export type IndicatorKind = (typeof INDICATOR_KINDS)[number];

/** Stable identity of an indicator, e.g. "ema(12)", used as a cache key. */
export function indicatorKey(spec: IndicatorSpec): string {
  return `${spec.kind}(${spec.period})`;
}

/** An incremental indicator fed one closing price per candle. */
export interface IndicatorCalculator {
  /** Adds the next candle's close and returns the value, or undefined while warming up. */
  next(close: number): number | undefined;
}

/** Creates a fresh calculator for `spec`. */
export function createIndicator(spec: IndicatorSpec): IndicatorCalculator {
  switch (spec.kind) {
    case 'ema': {
      const ema = new EMA(spec.period);
      return {
        next(close) {
          ema.add(close);
          return ema.isStable ? ema.getResultOrThrow() : undefined;
        },
      };
    }
  }
}

/** The last two values of an indicator at the candle being decided. */
export interface IndicatorReading {
  readonly current: number | undefined;
  readonly previous: number | undefined;
}

/**
 * Candles of history to feed before an indicator's value is trusted. An EMA is fed ten
 * periods so the seed's weight has decayed to nothing (under e^-18), which makes its
 * value the same whether computed from the start of the data or from this window.
 */
export function historyNeeded(spec: IndicatorSpec): number {
  switch (spec.kind) {
    case 'ema':
      return Math.min(10 * spec.period, 5_000);
  }
}
