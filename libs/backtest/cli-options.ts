/**
 * The options of `npm run backtest`, checked before anything runs: a bad one is refused
 * with a message naming the option, never a stack trace.
 */
import { parseArgs } from 'node:util';
import { isDecimalString, Decimal } from '../domain/decimal.ts';
import { isTimeframe, TIMEFRAMES, type Timeframe } from '../domain/timeframe.ts';
import { DEFAULT_PAPER_FILL_MODEL } from '../exchange/paper/paper-exchange.ts';
import { DEFAULT_RISK, type RiskSettingsRecord } from '../risk/risk-settings.ts';
import { findStrategy, listStrategies, resolveParams } from '../strategies/registry.ts';
import type { StrategyDefinition } from '../strategies/strategy.ts';
import { RANKINGS, type Ranking } from './sweep.ts';

export const USAGE = `Usage: npm run backtest -- --strategy <name> --data <candle file> [options]

  --strategy <name>        one of the catalog (${listStrategies().map((strategy) => strategy.name).join(', ')})
  --data <file>            candle file: JSON rows [openTimeMs, open, high, low, close, volume], named BASE_QUOTE-TIMEFRAME.json
  --params <json>          strategy parameters, e.g. '{"fast":12,"slow":26}' (others take their defaults)
  --timeframe <tf>         decide on larger candles built from the file's (${TIMEFRAMES.join(' ')})
  --balance <amount>       starting quote balance (default 1000)
  --fee <rate>             fee per fill as a fraction of its value (default ${DEFAULT_PAPER_FILL_MODEL.feeRate.toFixed()})
  --slippage <rate>        price moved against each fill, as a fraction (default ${DEFAULT_PAPER_FILL_MODEL.slippageRate.toFixed()})
  --stake <amount>         quote committed per entry (default ${DEFAULT_RISK.stakeAmount}, as a bot)
  --max-position <amount>  largest position by entry cost (default ${DEFAULT_RISK.maxPositionAmount})
  --stop-loss <percent>    exit this far under the entry, or "off" (default ${DEFAULT_RISK.stopLossPercent})
  --take-profit <percent>  exit this far over the entry, or "off" (default ${DEFAULT_RISK.takeProfitPercent})
  --out <file.html>        write a page with the candles, entries and exits, and the equity curve
  --sweep <json>           try every combination, e.g. '{"fast":[8,12,16],"slow":[26,34]}', on all cores
  --rank-by <metric>       order of the sweep's results: ${RANKINGS.join(', ')} (default return)
  --workers <n>            threads for a sweep (default: one per core)
  --json                   print the report as JSON instead of text
  --help                   this text`;

export interface BacktestCliOptions {
  readonly strategy: StrategyDefinition;
  readonly params: Readonly<Record<string, number>>;
  readonly givenParams: Readonly<Record<string, unknown>>;
  readonly dataPath: string;
  readonly timeframe: Timeframe | undefined;
  readonly balance: string;
  readonly feeRate: string;
  readonly slippageRate: string;
  readonly risk: RiskSettingsRecord;
  readonly out: string | undefined;
  readonly sweep: unknown;
  readonly rankBy: Ranking;
  readonly workers: number | undefined;
  readonly json: boolean;
}

/** A bad command line, naming the option. */
export class CliOptionError extends Error {
  readonly option: string;
  constructor(option: string, problem: string) {
    super(`${option}: ${problem}`);
    this.name = 'CliOptionError';
    this.option = option;
  }
}

function parseJson(option: string, text: string, example: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new CliOptionError(option, `not valid JSON (${JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text)}); expected e.g. '${example}'`);
  }
}

function amount(option: string, text: string | undefined, fallback: string): string {
  const value = text ?? fallback;
  if (!isDecimalString(value) || new Decimal(value).lte(0)) throw new CliOptionError(option, `must be a positive decimal number such as 1000 or 0.5, got ${JSON.stringify(value)}`);
  return new Decimal(value).toFixed();
}

function rate(option: string, text: string | undefined, fallback: Decimal): string {
  const value = text ?? fallback.toFixed();
  if (!isDecimalString(value) || new Decimal(value).lt(0) || new Decimal(value).gte('0.5')) {
    throw new CliOptionError(option, `must be a fraction from 0 up to 0.5 (0.001 is 0.1%), got ${JSON.stringify(value)}`);
  }
  return new Decimal(value).toFixed();
}

function percentOrOff(option: string, text: string | undefined, fallback: number | null, maximum: number): number | null {
  if (text === undefined) return fallback;
  if (text === 'off') return null;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0.01 || value > maximum) throw new CliOptionError(option, `must be a percentage from 0.01 to ${maximum}, or "off", got ${JSON.stringify(text)}`);
  return value;
}

/** Parses and checks the command line (without the node and script arguments). */
export function parseBacktestOptions(argv: readonly string[]): BacktestCliOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        strategy: { type: 'string' }, data: { type: 'string' }, params: { type: 'string' }, timeframe: { type: 'string' },
        balance: { type: 'string' }, fee: { type: 'string' }, slippage: { type: 'string' }, stake: { type: 'string' },
        'max-position': { type: 'string' }, 'stop-loss': { type: 'string' }, 'take-profit': { type: 'string' },
        out: { type: 'string' }, sweep: { type: 'string' }, 'rank-by': { type: 'string' }, workers: { type: 'string' },
        json: { type: 'boolean' }, help: { type: 'boolean' },
      },
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const option = /'(--?[\w-]+)/.exec(message)?.[1] ?? 'command line';
    throw new CliOptionError(option, message);
  }
  const values = parsed.values;
  if (values.help) return 'help';
  if (values.strategy === undefined) throw new CliOptionError('--strategy', `is required: one of ${listStrategies().map((strategy) => strategy.name).join(', ')}`);
  const strategy = findStrategy(values.strategy);
  if (!strategy) throw new CliOptionError('--strategy', `unknown strategy ${JSON.stringify(values.strategy)}; known: ${listStrategies().map((known) => known.name).join(', ')}`);
  if (values.data === undefined) throw new CliOptionError('--data', 'is required: a candle file such as ../shared/data/ohlcv/ETH_BTC-1m.json');
  const givenParams = values.params === undefined ? {} : parseJson('--params', values.params, '{"fast":12,"slow":26}');
  if (typeof givenParams !== 'object' || givenParams === null || Array.isArray(givenParams)) throw new CliOptionError('--params', 'must be a JSON object of parameter name to number');
  const params = resolveParams(strategy, givenParams as Record<string, unknown>);
  if (params.kind === 'invalid') throw new CliOptionError('--params', params.message.replace(/strategy\.params\./g, ''));
  if (values.timeframe !== undefined && !isTimeframe(values.timeframe)) throw new CliOptionError('--timeframe', `must be one of ${TIMEFRAMES.join(', ')}, got ${JSON.stringify(values.timeframe)}`);
  const rankBy = values['rank-by'] ?? 'return';
  if (!(RANKINGS as readonly string[]).includes(rankBy)) throw new CliOptionError('--rank-by', `must be one of ${RANKINGS.join(', ')}, got ${JSON.stringify(rankBy)}`);
  let workers: number | undefined;
  if (values.workers !== undefined) {
    workers = Number(values.workers);
    if (!Number.isSafeInteger(workers) || workers < 1 || workers > 256) throw new CliOptionError('--workers', `must be a whole number from 1 to 256, got ${JSON.stringify(values.workers)}`);
  }
  if (values.out !== undefined && !values.out.endsWith('.html')) throw new CliOptionError('--out', `must name an .html file, got ${JSON.stringify(values.out)}`);
  return {
    strategy,
    params: params.params,
    givenParams: givenParams as Record<string, unknown>,
    dataPath: values.data,
    timeframe: values.timeframe as Timeframe | undefined,
    balance: amount('--balance', values.balance, '1000'),
    feeRate: rate('--fee', values.fee, DEFAULT_PAPER_FILL_MODEL.feeRate),
    slippageRate: rate('--slippage', values.slippage, DEFAULT_PAPER_FILL_MODEL.slippageRate),
    risk: {
      stakeAmount: amount('--stake', values.stake, DEFAULT_RISK.stakeAmount),
      maxPositionAmount: amount('--max-position', values['max-position'], DEFAULT_RISK.maxPositionAmount),
      stopLossPercent: percentOrOff('--stop-loss', values['stop-loss'], DEFAULT_RISK.stopLossPercent, 99),
      takeProfitPercent: percentOrOff('--take-profit', values['take-profit'], DEFAULT_RISK.takeProfitPercent, 1000),
    },
    out: values.out,
    sweep: values.sweep === undefined ? undefined : parseJson('--sweep', values.sweep, '{"fast":[8,12,16],"slow":[26,34]}'),
    rankBy: rankBy as Ranking,
    workers,
    json: values.json === true,
  };
}
