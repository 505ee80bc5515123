/**
 * Dollar-cost averaging: buy a first stake when the price dips under its moving average,
 * then buy another stake each time the price falls a further step under the position's
 * average entry (each purchase lowers that average), and sell everything once the price
 * is a target percentage over the average entry. The bot's stake sizes every purchase and
 * its maximum position caps the ladder: risk refuses additions beyond it.
 *
 * Averaging down rides out dips a stop-loss would cut, so give a DCA bot a stop-loss
 * wider than the ladder (or none), and a take-profit at or above this strategy's target.
 */
import { decision, defineStrategy, type ParamsOf } from '../strategy.ts';

const WARMING_UP = decision('hold', 'warming up: not enough candles for the moving average');
const WAITING = decision('hold', 'no position: waiting for the price to dip to its moving average');
const HOLDING = decision('hold', 'in position: between the next buying step and the profit target');

const parameters = {
  period: { type: 'integer', default: 20, minimum: 2, maximum: 1000, description: 'Window of the moving average the first purchase waits for, in candles.' },
  entryDipPercent: { type: 'number', default: 0, minimum: 0, maximum: 50, description: 'The first purchase waits for the price to be this many percent under its moving average (0: at or under it).' },
  stepPercent: { type: 'number', default: 2, minimum: 0.1, maximum: 50, description: 'Buy again each time the price is this many percent under the average entry price.' },
  targetPercent: { type: 'number', default: 3, minimum: 0.1, maximum: 1000, description: 'Sell the whole position when the price is this many percent over the average entry price.' },
} as const;

export type DcaParams = ParamsOf<typeof parameters>;

export const dcaStrategy = defineStrategy({
  name: 'dca',
  title: 'Dollar-cost averaging',
  description: 'Buys a stake on a dip under the moving average, buys again each time the price falls a step under the average entry, and sells all at a profit target over it.',
  parameters,
  indicators: ({ period }) => ({ average: { kind: 'sma', period } }),
  warmupCandles: ({ period }) => period,
  decide: ({ params: { entryDipPercent, stepPercent, targetPercent }, candle, indicators: { average }, position }) => {
    if (average.current === undefined) return WARMING_UP;
    const entry = position.averageEntryPrice;
    if (!position.isOpen || entry === undefined) {
      if (candle.close > average.current * (1 - entryDipPercent / 100)) return WAITING;
      return { signal: 'buy', reason: `price ${entryDipPercent}% or more under its moving average: first purchase` };
    }
    if (candle.close >= entry * (1 + targetPercent / 100)) return { signal: 'sell', reason: `price ${targetPercent}% or more over the average entry: taking the profit` };
    if (candle.close <= entry * (1 - stepPercent / 100)) return { signal: 'buy', reason: `price ${stepPercent}% or more under the average entry: buying another stake`, addToPosition: true };
    return HOLDING;
  },
});
