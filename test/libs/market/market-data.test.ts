import t from 'tap';
import { MarketData } from '../../../libs/market/market-data.ts';
import { createIndicator } from '../../../libs/strategies/indicators.ts';
import { candlesFromCloses, memorySource, zigZag } from '../../support/builders.ts';

const START = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;
const candles = candlesFromCloses(zigZag(10, 20), START);

t.test('many bots asking for the same candle and indicator cause one fetch and one computation', async (t) => {
  const source = memorySource('memory', 'ETH/BTC', '1m', candles);
  const data = new MarketData([source]);
  const time = START + 150 * MINUTE;
  await Promise.all(Array.from({ length: 100 }, () => data.readings('memory', 'ETH/BTC', '1m', { fast: { kind: 'ema', period: 12 } }, time)));
  t.equal(data.stats.indicatorRebuilds, 1, 'one series built');
  t.equal(data.stats.indicatorUpdates, 121, 'ten periods of history and the candle itself, fed once, not once per bot');
  const fetchesAfterFirst = source.fetches;
  await data.readings('memory', 'ETH/BTC', '1m', { fast: { kind: 'ema', period: 12 } }, time + MINUTE);
  t.equal(data.stats.indicatorUpdates, 122, 'the next candle costs one update');
  t.equal(source.fetches, fetchesAfterFirst + 1, 'and one fetch');
});

t.test('readings equal an EMA computed over the same candles, and carry the previous value', async (t) => {
  const data = new MarketData([memorySource('memory', 'ETH/BTC', '1m', candles)]);
  const index = 100;
  const reading = await data.readings('memory', 'ETH/BTC', '1m', { slow: { kind: 'ema', period: 5 } }, START + index * MINUTE);
  const reference = createIndicator({ kind: 'ema', period: 5 });
  let previous: number | undefined;
  let current: number | undefined;
  for (const candle of candles.slice(index - 50, index + 1)) {
    previous = current;
    current = reference.next(candle.close);
  }
  t.equal(reading['slow']?.current, current);
  t.equal(reading['slow']?.previous, previous);
});

t.test('gaps are absent from candle ranges and an unknown market is refused', async (t) => {
  const gappy = candles.filter((candle) => candle.openTime !== START + 3 * MINUTE);
  const data = new MarketData([memorySource('memory', 'ETH/BTC', '1m', gappy)]);
  const range = await data.candles('memory', 'ETH/BTC', '1m', START, START + 5 * MINUTE);
  t.same(range.map((candle) => (candle.openTime - START) / MINUTE), [0, 1, 2, 4, 5]);
  t.equal(await data.candleAt('memory', 'ETH/BTC', '1m', START + 3 * MINUTE), undefined);
  await t.rejects(data.candles('memory', 'XRP/ETH', '1m', START, START), /not available/);
});
