/**
 * Parameter schemas (fastest-validator, Moleculer's validator) of the bots actions. Strict:
 * a field the API does not know is refused, never silently dropped. The gateway's
 * OpenAPI document is generated from these.
 */
import { SYMBOL_PATTERN } from '../../libs/domain/candle.ts';
import { TIMEFRAMES } from '../../libs/domain/timeframe.ts';
import { STOP_POLICIES } from '../../libs/execution/stop-policy.ts';
import { SIZING_MODES } from '../../libs/risk/risk-settings.ts';

/** Largest amount accepted anywhere: far above any real account, far below overflow. */
export const MAXIMUM_AMOUNT = '1000000000000';

/** A positive decimal string with at most 18 decimals ("1000", "0.05"). */
const amount = (description: string) => ({
  type: 'string',
  pattern: '^(0|[1-9][0-9]{0,14})(\\.[0-9]{1,18})?$',
  max: 40,
  description,
  // No double quotes in messages: fastest-validator compiles them into code.
  messages: { stringPattern: "The '{field}' field must be a decimal string such as 1000 or 0.05, at most 1000000000000." },
});

const window = (description: string, maximum: number) => ({ type: 'number', integer: true, min: 1, max: maximum, description });

const percent = (description: string, maximum: number) => ({ type: 'number', min: 0.01, max: maximum, nullable: true, optional: true, description });

export const riskSchema = {
  type: 'object',
  optional: true,
  strict: true,
  description: 'Risk limits; every field has a default.',
  props: {
    stakeAmount: { ...amount('Quote currency committed per entry (default 100).'), optional: true },
    maxPositionAmount: { ...amount('Largest position, by entry cost in quote currency (default 1000).'), optional: true },
    stopLossPercent: percent('Exit when price falls this many percent under the break-even entry (default 5; null disables).', 99),
    takeProfitPercent: percent('Exit when price rises this many percent over the break-even entry (default 10; null disables).', 1000),
    sizingMode: { type: 'enum', values: [...SIZING_MODES], optional: true, description: 'How entries are sized: fixed-quote (stakeAmount, default), percent-of-equity (stakePercent of equity) or percent-risked (riskPercent of equity lost at the stop-loss).' },
    stakePercent: { type: 'number', min: 0.01, max: 100, optional: true, description: 'Percent of equity per entry with sizingMode percent-of-equity (default 10).' },
    riskPercent: { type: 'number', min: 0.01, max: 100, optional: true, description: 'Percent of equity lost if the stop-loss is hit, with sizingMode percent-risked (default 1).' },
    maxOpenOrders: { type: 'number', integer: true, min: 1, max: 100, optional: true, description: 'Most unsettled orders at once (default 1).' },
    trailingStopPercent: percent('Exit when price falls this many percent under the highest close since entry, checked on candle close (default none).', 99),
    protections: {
      type: 'object', optional: true, strict: true,
      description: 'Protections that pause entries (never exits) after bad exits; all off by default.',
      props: {
        stopLossGuard: { type: 'object', optional: true, nullable: true, strict: true, props: { tradeLimit: window('Stop-loss exits that trigger the pause.', 1000), lookbackMinutes: window('Minutes looked back.', 525600), pauseMinutes: window('Minutes entries stay paused.', 525600) } },
        maxDrawdown: { type: 'object', optional: true, nullable: true, strict: true, props: { maxDrawdownPercent: { type: 'number', min: 0.01, max: 100 }, lookbackMinutes: window('Minutes looked back.', 525600), pauseMinutes: window('Minutes entries stay paused.', 525600) } },
        cooldownMinutes: { type: 'number', integer: true, min: 1, max: 525600, optional: true, nullable: true, description: 'Minutes after an exit before the next entry.' },
        lowProfit: { type: 'object', optional: true, nullable: true, strict: true, props: { minProfitPercent: { type: 'number', min: -100, max: 1000 }, tradeLimit: window('Exits needed before judging.', 1000), lookbackMinutes: window('Minutes looked back.', 525600), pauseMinutes: window('Minutes entries stay paused.', 525600) } },
      },
    },
  },
};

export const strategySchema = {
  type: 'object',
  strict: true,
  description: 'The strategy and its parameters (see GET /api/strategies).',
  props: {
    name: { type: 'string', min: 1, max: 64, description: 'Strategy name, e.g. "ema-cross".' },
    params: { type: 'object', optional: true, description: 'Parameters; omitted ones take their defaults.' },
  },
};

const botFields = {
  name: { type: 'string', min: 1, max: 100, trim: true, description: 'A name for the bot.' },
  exchange: { type: 'string', enum: ['paper'], optional: true, description: 'Where orders go: "paper" (simulated fills).' },
  marketSource: { type: 'string', min: 1, max: 64, optional: true, description: 'Where candles come from: "simulated" (default) or "replay" when configured.' },
  market: { type: 'string', pattern: SYMBOL_PATTERN, max: 32, description: 'Market symbol, BASE/QUOTE, e.g. "BTC/USDT".', messages: { stringPattern: "The '{field}' field must be a market symbol such as BTC/USDT." } },
  timeframe: { type: 'enum', values: [...TIMEFRAMES], optional: true, description: 'Candle timeframe (default "1m").' },
  strategy: strategySchema,
  risk: riskSchema,
  quoteBalance: { ...amount('Starting paper balance in quote currency (default "1000").'), optional: true },
  exchangeAccountId: { type: 'uuid', nullable: true, optional: true, description: 'Your exchange account to trade on (see /api/exchange-accounts); null or absent: paper trading.' },
  stopPolicy: { type: 'enum', values: [...STOP_POLICIES], optional: true, description: 'On stop: cancel the bot\'s open exchange orders (cancel-orders, default) or leave them working (leave-orders).' },
};

export const createBotParams = { $$strict: true, ...botFields };

function optionalAll<T extends Record<string, object>>(fields: T): T {
  return Object.fromEntries(Object.entries(fields).map(([key, rule]) => [key, { ...rule, optional: true }])) as T;
}

export const updateBotParams = { $$strict: true, id: { type: 'uuid', description: 'Bot id.' }, ...optionalAll(botFields) };

export const botIdParams = { $$strict: true, id: { type: 'uuid', description: 'Bot id.' } };

export const pageParams = {
  $$strict: true,
  id: { type: 'uuid', description: 'Bot id.' },
  limit: { type: 'number', integer: true, min: 1, max: 500, optional: true, convert: true, description: 'Items per page (default 50, at most 500).' },
  cursor: { type: 'string', max: 200, optional: true, description: 'nextCursor of the previous page.' },
};

export const listBotsParams = {
  $$strict: true,
  limit: { type: 'number', integer: true, min: 1, max: 1000, optional: true, convert: true, description: 'Most bots to return (default 1000).' },
};
