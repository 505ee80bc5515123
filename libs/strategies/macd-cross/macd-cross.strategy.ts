/**
 * MACD signal cross: buy when the MACD line (fast EMA minus slow EMA) crosses above its
 * signal line, sell when it crosses below; the histogram changing sign is the cross.
 * Momentum turning, measured on two smoothings, so it reacts later but more surely than
 * a plain EMA crossover.
 */
import { decision, defineStrategy, type ParamsOf } from '../strategy.ts';

const WARMING_UP = decision('hold', 'warming up: not enough candles for the MACD and its signal line');
const BUY = decision('buy', 'MACD crossed above its signal line');
const ALREADY_IN = decision('hold', 'MACD crossed above its signal line, already in position');
const SELL = decision('sell', 'MACD crossed below its signal line');
const NOTHING_TO_SELL = decision('hold', 'MACD crossed below its signal line, no position to sell');
const ABOVE = decision('hold', 'MACD above its signal line, no cross');
const BELOW = decision('hold', 'MACD below its signal line, no cross');

const parameters = {
  fast: { type: 'integer', default: 12, minimum: 2, maximum: 500, description: 'Period of the fast EMA, in candles.' },
  slow: { type: 'integer', default: 26, minimum: 3, maximum: 1000, description: 'Period of the slow EMA, in candles; must be greater than fast.' },
  signal: { type: 'integer', default: 9, minimum: 2, maximum: 500, description: 'Period of the signal line (an EMA of the MACD line), in candles.' },
} as const;

export type MacdCrossParams = ParamsOf<typeof parameters>;

export const macdCrossStrategy = defineStrategy({
  name: 'macd-cross',
  title: 'MACD signal cross',
  description: 'Buys when the MACD line crosses above its signal line and sells when it crosses below.',
  parameters,
  checkParams: ({ fast, slow }) =>
    fast < slow ? undefined : { field: 'slow', message: `slow (${slow}) must be greater than fast (${fast})` },
  indicators: ({ fast, slow, signal }) => ({ macd: { kind: 'macd', fast, slow, signal } }),
  warmupCandles: ({ slow, signal }) => slow + signal,
  decide: ({ indicators: { macd }, position }) => {
    if (macd.current === undefined || macd.previous === undefined) return WARMING_UP;
    const before = macd.previous.histogram;
    const now = macd.current.histogram;
    if (before <= 0 && now > 0) return position.isOpen ? ALREADY_IN : BUY;
    if (before >= 0 && now < 0) return position.isOpen ? SELL : NOTHING_TO_SELL;
    return now > 0 ? ABOVE : BELOW;
  },
});
