/**
 * Bollinger band breakout: buy when a candle closes above the upper band (the price broke
 * out of its usual range, upwards), sell when a close falls back under the middle band
 * (the move is spent). Bands widen with volatility, so a breakout in a calm market needs
 * a smaller move than one in a wild market.
 */
import { decision, defineStrategy, type ParamsOf } from '../strategy.ts';

const WARMING_UP = decision('hold', 'warming up: not enough candles for the bands');
const BUY = decision('buy', 'close broke out above the upper band');
const SELL = decision('sell', 'close fell back under the middle band');
const INSIDE = decision('hold', 'close inside the bands, no position: waiting for a breakout');
const RIDING = decision('hold', 'in position, close above the middle band: riding the breakout');

const parameters = {
  period: { type: 'integer', default: 20, minimum: 2, maximum: 500, description: 'Window of the moving average and standard deviation, in candles.' },
  deviations: { type: 'number', default: 2, minimum: 0.5, maximum: 5, description: 'Width of the bands, in standard deviations from the middle.' },
} as const;

export type BollingerBreakoutParams = ParamsOf<typeof parameters>;

export const bollingerBreakoutStrategy = defineStrategy({
  name: 'bollinger-breakout',
  title: 'Bollinger band breakout',
  description: 'Buys when a candle closes above the upper Bollinger band and sells when a close falls back under the middle band.',
  parameters,
  indicators: ({ period, deviations }) => ({ bands: { kind: 'bollinger', period, deviations } }),
  warmupCandles: ({ period }) => period,
  decide: ({ candle, indicators: { bands }, position }) => {
    if (bands.current === undefined) return WARMING_UP;
    if (position.isOpen) return candle.close < bands.current.middle ? SELL : RIDING;
    return candle.close > bands.current.upper ? BUY : INSIDE;
  },
});
