/**
 * The strategy catalog. Adding a strategy means adding its folder and one line here.
 * Validates a bot's strategy parameters against the chosen strategy's schema.
 */
import { emaCrossStrategy } from './ema-cross/ema-cross.strategy.ts';
import type { StrategyDefinition, StrategyParams } from './strategy.ts';

const STRATEGIES: readonly StrategyDefinition<any>[] = [emaCrossStrategy];

const BY_NAME: ReadonlyMap<string, StrategyDefinition> = new Map(STRATEGIES.map((strategy) => [strategy.name, strategy]));

export function listStrategies(): readonly StrategyDefinition[] {
  return STRATEGIES;
}

export function findStrategy(name: string): StrategyDefinition | undefined {
  return BY_NAME.get(name);
}

export type ParamsResult =
  | { readonly kind: 'valid'; readonly params: StrategyParams }
  | { readonly kind: 'invalid'; readonly field: string; readonly message: string };

/**
 * Fills defaults and checks every parameter against the strategy's schema. `field` in a
 * refusal is the full path a client sent (e.g. "strategy.params.fast").
 */
export function resolveStrategyParams(name: string, given: Readonly<Record<string, unknown>> = {}): ParamsResult {
  const strategy = findStrategy(name);
  if (!strategy) {
    return { kind: 'invalid', field: 'strategy.name', message: `unknown strategy ${JSON.stringify(name)}; known: ${[...BY_NAME.keys()].join(', ')}` };
  }
  return resolveParams(strategy, given);
}

/** Fills defaults and checks `given` against `strategy`'s parameter schema. */
export function resolveParams(strategy: StrategyDefinition, given: Readonly<Record<string, unknown>> = {}): ParamsResult {
  const params: Record<string, number> = {};
  for (const key of Object.keys(given)) {
    if (!(key in strategy.parameters)) {
      return { kind: 'invalid', field: `strategy.params.${key}`, message: `${strategy.name} has no parameter ${JSON.stringify(key)}; it takes ${Object.keys(strategy.parameters).join(', ')}` };
    }
  }
  for (const [key, spec] of Object.entries(strategy.parameters)) {
    const value = given[key] ?? spec.default;
    const field = `strategy.params.${key}`;
    if (typeof value !== 'number' || !Number.isFinite(value)) return { kind: 'invalid', field, message: `${field} must be a number` };
    if (spec.type === 'integer' && !Number.isInteger(value)) return { kind: 'invalid', field, message: `${field} must be an integer` };
    if (value < spec.minimum || value > spec.maximum) {
      return { kind: 'invalid', field, message: `${field} must be between ${spec.minimum} and ${spec.maximum}, got ${value}` };
    }
    params[key] = value;
  }
  const problem = strategy.checkParams?.(params);
  if (problem) return { kind: 'invalid', field: `strategy.params.${problem.field}`, message: problem.message };
  return { kind: 'valid', params: Object.freeze(params) };
}
