/**
 * EMA crossover: buy when the fast EMA crosses above the slow one, sell when it crosses
 * below. Acts on the cross itself, not on which line is on top, so a bot started in the
 * middle of a trend waits for the next cross instead of chasing it.
 */
import { defineStrategy } from '../strategy.ts';

export interface EmaCrossParams {
  readonly [name: string]: number;
  readonly fast: number;
  readonly slow: number;
}

export const emaCrossStrategy = defineStrategy<EmaCrossParams>({
  name: 'ema-cross',
  title: 'EMA crossover',
  description: 'Buys when the fast exponential moving average of closes crosses above the slow one and sells when it crosses below.',
  parameters: {
    fast: { type: 'integer', default: 12, minimum: 2, maximum: 500, description: 'Period of the fast EMA, in candles.' },
    slow: { type: 'integer', default: 26, minimum: 3, maximum: 1000, description: 'Period of the slow EMA, in candles; must be greater than fast.' },
  },
  checkParams: ({ fast, slow }) =>
    fast < slow ? undefined : { field: 'slow', message: `slow (${slow}) must be greater than fast (${fast})` },
  indicators: ({ fast, slow }) => ({ fast: { kind: 'ema', period: fast }, slow: { kind: 'ema', period: slow } }),
  warmupCandles: ({ slow }) => slow + 1,
  decide: ({ indicators, position }) => {
    const fast = indicators['fast'];
    const slow = indicators['slow'];
    if (fast?.previous === undefined || slow?.previous === undefined || fast.current === undefined || slow.current === undefined) {
      return { signal: 'hold', reason: 'warming up: not enough candles for both EMAs' };
    }
    const crossedUp = fast.previous <= slow.previous && fast.current > slow.current;
    const crossedDown = fast.previous >= slow.previous && fast.current < slow.current;
    if (crossedUp) return position.isOpen ? { signal: 'hold', reason: 'fast EMA crossed above slow, already in position' } : { signal: 'buy', reason: 'fast EMA crossed above slow EMA' };
    if (crossedDown) return position.isOpen ? { signal: 'sell', reason: 'fast EMA crossed below slow EMA' } : { signal: 'hold', reason: 'fast EMA crossed below slow, no position to sell' };
    return { signal: 'hold', reason: fast.current > slow.current ? 'fast EMA above slow, no cross' : 'fast EMA below slow, no cross' };
  },
});
