/**
 * SMA crossover: buy when the fast simple moving average crosses above the slow one, sell
 * when it crosses below. Slower to turn than the EMA crossover (every candle in the window
 * weighs the same), so it trades less often and later.
 */
import { decision, defineStrategy, type ParamsOf } from '../strategy.ts';

const WARMING_UP = decision('hold', 'warming up: not enough candles for both SMAs');
const BUY = decision('buy', 'fast SMA crossed above slow SMA');
const ALREADY_IN = decision('hold', 'fast SMA crossed above slow, already in position');
const SELL = decision('sell', 'fast SMA crossed below slow SMA');
const NOTHING_TO_SELL = decision('hold', 'fast SMA crossed below slow, no position to sell');
const ABOVE = decision('hold', 'fast SMA above slow, no cross');
const BELOW = decision('hold', 'fast SMA below slow, no cross');

const parameters = {
  fast: { type: 'integer', default: 10, minimum: 2, maximum: 500, description: 'Window of the fast SMA, in candles.' },
  slow: { type: 'integer', default: 30, minimum: 3, maximum: 1000, description: 'Window of the slow SMA, in candles; must be greater than fast.' },
} as const;

export type SmaCrossParams = ParamsOf<typeof parameters>;

export const smaCrossStrategy = defineStrategy({
  name: 'sma-cross',
  title: 'SMA crossover',
  description: 'Buys when the fast simple moving average of closes crosses above the slow one and sells when it crosses below.',
  parameters,
  checkParams: ({ fast, slow }) =>
    fast < slow ? undefined : { field: 'slow', message: `slow (${slow}) must be greater than fast (${fast})` },
  indicators: ({ fast, slow }) => ({ fast: { kind: 'sma', period: fast }, slow: { kind: 'sma', period: slow } }),
  warmupCandles: ({ slow }) => slow + 1,
  decide: ({ indicators: { fast, slow }, position }) => {
    if (fast.previous === undefined || slow.previous === undefined || fast.current === undefined || slow.current === undefined) return WARMING_UP;
    if (fast.previous <= slow.previous && fast.current > slow.current) return position.isOpen ? ALREADY_IN : BUY;
    if (fast.previous >= slow.previous && fast.current < slow.current) return position.isOpen ? SELL : NOTHING_TO_SELL;
    return fast.current > slow.current ? ABOVE : BELOW;
  },
});
