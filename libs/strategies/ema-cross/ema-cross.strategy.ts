/**
 * EMA crossover: buy when the fast EMA crosses above the slow one, sell when it crosses
 * below. Acts on the cross itself, not on which line is on top, so a bot started in the
 * middle of a trend waits for the next cross instead of chasing it.
 */
import { decision, defineStrategy, type ParamsOf } from '../strategy.ts';

const WARMING_UP = decision('hold', 'warming up: not enough candles for both EMAs');
const BUY = decision('buy', 'fast EMA crossed above slow EMA');
const ALREADY_IN = decision('hold', 'fast EMA crossed above slow, already in position');
const SELL = decision('sell', 'fast EMA crossed below slow EMA');
const NOTHING_TO_SELL = decision('hold', 'fast EMA crossed below slow, no position to sell');
const ABOVE = decision('hold', 'fast EMA above slow, no cross');
const BELOW = decision('hold', 'fast EMA below slow, no cross');

const parameters = {
  fast: { type: 'integer', default: 12, minimum: 2, maximum: 500, description: 'Period of the fast EMA, in candles.' },
  slow: { type: 'integer', default: 26, minimum: 3, maximum: 1000, description: 'Period of the slow EMA, in candles; must be greater than fast.' },
} as const;

export type EmaCrossParams = ParamsOf<typeof parameters>;

export const emaCrossStrategy = defineStrategy({
  name: 'ema-cross',
  title: 'EMA crossover',
  description: 'Buys when the fast exponential moving average of closes crosses above the slow one and sells when it crosses below.',
  parameters,
  checkParams: ({ fast, slow }) =>
    fast < slow ? undefined : { field: 'slow', message: `slow (${slow}) must be greater than fast (${fast})` },
  indicators: ({ fast, slow }) => ({ fast: { kind: 'ema', period: fast }, slow: { kind: 'ema', period: slow } }),
  warmupCandles: ({ slow }) => slow + 1,
  decide: ({ indicators: { fast, slow }, position }) => {
    if (fast.previous === undefined || slow.previous === undefined || fast.current === undefined || slow.current === undefined) return WARMING_UP;
    if (fast.previous <= slow.previous && fast.current > slow.current) return position.isOpen ? ALREADY_IN : BUY;
    if (fast.previous >= slow.previous && fast.current < slow.current) return position.isOpen ? SELL : NOTHING_TO_SELL;
    return fast.current > slow.current ? ABOVE : BELOW;
  },
});
