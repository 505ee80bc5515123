/**
 * The strategy catalog, and the validation of a bot's strategy parameters against the
 * chosen strategy's schema.
 *
 * Adding a strategy means adding one folder: every folder here named `<name>` holding
 * `<name>.strategy.ts` that exports the strategy's definition (made with `defineStrategy`,
 * named `<name>`) is loaded when this module is, in name order. A folder that breaks the
 * rule stops the process at start with what is wrong, rather than leaving a strategy
 * silently out of the catalog. See README.md in this folder.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isStrategyDefinition, type StrategyDefinition, type StrategyParams } from './strategy.ts';

/** A strategy folder that does not follow the rule, with the folder and the problem. */
export class StrategyCatalogError extends Error {
  constructor(folder: string, problem: string) {
    super(`strategy folder ${folder}: ${problem}`);
    this.name = 'StrategyCatalogError';
  }
}

/** Loads every strategy folder of `directory` (see the module comment), in name order. */
export async function loadStrategyCatalog(directory: string): Promise<StrategyDefinition<any, any>[]> {
  const folders = readdirSync(directory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const strategies: StrategyDefinition<any, any>[] = [];
  for (const folder of folders) {
    const file = path.join(directory, folder, `${folder}.strategy.ts`);
    if (!existsSync(file)) throw new StrategyCatalogError(folder, `expected ${folder}.strategy.ts in it`);
    const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    const definitions = Object.values(module).filter(isStrategyDefinition);
    if (definitions.length !== 1) throw new StrategyCatalogError(folder, `${folder}.strategy.ts must export exactly one defineStrategy(...) definition, found ${definitions.length}`);
    const strategy = definitions[0]!;
    if (strategy.name !== folder) throw new StrategyCatalogError(folder, `the strategy is named ${JSON.stringify(strategy.name)}; name it like its folder`);
    const defaults = resolveParams(strategy, {});
    if (defaults.kind === 'invalid') throw new StrategyCatalogError(folder, `its default parameters are invalid: ${defaults.message}`);
    strategies.push(strategy);
  }
  return strategies;
}

const STRATEGIES: readonly StrategyDefinition<any, any>[] = await loadStrategyCatalog(import.meta.dirname);

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
export function resolveParams(strategy: StrategyDefinition<any, any>, given: Readonly<Record<string, unknown>> = {}): ParamsResult {
  const params: Record<string, number> = {};
  for (const key of Object.keys(given)) {
    if (!(key in strategy.parameters)) {
      return { kind: 'invalid', field: `strategy.params.${key}`, message: `${strategy.name} has no parameter ${JSON.stringify(key)}; it takes ${Object.keys(strategy.parameters).join(', ')}` };
    }
  }
  for (const [key, spec] of Object.entries(strategy.parameters as StrategyDefinition['parameters'])) {
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
