import t from 'tap';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { bollingerBreakoutStrategy } from '../../../libs/strategies/bollinger-breakout/bollinger-breakout.strategy.ts';
import { dcaStrategy } from '../../../libs/strategies/dca/dca.strategy.ts';
import { macdCrossStrategy } from '../../../libs/strategies/macd-cross/macd-cross.strategy.ts';
import { listStrategies, loadStrategyCatalog, resolveStrategyParams } from '../../../libs/strategies/registry.ts';
import { rsiReversionStrategy } from '../../../libs/strategies/rsi-reversion/rsi-reversion.strategy.ts';
import { smaCrossStrategy } from '../../../libs/strategies/sma-cross/sma-cross.strategy.ts';

const candle = (close: number) => ({ openTime: 0, open: close, high: close, low: close, close, volume: 1 });
const flat = { isOpen: false };
const holding = (averageEntryPrice: number) => ({ isOpen: true, averageEntryPrice });
const number = (previous: number | undefined, current: number | undefined) => ({ previous, current });

t.test('the catalog holds the six strategies, one per folder, each with a schema whose defaults validate', async (t) => {
  t.same(listStrategies().map((strategy) => strategy.name), ['bollinger-breakout', 'dca', 'ema-cross', 'macd-cross', 'rsi-reversion', 'sma-cross']);
  for (const strategy of listStrategies()) {
    t.ok(strategy.title.length > 0 && strategy.description.length > 20, `${strategy.name} is described`);
    for (const [name, spec] of Object.entries(strategy.parameters)) {
      t.ok(spec.minimum <= spec.default && spec.default <= spec.maximum && spec.description.length > 10, `${strategy.name}.${name} has bounds around its default and a description`);
    }
    t.equal(resolveStrategyParams(strategy.name, {}).kind, 'valid');
  }
});

t.test('adding a strategy is adding a folder: the catalog loads it; a folder that breaks the rule is refused', async (t) => {
  const strategyModule = pathToFileURL(path.resolve(import.meta.dirname, '../../../libs/strategies/strategy.ts')).href;
  const source = (name: string) => `import { decision, defineStrategy } from '${strategyModule}';
const HOLD = decision('hold', 'always');
export const someStrategy = defineStrategy({
  name: '${name}', title: 'Always hold', description: 'Holds on every candle, whatever happens.',
  parameters: { period: { type: 'integer', default: 5, minimum: 1, maximum: 10, description: 'Unused period.' } },
  indicators: ({ period }) => ({ average: { kind: 'sma', period } }),
  warmupCandles: ({ period }) => period,
  decide: () => HOLD,
});
`;
  const root = t.testdir({
    good: { 'always-hold': { 'always-hold.strategy.ts': source('always-hold') } },
    misnamed: { 'always-hold': { 'always-hold.strategy.ts': source('never-sell') } },
    empty: { lonely: { 'notes.md': 'no strategy here' } },
  });
  const loaded = await loadStrategyCatalog(path.join(root, 'good'));
  t.same(loaded.map((strategy) => strategy.name), ['always-hold']);
  t.equal(loaded[0]?.decide({ params: { period: 5 }, candle: candle(1), indicators: {}, position: flat }).signal, 'hold');

  await t.rejects(loadStrategyCatalog(path.join(root, 'misnamed')), /strategy folder always-hold: the strategy is named "never-sell"; name it like its folder/);
  await t.rejects(loadStrategyCatalog(path.join(root, 'empty')), /strategy folder lonely: expected lonely.strategy.ts in it/);
});

t.test('each strategy refuses bad parameters naming the parameter', async (t) => {
  t.match(resolveStrategyParams('sma-cross', { fast: 50, slow: 20 }), { kind: 'invalid', field: 'strategy.params.slow' });
  t.match(resolveStrategyParams('rsi-reversion', { oversold: 60 }), { kind: 'invalid', field: 'strategy.params.oversold', message: /between 1 and 50/ });
  t.match(resolveStrategyParams('rsi-reversion', { oversold: 45, overbought: 50 }), { kind: 'valid' });
  t.match(resolveStrategyParams('macd-cross', { signal: 1 }), { kind: 'invalid', field: 'strategy.params.signal' });
  t.match(resolveStrategyParams('bollinger-breakout', { deviations: 0 }), { kind: 'invalid', field: 'strategy.params.deviations' });
  t.match(resolveStrategyParams('bollinger-breakout', { period: 2.5 }), { kind: 'invalid', field: 'strategy.params.period', message: /integer/ });
  t.match(resolveStrategyParams('dca', { stepPercent: 0 }), { kind: 'invalid', field: 'strategy.params.stepPercent' });
  t.match(resolveStrategyParams('dca', { targetPercent: '3' }), { kind: 'invalid', field: 'strategy.params.targetPercent', message: /number/ });
});

t.test('sma-cross buys the upward cross and sells the downward cross', async (t) => {
  const params = { fast: 2, slow: 3 };
  t.equal(smaCrossStrategy.decide({ params, candle: candle(1), position: flat, indicators: { fast: number(1, 3), slow: number(2, 2) } }).signal, 'buy');
  t.equal(smaCrossStrategy.decide({ params, candle: candle(1), position: holding(1), indicators: { fast: number(3, 1), slow: number(2, 2) } }).signal, 'sell');
  t.equal(smaCrossStrategy.decide({ params, candle: candle(1), position: flat, indicators: { fast: number(3, 4), slow: number(2, 2) } }).signal, 'hold');
});

t.test('rsi-reversion buys when the RSI climbs back over oversold and sells at overbought', async (t) => {
  const params = { period: 14, oversold: 30, overbought: 70 };
  const decide = (rsi: { previous: number | undefined; current: number | undefined }, position: { isOpen: boolean }) => rsiReversionStrategy.decide({ params, candle: candle(1), position, indicators: { rsi } });
  t.equal(decide(number(25, 31), flat).signal, 'buy');
  t.equal(decide(number(20, 25), flat).reason, 'RSI under the oversold line: waiting for it to turn up');
  t.equal(decide(number(35, 40), flat).signal, 'hold');
  t.equal(decide(number(65, 70), holding(1)).signal, 'sell');
  t.equal(decide(number(25, 31), holding(1)).signal, 'hold', 'no second entry');
  t.match(decide(number(undefined, 31), flat).reason, /warming up/);
});

t.test('macd-cross trades the histogram changing sign', async (t) => {
  const params = { fast: 12, slow: 26, signal: 9 };
  const line = (histogram: number) => ({ macd: histogram, signal: 0, histogram });
  const decide = (previous: number, current: number, position: { isOpen: boolean }) => macdCrossStrategy.decide({ params, candle: candle(1), position, indicators: { macd: { previous: line(previous), current: line(current) } } });
  t.equal(decide(-0.1, 0.2, flat).signal, 'buy');
  t.equal(decide(0.1, -0.2, holding(1)).signal, 'sell');
  t.equal(decide(0.1, 0.2, flat).signal, 'hold');
  t.equal(macdCrossStrategy.decide({ params, candle: candle(1), position: flat, indicators: { macd: { previous: undefined, current: line(1) } } }).signal, 'hold');
});

t.test('bollinger-breakout buys a close over the upper band and sells a close under the middle', async (t) => {
  const params = { period: 20, deviations: 2 };
  const bands = { current: { upper: 110, middle: 100, lower: 90 }, previous: undefined };
  t.equal(bollingerBreakoutStrategy.decide({ params, candle: candle(111), position: flat, indicators: { bands } }).signal, 'buy');
  t.equal(bollingerBreakoutStrategy.decide({ params, candle: candle(105), position: flat, indicators: { bands } }).signal, 'hold');
  t.equal(bollingerBreakoutStrategy.decide({ params, candle: candle(105), position: holding(108), indicators: { bands } }).signal, 'hold');
  t.equal(bollingerBreakoutStrategy.decide({ params, candle: candle(99), position: holding(108), indicators: { bands } }).signal, 'sell');
});

t.test('dca buys a dip under its average, adds each step under the average entry, and sells at the target', async (t) => {
  const params = { period: 20, entryDipPercent: 1, stepPercent: 2, targetPercent: 3 };
  const average = { current: 100, previous: 100 };
  const decide = (close: number, position: { isOpen: boolean; averageEntryPrice?: number }) => dcaStrategy.decide({ params, candle: candle(close), position, indicators: { average } });
  t.equal(decide(99.5, flat).signal, 'hold', 'not yet 1% under the average');
  t.match(decide(99, flat), { signal: 'buy', addToPosition: undefined });
  t.match(decide(97, holding(99)), { signal: 'buy', addToPosition: true }, '2% under the average entry: another stake');
  t.equal(decide(98, holding(99)).signal, 'hold', 'less than a step under');
  t.equal(decide(102, holding(99)).signal, 'sell', '3% over the average entry');
});
