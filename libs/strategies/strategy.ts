/**
 * What a strategy is: a frozen parameter set plus pure hooks (STYLE.md §5). It receives
 * the candle and indicator readings, returns a signal, never awaits and never reads the
 * clock. The same definition runs live, on paper and in backtests.
 */
import type { Candle } from '../domain/candle.ts';
import type { IndicatorReading, IndicatorSpec } from './indicators.ts';

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

/** What the strategy sees of the bot's position. */
export interface PositionView {
  readonly isOpen: boolean;
}

export interface StrategyInput<P extends StrategyParams> {
  readonly params: P;
  readonly candle: Candle;
  /** Readings of the indicators the strategy declared, by the names it gave them. */
  readonly indicators: Readonly<Record<string, IndicatorReading>>;
  readonly position: PositionView;
}

export interface StrategyDecision {
  readonly signal: Signal;
  /** Human-readable reason, shown on the bot's decision log. */
  readonly reason: string;
}

export interface StrategyDefinition<P extends StrategyParams = StrategyParams> {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly parameters: Readonly<Record<keyof P & string, ParameterSpec>>;
  /** Cross-parameter rule (e.g. fast < slow): returns the problem, or undefined. */
  readonly checkParams?: (params: P) => { field: string; message: string } | undefined;
  /** Indicators to compute, keyed by the name the strategy reads them by. */
  readonly indicators: (params: P) => Readonly<Record<string, IndicatorSpec>>;
  /** Candles of history needed before the strategy may act. */
  readonly warmupCandles: (params: P) => number;
  readonly decide: (input: StrategyInput<P>) => StrategyDecision;
}

/** Helper that keeps the parameter type of a definition while typing it as a definition. */
export function defineStrategy<P extends StrategyParams>(definition: StrategyDefinition<P>): StrategyDefinition<P> {
  return Object.freeze(definition);
}
