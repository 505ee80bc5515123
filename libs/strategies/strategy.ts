/**
 * What a strategy is: a frozen parameter set plus pure hooks (STYLE.md §5). It receives
 * the candle and indicator readings, returns a signal, never awaits and never reads the
 * clock. The same definition runs live, on paper and in backtests.
 *
 * `decide` runs on every candle of every bot and of every backtest, so a strategy answers
 * with decisions built once (module constants) whenever it holds, and builds a new one
 * only when it has something to say that depends on the candle.
 */
import type { Candle } from '../domain/candle.ts';
import type { IndicatorSpecs, ReadingsOf } from './indicators.ts';

export const SIGNALS = ['buy', 'sell', 'hold'] as const;
export type Signal = (typeof SIGNALS)[number];

/** One numeric parameter of a strategy, described well enough for a form and for validation. */
export interface ParameterSpec {
  readonly type: 'integer' | 'number';
  readonly default: number;
  readonly minimum: number;
  readonly maximum: number;
  readonly description: string;
}

export type StrategyParams = Readonly<Record<string, number>>;

/** The parameter values a schema of parameter specs describes. */
export type ParamsOf<S extends Readonly<Record<string, ParameterSpec>>> = { readonly [K in keyof S]: number };

/** What the strategy sees of the bot's position. */
export interface PositionView {
  readonly isOpen: boolean;
  /**
   * Break-even entry price (cost basis per unit, fees included) while a position is open.
   * A float for comparing with candle prices only: no money is computed from it.
   */
  readonly averageEntryPrice?: number | undefined;
}

export interface StrategyInput<P extends StrategyParams = StrategyParams, I extends IndicatorSpecs = IndicatorSpecs> {
  readonly params: P;
  readonly candle: Candle;
  /** Readings of the indicators the strategy declared, by the names it gave them. */
  readonly indicators: ReadingsOf<I>;
  readonly position: PositionView;
}

export interface StrategyDecision {
  readonly signal: Signal;
  /** Human-readable reason, shown on the bot's decision log. */
  readonly reason: string;
  /**
   * A buy while a position is open adds to it (scaling in, as DCA does); without this a
   * buy signal while holding changes nothing. Risk still sizes the addition within the
   * bot's stake and maximum position.
   */
  readonly addToPosition?: boolean;
}

export interface StrategyDefinition<P extends StrategyParams = StrategyParams, I extends IndicatorSpecs = IndicatorSpecs> {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly parameters: Readonly<Record<keyof P & string, ParameterSpec>>;
  /** Cross-parameter rule (e.g. fast < slow): returns the problem, or undefined. */
  readonly checkParams?: (params: P) => { field: string; message: string } | undefined;
  /** Indicators to compute, keyed by the name the strategy reads them by. */
  readonly indicators: (params: P) => I;
  /** Candles of history needed before the strategy may act. */
  readonly warmupCandles: (params: P) => number;
  readonly decide: (input: StrategyInput<P, I>) => StrategyDecision;
}

/** Every definition made by `defineStrategy`, so the catalog can recognise them among a module's exports. */
const DEFINED = new WeakSet<object>();

/** Whether `value` is a strategy made by `defineStrategy`. */
export function isStrategyDefinition(value: unknown): value is StrategyDefinition<any, any> {
  return typeof value === 'object' && value !== null && DEFINED.has(value);
}

/**
 * Declares a strategy, inferring its parameter names from `parameters` and the value type
 * of each indicator from `indicators`, so `decide` is type-checked against both.
 */
export function defineStrategy<const S extends Readonly<Record<string, ParameterSpec>>, const I extends IndicatorSpecs>(
  definition: StrategyDefinition<ParamsOf<S>, I> & { readonly parameters: S },
): StrategyDefinition<ParamsOf<S>, I> & { readonly parameters: S } {
  const frozen = Object.freeze(definition);
  DEFINED.add(frozen);
  return frozen;
}

/** A decision built once, for the answers a strategy gives on most candles. */
export function decision(signal: Signal, reason: string, addToPosition?: boolean): StrategyDecision {
  return Object.freeze(addToPosition === undefined ? { signal, reason } : { signal, reason, addToPosition });
}
