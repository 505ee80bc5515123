/**
 * RSI mean reversion: after a sell-off drives the relative strength index under the
 * oversold line, buy when it climbs back over it (the selling has exhausted itself); sell
 * once the RSI reaches the overbought line. Buying on the way back up, not while still
 * falling, avoids catching every leg of a crash.
 */
import { decision, defineStrategy, type ParamsOf } from '../strategy.ts';

const WARMING_UP = decision('hold', 'warming up: not enough candles for the RSI');
const BUY = decision('buy', 'RSI climbed back over the oversold line');
const SELL = decision('sell', 'RSI reached the overbought line');
const OVERSOLD = decision('hold', 'RSI under the oversold line: waiting for it to turn up');
const WAITING = decision('hold', 'RSI between the lines, no position: waiting for an oversold turn');
const HOLDING = decision('hold', 'in position: waiting for the RSI to reach the overbought line');

const parameters = {
  period: { type: 'integer', default: 14, minimum: 2, maximum: 200, description: 'Period of the RSI, in candles.' },
  oversold: { type: 'number', default: 30, minimum: 1, maximum: 50, description: 'RSI under this is oversold; crossing back over it buys.' },
  overbought: { type: 'number', default: 70, minimum: 50, maximum: 99, description: 'RSI at or over this is overbought: sell. Must be greater than oversold.' },
} as const;

export type RsiReversionParams = ParamsOf<typeof parameters>;

export const rsiReversionStrategy = defineStrategy({
  name: 'rsi-reversion',
  title: 'RSI mean reversion',
  description: 'Buys when the relative strength index climbs back over the oversold line and sells when it reaches the overbought line.',
  parameters,
  checkParams: ({ oversold, overbought }) =>
    oversold < overbought ? undefined : { field: 'overbought', message: `overbought (${overbought}) must be greater than oversold (${oversold})` },
  indicators: ({ period }) => ({ rsi: { kind: 'rsi', period } }),
  warmupCandles: ({ period }) => period + 2,
  decide: ({ params: { oversold, overbought }, indicators: { rsi }, position }) => {
    if (rsi.current === undefined || rsi.previous === undefined) return WARMING_UP;
    if (position.isOpen) return rsi.current >= overbought ? SELL : HOLDING;
    if (rsi.previous < oversold && rsi.current >= oversold) return BUY;
    return rsi.current < oversold ? OVERSOLD : WAITING;
  },
});
