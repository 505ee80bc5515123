import t from 'tap';
import { EMA } from 'trading-signals';
import { emaCrossStrategy } from '../../../libs/strategies/ema-cross/ema-cross.strategy.ts';
import { createIndicator } from '../../../libs/strategies/indicators.ts';
import { findStrategy, resolveStrategyParams } from '../../../libs/strategies/registry.ts';

const candle = { openTime: 0, open: 1, high: 1, low: 1, close: 1, volume: 1 };
const params = { fast: 2, slow: 3 };
const reading = (previous: number | undefined, current: number | undefined) => ({ previous, current });

t.test('ema-cross buys on an upward cross and sells on a downward cross', async (t) => {
  const up = emaCrossStrategy.decide({ params, candle, position: { isOpen: false }, indicators: { fast: reading(1, 3), slow: reading(2, 2) } });
  t.equal(up.signal, 'buy');
  const down = emaCrossStrategy.decide({ params, candle, position: { isOpen: true }, indicators: { fast: reading(3, 1), slow: reading(2, 2) } });
  t.equal(down.signal, 'sell');
});

t.test('ema-cross holds without a cross, while warming up, and when the position already matches', async (t) => {
  t.equal(emaCrossStrategy.decide({ params, candle, position: { isOpen: false }, indicators: { fast: reading(3, 4), slow: reading(2, 2) } }).signal, 'hold');
  const warming = emaCrossStrategy.decide({ params, candle, position: { isOpen: false }, indicators: { fast: reading(undefined, 3), slow: reading(undefined, undefined) } });
  t.equal(warming.signal, 'hold');
  t.match(warming.reason, /warming up/);
  t.equal(emaCrossStrategy.decide({ params, candle, position: { isOpen: true }, indicators: { fast: reading(1, 3), slow: reading(2, 2) } }).signal, 'hold');
});

t.test('the EMA the platform computes equals trading-signals EMA value for value', async (t) => {
  const closes = Array.from({ length: 60 }, (_, index) => 100 + Math.sin(index / 3) * 5 + index * 0.1);
  const ours = createIndicator({ kind: 'ema', period: 12 });
  const reference = new EMA(12);
  for (const close of closes) {
    const value = ours.next(close);
    reference.add(close);
    t.equal(value, reference.isStable ? reference.getResultOrThrow() : undefined);
  }
});

t.test('strategy parameters get defaults, and bad ones are refused naming the field', async (t) => {
  t.same(resolveStrategyParams('ema-cross', {}), { kind: 'valid', params: { fast: 12, slow: 26 } });
  t.match(resolveStrategyParams('ema-cross', { fast: 30, slow: 10 }), { kind: 'invalid', field: 'strategy.params.slow' });
  t.match(resolveStrategyParams('ema-cross', { fast: 1.5 }), { kind: 'invalid', field: 'strategy.params.fast', message: /integer/ });
  t.match(resolveStrategyParams('ema-cross', { fast: 0 }), { kind: 'invalid', field: 'strategy.params.fast', message: /between 2 and 500/ });
  t.match(resolveStrategyParams('ema-cross', { fast: '12' }), { kind: 'invalid', field: 'strategy.params.fast', message: /number/ });
  t.match(resolveStrategyParams('ema-cross', { speed: 3 }), { kind: 'invalid', field: 'strategy.params.speed' });
  t.match(resolveStrategyParams('moon-shot', {}), { kind: 'invalid', field: 'strategy.name', message: /unknown strategy/ });
  t.equal(findStrategy('ema-cross'), emaCrossStrategy);
});
