/**
 * The decision on one closed candle, pure and shared by live trading, paper trading and
 * backtests: a stop-loss or take-profit exit if the risk rules demand one, otherwise what
 * the strategy signals, turned into an order intent when it would change the position
 * (an entry when flat, an exit when holding, or an addition when the strategy scales in).
 *
 * Also the wording of what came of a decision, so the live decision log and a backtest's
 * say the same thing in the same words.
 *
 * It runs on every candle of every backtest: when nothing happens it does no decimal
 * arithmetic and allocates nothing (the position's exit levels and view are worked out
 * once per position change by `positionInputs`).
 */
import type { OrderIntent } from '../domain/order.ts';
import type { Position } from '../domain/position.ts';
import { exitAtClose, exitLevels, type ExitLevels, type RiskVerdict } from '../risk/pre-trade-check.ts';
import type { RiskSettings } from '../risk/risk-settings.ts';
import type { Signal, StrategyDefinition, StrategyInput, PositionView } from '../strategies/strategy.ts';

export interface CandleDecisionInput extends StrategyInput {
  readonly strategy: StrategyDefinition;
  /** Stop-loss and take-profit levels of the open position (undefined when flat). */
  readonly exits: ExitLevels | undefined;
  /** Highest close since entry, before this candle, for the trailing stop (undefined: none). */
  readonly peakPrice?: number | undefined;
}

export interface CandleDecision {
  readonly signal: Signal;
  readonly reason: string;
  /** The order the decision asks for, if any; risk approves and sizes it. */
  readonly intent?: OrderIntent | undefined;
}

/** What a decision needs of a position, worked out once per position change. */
export interface PositionInputs {
  readonly position: PositionView;
  readonly exits: ExitLevels | undefined;
}

/** The strategy's view and the exit levels of `position` under `risk`. */
export function positionInputs(position: Position, risk: RiskSettings): PositionInputs {
  const exits = exitLevels(position, risk);
  return { position: exits === undefined ? FLAT_VIEW : { isOpen: true, averageEntryPrice: exits.entryPrice.toNumber() }, exits };
}

const FLAT_VIEW: PositionView = Object.freeze({ isOpen: false, averageEntryPrice: undefined });

export function decideOnCandle(input: CandleDecisionInput): CandleDecision {
  const exit = exitAtClose(input.exits, input.candle.close, input.peakPrice);
  if (exit) return { signal: 'sell', reason: exit.reason, intent: exit };
  const decision = input.strategy.decide(input);
  const holding = input.position.isOpen;
  const { signal } = decision;
  if (signal === 'hold' || (signal === 'buy' && holding && decision.addToPosition !== true) || (signal === 'sell' && !holding)) return decision;
  return { signal, reason: decision.reason, intent: { side: signal, reason: `signal: ${decision.reason}` } };
}

/** Why a candle missing from the data decided nothing. */
export const NO_DATA_REASON = 'no candle in the market data for this time (a gap): nothing decided, indicators carry on from the previous candle';

/** The recorded reason of an intent risk refused. */
export function deniedReason(intent: OrderIntent, verdict: Extract<RiskVerdict, { kind: 'denied' }>): string {
  return `${intent.reason}; denied by risk: ${verdict.reason}`;
}
