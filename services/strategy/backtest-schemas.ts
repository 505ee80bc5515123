/**
 * Parameter schemas (fastest-validator) of the backtest actions. Strict: an unknown field
 * is refused. The gateway's OpenAPI document is generated from these.
 */
import { SYMBOL_PATTERN } from '../../libs/domain/candle.ts';
import { TIMEFRAMES } from '../../libs/domain/timeframe.ts';
import { BACKTEST_SOURCES } from '../../libs/backtest/backtest-request.ts';
import { riskSchema, strategySchema } from '../bots/bot-schemas.ts';

const decimalText = (description: string) => ({
  type: 'string', pattern: '^(0|[1-9][0-9]{0,14})(\\.[0-9]{1,18})?$', max: 40, optional: true, description,
  messages: { stringPattern: "The '{field}' field must be a decimal string such as 1000 or 0.001." },
});

const isoTime = (description: string) => ({ type: 'string', max: 40, optional: true, description });

export const createBacktestParams = {
  $$strict: true,
  strategy: strategySchema,
  data: {
    type: 'object',
    strict: true,
    description: 'The candles to backtest on: a replay file the platform serves (REPLAY_DIR), or a range of the simulated market.',
    props: {
      source: { type: 'enum', values: [...BACKTEST_SOURCES], optional: true, description: 'Market source: "replay" (default) or "simulated".' },
      market: { type: 'string', pattern: SYMBOL_PATTERN, max: 32, description: 'Market symbol, e.g. "ETH/BTC".', messages: { stringPattern: "The '{field}' field must be a market symbol such as ETH/BTC." } },
      timeframe: { type: 'enum', values: [...TIMEFRAMES], optional: true, description: 'Candle timeframe (default "1m"); larger ones are built from the data.' },
      from: isoTime('First candle (ISO 8601); default: the start of the replay file, or a week before the simulation start.'),
      to: isoTime('Last candle (ISO 8601); default: the end of the replay file, or the simulation start.'),
    },
  },
  quoteBalance: decimalText('Starting quote balance (default "1000").'),
  risk: riskSchema,
  feeRate: decimalText('Fee per fill, as a fraction of its value (default "0.001").'),
  slippageRate: decimalText('Price moved against each fill, as a fraction (default "0.0005").'),
};

export const backtestIdParams = { $$strict: true, id: { type: 'uuid', description: 'Backtest id.' } };

export const listBacktestsParams = {
  $$strict: true,
  limit: { type: 'number', integer: true, min: 1, max: 200, optional: true, convert: true, description: 'Most backtests to return, newest first (default 50).' },
};
