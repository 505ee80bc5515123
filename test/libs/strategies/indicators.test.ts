import t from 'tap';
import { BollingerBands, EMA, MACD, RSI, SMA } from 'trading-signals';
import { createIndicator, indicatorKey, recordedIndicatorValues, type IndicatorSpec } from '../../../libs/strategies/indicators.ts';

const closes = Array.from({ length: 120 }, (_, index) => 100 + Math.sin(index / 4) * 6 + Math.cos(index / 9) * 3 + index * 0.05);

function ours(spec: IndicatorSpec): unknown[] {
  const calculator = createIndicator(spec);
  return closes.map((close) => calculator.next(close));
}

t.test('SMA, RSI and Bollinger values are trading-signals values, spot-checked candle by candle', async (t) => {
  const sma = new SMA(10);
  const rsi = new RSI(14);
  const bands = new BollingerBands(20, 2);
  const expected = closes.map((close) => [sma.add(close) ?? undefined, rsi.add(close) ?? undefined, bands.add(close) ?? undefined]);
  t.same(ours({ kind: 'sma', period: 10 }), expected.map((row) => row[0]));
  t.same(ours({ kind: 'rsi', period: 14 }), expected.map((row) => row[1]));
  t.same(ours({ kind: 'bollinger', period: 20, deviations: 2 }), expected.map((row) => row[2]));
  const rsiAt60 = ours({ kind: 'rsi', period: 14 })[60] as number;
  t.ok(rsiAt60 > 0 && rsiAt60 < 100, `RSI ${rsiAt60} is an oscillator value`);
});

t.test('MACD lines are trading-signals values, given once the signal line has had its period', async (t) => {
  const reference = new MACD(new EMA(12), new EMA(26), new EMA(9));
  const expected = closes.map((close) => reference.add(close) ?? undefined);
  const values = ours({ kind: 'macd', fast: 12, slow: 26, signal: 9 });
  const first = values.findIndex((value) => value !== undefined);
  t.equal(first, 26 + 9 - 2, 'warming up until the 34th candle (26 for the slow EMA, then 9 for the signal line)');
  t.same(values.slice(first), expected.slice(first), 'then the library values');
  t.ok(expected[first - 1] !== undefined, 'the library gives an unseeded signal line earlier; it is held back');
});

t.test('indicator keys name kind and parameters; multi-line values are recorded line by line', async (t) => {
  t.equal(indicatorKey({ kind: 'ema', period: 12 }), 'ema(12)');
  t.equal(indicatorKey({ kind: 'macd', fast: 12, slow: 26, signal: 9 }), 'macd(12,26,9)');
  t.equal(indicatorKey({ kind: 'bollinger', period: 20, deviations: 2.5 }), 'bollinger(20,2.5)');
  const specs = { fast: { kind: 'ema', period: 3 }, macd: { kind: 'macd', fast: 2, slow: 3, signal: 2 }, bands: { kind: 'bollinger', period: 2, deviations: 2 } } as const;
  t.same(recordedIndicatorValues(specs, {
    fast: { current: 1.5, previous: 1 },
    macd: { current: { macd: 0.5, signal: 0.25, histogram: 0.25 }, previous: undefined },
    bands: { current: undefined, previous: undefined },
  }), { fast: 1.5, 'macd.macd': 0.5, 'macd.signal': 0.25, 'macd.histogram': 0.25, 'bands.upper': null, 'bands.middle': null, 'bands.lower': null });
});
