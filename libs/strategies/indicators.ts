/**
 * Indicators a strategy may declare, computed by trading-signals (no indicator math of
 * our own). A strategy names what it needs (kind and parameters); the market-data layer
 * computes each distinct (market, timeframe, indicator) once and shares the values with
 * every bot that asks, and the backtest computes each once per run or sweep.
 *
 * Most indicators give one number per candle; MACD and Bollinger bands give several
 * (their lines), so a value is a number or a small record of numbers, and a decision
 * records the lines of such an indicator under `name.line` (e.g. "macd.histogram").
 */
import { BollingerBands, EMA, MACD, RSI, SMA } from 'trading-signals';

export interface EmaSpec {
  readonly kind: 'ema';
  readonly period: number;
}
export interface SmaSpec {
  readonly kind: 'sma';
  readonly period: number;
}
/** Relative strength index with Wilder's smoothing, 0 to 100. */
export interface RsiSpec {
  readonly kind: 'rsi';
  readonly period: number;
}
/** MACD: fast EMA minus slow EMA, its signal line (an EMA of it) and their difference. */
export interface MacdSpec {
  readonly kind: 'macd';
  readonly fast: number;
  readonly slow: number;
  readonly signal: number;
}
/** Bollinger bands: simple moving average and `deviations` standard deviations around it. */
export interface BollingerSpec {
  readonly kind: 'bollinger';
  readonly period: number;
  readonly deviations: number;
}

/** An indicator and its parameters; `indicatorKey` identifies it across bots. */
export type IndicatorSpec = EmaSpec | SmaSpec | RsiSpec | MacdSpec | BollingerSpec;
export type IndicatorKind = IndicatorSpec['kind'];
export const INDICATOR_KINDS: readonly IndicatorKind[] = ['ema', 'sma', 'rsi', 'macd', 'bollinger'];

/** Indicators a strategy declares, by the names it reads them by. */
export type IndicatorSpecs = Readonly<Record<string, IndicatorSpec>>;

export interface MacdValue {
  readonly macd: number;
  readonly signal: number;
  readonly histogram: number;
}
export interface BandsValue {
  readonly upper: number;
  readonly middle: number;
  readonly lower: number;
}

/** The value an indicator of spec `S` gives per candle. */
export type IndicatorValueOf<S extends IndicatorSpec> = S extends MacdSpec ? MacdValue : S extends BollingerSpec ? BandsValue : number;
export type IndicatorValue = number | MacdValue | BandsValue;

/** The lines of a multi-line indicator, in the order decisions record them. */
const LINES: Readonly<Partial<Record<IndicatorKind, readonly string[]>>> = {
  macd: ['macd', 'signal', 'histogram'],
  bollinger: ['upper', 'middle', 'lower'],
};

/** Stable identity of an indicator, e.g. "ema(12)" or "macd(12,26,9)", used as a cache key. */
export function indicatorKey(spec: IndicatorSpec): string {
  switch (spec.kind) {
    case 'ema':
    case 'sma':
    case 'rsi':
      return `${spec.kind}(${spec.period})`;
    case 'macd':
      return `macd(${spec.fast},${spec.slow},${spec.signal})`;
    case 'bollinger':
      return `bollinger(${spec.period},${spec.deviations})`;
  }
}

/** An incremental indicator fed one closing price per candle. */
export interface IndicatorCalculator<V extends IndicatorValue = IndicatorValue> {
  /** Adds the next candle's close and returns the value, or undefined while warming up. */
  next(close: number): V | undefined;
}

/** Creates a fresh calculator for `spec`. */
export function createIndicator<S extends IndicatorSpec>(spec: S): IndicatorCalculator<IndicatorValueOf<S>>;
export function createIndicator(spec: IndicatorSpec): IndicatorCalculator {
  switch (spec.kind) {
    case 'ema': {
      const ema = new EMA(spec.period);
      let fed = 0;
      return {
        next(close) {
          ema.add(close);
          // EMA.isStable throws and catches internally while warming up; counting is cheaper.
          fed += 1;
          return fed >= spec.period ? ema.getResultOrThrow() : undefined;
        },
      };
    }
    case 'sma': {
      const sma = new SMA(spec.period);
      return { next: (close) => sma.add(close) ?? undefined };
    }
    case 'rsi': {
      const rsi = new RSI(spec.period);
      return { next: (close) => rsi.add(close) ?? undefined };
    }
    case 'macd': {
      const macd = new MACD(new EMA(spec.fast), new EMA(spec.slow), new EMA(spec.signal));
      // The library gives a MACD line once the slow EMA has its period, then seeds the
      // signal EMA with it; the signal line is trusted once it has had its own period.
      const stableAfter = spec.slow + spec.signal - 1;
      let fed = 0;
      return {
        next(close) {
          const value = macd.add(close);
          fed += 1;
          return value === null || fed < stableAfter ? undefined : value;
        },
      };
    }
    case 'bollinger': {
      const bands = new BollingerBands(spec.period, spec.deviations);
      return { next: (close) => bands.add(close) ?? undefined };
    }
  }
}

/** The last two values of an indicator at the candle being decided. */
export interface IndicatorReading<V extends IndicatorValue = number> {
  readonly current: V | undefined;
  readonly previous: V | undefined;
}

/** Readings of the indicators `I` declares, each typed by its kind. */
export type ReadingsOf<I extends IndicatorSpecs> = { readonly [K in keyof I]: IndicatorReading<IndicatorValueOf<I[K]>> };

/**
 * Candles of history to feed before an indicator's value is trusted. An exponential
 * average is fed ten periods so the seed's weight has decayed to nothing (under e^-18),
 * which makes its value the same whether computed from the start of the data or from this
 * window; Wilder's smoothing (RSI) decays slower, so twenty. Windowed indicators need
 * exactly their window.
 */
export function historyNeeded(spec: IndicatorSpec): number {
  switch (spec.kind) {
    case 'ema':
      return Math.min(10 * spec.period, 5_000);
    case 'rsi':
      return Math.min(20 * spec.period + 1, 5_000);
    case 'macd':
      return Math.min(10 * (spec.slow + spec.signal), 5_000);
    case 'sma':
    case 'bollinger':
      return spec.period;
  }
}

/**
 * Indicator values at a candle as a decision records them: one number (or null while
 * warming up) per indicator, or per line of a multi-line one (`name.line`).
 */
export function recordedIndicatorValues(specs: IndicatorSpecs, readings: Readonly<Record<string, IndicatorReading<IndicatorValue>>>): Record<string, number | null> {
  const values: Record<string, number | null> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const current = readings[name]?.current;
    const lines = LINES[spec.kind];
    if (lines === undefined) {
      values[name] = typeof current === 'number' ? current : null;
      continue;
    }
    for (const line of lines) {
      const value = current === undefined || typeof current === 'number' ? undefined : (current as unknown as Record<string, number>)[line];
      values[`${name}.${line}`] = value ?? null;
    }
  }
  return values;
}
