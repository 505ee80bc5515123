/**
 * The decision on one closed candle, pure and shared by live trading, paper trading and
 * backtests: a stop-loss or take-profit exit if the risk rules demand one, otherwise what
 * the strategy signals, turned into an order intent when it would change the position.
 */
import type { Candle } from '../domain/candle.ts';
import { decimalFromPrice } from '../domain/decimal.ts';
import type { OrderIntent } from '../domain/order.ts';
import { isOpen, type Position } from '../domain/position.ts';
import { forcedExit } from '../risk/pre-trade-check.ts';
import type { RiskSettings } from '../risk/risk-settings.ts';
import type { IndicatorReading } from '../strategies/indicators.ts';
import type { Signal, StrategyDefinition, StrategyParams } from '../strategies/strategy.ts';

export interface CandleDecisionInput {
  readonly strategy: StrategyDefinition;
  readonly params: StrategyParams;
  readonly candle: Candle;
  readonly readings: Readonly<Record<string, IndicatorReading>>;
  readonly position: Position;
  readonly risk: RiskSettings;
}

export interface CandleDecision {
  readonly signal: Signal;
  readonly reason: string;
  /** Indicator values at the candle, by name (null while warming up): stored with the decision. */
  readonly indicators: Readonly<Record<string, number | null>>;
  /** The order the decision asks for, if any; risk approves and sizes it. */
  readonly intent: OrderIntent | undefined;
}

export function decideOnCandle(input: CandleDecisionInput): CandleDecision {
  const indicators = Object.fromEntries(Object.entries(input.readings).map(([name, reading]) => [name, reading.current ?? null]));
  const exit = forcedExit(input.position, decimalFromPrice(input.candle.close), input.risk);
  if (exit) return { signal: 'sell', reason: exit.reason, indicators, intent: exit };
  const holding = isOpen(input.position);
  const { signal, reason } = input.strategy.decide({
    params: input.params,
    candle: input.candle,
    indicators: input.readings,
    position: { isOpen: holding },
  });
  const wantsEntry = signal === 'buy' && !holding;
  const wantsExit = signal === 'sell' && holding;
  const intent: OrderIntent | undefined = wantsEntry || wantsExit ? { side: signal, reason: `signal: ${reason}` } : undefined;
  return { signal, reason, indicators, intent };
}
