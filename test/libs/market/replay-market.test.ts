import t from 'tap';
import path from 'node:path';
import type { Candle } from '../../../libs/domain/candle.ts';
import { timeframeMs, type Timeframe } from '../../../libs/domain/timeframe.ts';
import { findGaps, loadCandleFile, type CandleFile } from '../../../libs/market/candle-file.ts';
import { createReplayMarket, loadReplayMarket } from '../../../libs/market/replay-market.ts';

/** The shared real-data folder, beside the project's checkout (never copied into it). */
const OHLCV = path.resolve(import.meta.dirname, '../../../../shared/data/ohlcv');
const MINUTE = 60_000;
const START = Date.UTC(2024, 0, 1);

/** An in-memory candle file with candles at the given minutes of START (price = minute + 100). */
function fileOf(name: string, minutes: readonly number[], timeframe: Timeframe = '1m'): CandleFile {
  const step = timeframeMs(timeframe);
  const candles = minutes.map((minute) => {
    const price = minute + 100;
    return { openTime: START + minute * step, open: price, high: price + 2, low: price - 1, close: price + 1, volume: minute + 1 };
  });
  const [base = '', rest = ''] = name.split('_');
  return { path: `/virtual/${name}-${timeframe}.json`, symbol: `${base}/${rest}`, timeframe, candles, gaps: findGaps(candles, timeframe) };
}

/** Reference aggregation, written independently of the library's. */
function aggregate(candles: readonly Candle[], timeframe: Timeframe): Candle[] {
  const step = timeframeMs(timeframe);
  const result: Candle[] = [];
  for (const candle of candles) {
    const openTime = Math.floor(candle.openTime / step) * step;
    const last = result.at(-1);
    if (last?.openTime === openTime) {
      result[result.length - 1] = {
        openTime,
        open: last.open,
        high: Math.max(last.high, candle.high),
        low: Math.min(last.low, candle.low),
        close: candle.close,
        volume: last.volume + candle.volume,
      };
    } else {
      result.push({ ...candle, openTime });
    }
  }
  return result;
}

t.test('replay market: serves the market of each file and nothing else', async (t) => {
  const source = createReplayMarket({ files: [fileOf('AAA_USDT', [0, 1, 2]), fileOf('BBB_BTC', [0, 1])], speed: 60 });
  t.equal(source.id, 'replay');
  t.same(source.listMarkets(), ['AAA/USDT', 'BBB/BTC']);
  t.ok(source.hasMarket('AAA/USDT'));
  t.notOk(source.hasMarket('CCC/USDT'));
  t.notOk(source.supportsTimeframe('CCC/USDT', '1m'));
  await t.rejects(source.candles('CCC/USDT', '1m', START, START + MINUTE), { name: 'RangeError', message: /CCC\/USDT is not available on source replay; it serves AAA\/USDT, BBB\/BTC/ });
  t.throws(() => source.clock('CCC/USDT'), /not available/);
});

t.test('replay market: candles in a range of the real ETH/BTC file are exactly the file rows', async (t) => {
  const file = await loadCandleFile(path.join(OHLCV, 'ETH_BTC-1m.json'));
  const source = createReplayMarket({ files: [file], speed: 60 });
  const from = file.candles[1_000]!.openTime;
  const to = file.candles[1_499]!.openTime;
  t.same(await source.candles('ETH/BTC', '1m', from, to), file.candles.slice(1_000, 1_500));
  t.same(await source.candles('ETH/BTC', '1m', from - 30_000, to + 30_000), file.candles.slice(1_000, 1_500), 'unaligned bounds');
  t.same(await source.candles('ETH/BTC', '1m', 0, file.candles[0]!.openTime - MINUTE), [], 'before the file');
  t.same(await source.candles('ETH/BTC', '1m', Date.UTC(2030, 0, 1), Date.UTC(2030, 0, 2)), [], 'after the file');
});

t.test('replay market: a gap in the real ETH/BTC file stays absent from the candles served', async (t) => {
  const file = await loadCandleFile(path.join(OHLCV, 'ETH_BTC-1m.json'));
  const source = createReplayMarket({ files: [file], speed: 60 });
  const gap = file.gaps.gaps[0]!;
  const candles = await source.candles('ETH/BTC', '1m', gap.from - 10 * MINUTE, gap.to + 10 * MINUTE);
  t.equal(candles.length, 20, '21 minutes asked, one missing');
  t.notOk(candles.some((candle) => candle.openTime === gap.from), 'the missing minute is not invented');
  t.same(await source.candles('ETH/BTC', '1m', gap.from, gap.to), [], 'asking for the gap alone gives nothing');
});

t.test('replay market: 5m candles of a 1m file are aggregates of the 1m candles present', async (t) => {
  const file = await loadCandleFile(path.join(OHLCV, 'UNITTEST_BTC-1m.json'));
  const source = createReplayMarket({ files: [file], speed: 60 });
  t.ok(source.supportsTimeframe('UNITTEST/BTC', '5m'));
  const first = file.candles[0]!.openTime;
  const last = file.candles.at(-1)!.openTime;
  for (const timeframe of ['5m', '1h', '1d'] as const) {
    t.same(await source.candles('UNITTEST/BTC', timeframe, 0, last), aggregate(file.candles, timeframe), `${timeframe} over the whole file`);
  }
  const middle = await source.candles('UNITTEST/BTC', '15m', first + 3 * 3_600_000, first + 9 * 3_600_000);
  t.ok(middle.length > 20, 'a window of 15m candles');
  t.ok(middle.every((candle) => candle.openTime % (15 * MINUTE) === 0), 'on the 15m grid');
});

t.test('replay market: a 5m bucket with some 1m candles is built from them, one with none is a gap', async (t) => {
  // Minutes 0-4 complete, 5-9 only 6 and 8, 10-14 empty, 15 alone.
  const source = createReplayMarket({ files: [fileOf('AAA_USDT', [0, 1, 2, 3, 4, 6, 8, 15])], speed: 60 });
  const candles = await source.candles('AAA/USDT', '5m', START, START + 20 * MINUTE);
  t.same(candles, [
    { openTime: START, open: 100, high: 106, low: 99, close: 105, volume: 15 },
    { openTime: START + 5 * MINUTE, open: 106, high: 110, low: 105, close: 109, volume: 16 },
    { openTime: START + 15 * MINUTE, open: 115, high: 117, low: 114, close: 116, volume: 16 },
  ]);
});

t.test('replay market: close and volume of 5m built from the real XRP/ETH 1m file agree with the 5m file', async (t) => {
  const oneMinute = await loadCandleFile(path.join(OHLCV, 'XRP_ETH-1m.json'));
  const fiveMinute = await loadCandleFile(path.join(OHLCV, 'XRP_ETH-5m.json'));
  const source = createReplayMarket({ files: [oneMinute, fiveMinute], speed: 60 });
  const built = await source.candles('XRP/ETH', '5m', 0, Date.UTC(2030, 0, 1));
  t.equal(built.length, fiveMinute.candles.length);
  const disagreeing = fiveMinute.candles.filter((candle, index) => {
    const other = built[index];
    return other?.openTime !== candle.openTime || other.close !== candle.close || Math.abs(other.volume - candle.volume) > 1e-9 * candle.volume;
  });
  t.same(disagreeing, [], 'every close and volume agree');
});

t.test('replay market: of two files of one market the smaller timeframe is the base', async (t) => {
  const fine = fileOf('AAA_USDT', [0, 1, 2, 3, 4, 5]);
  const coarse = fileOf('AAA_USDT', [0, 1], '5m');
  const source = createReplayMarket({ files: [coarse, fine], speed: 60 });
  t.ok(source.supportsTimeframe('AAA/USDT', '1m'));
  t.same(source.series('AAA/USDT')?.timeframe, '1m');
  t.same(source.series('AAA/USDT')?.unusedPaths, [coarse.path]);
  t.same(await source.candles('AAA/USDT', '5m', START, START + 5 * MINUTE), aggregate(fine.candles, '5m'));
  t.throws(() => createReplayMarket({ files: [fine, fileOf('AAA_USDT', [7])], speed: 60 }), /both hold AAA\/USDT on 1m/);
});

t.test('replay market: a 5m file serves 5m and larger but not 1m', async (t) => {
  const source = createReplayMarket({ files: [fileOf('AAA_USDT', [0, 1, 2], '5m')], speed: 60 });
  t.notOk(source.supportsTimeframe('AAA/USDT', '1m'));
  t.ok(source.supportsTimeframe('AAA/USDT', '5m'));
  t.ok(source.supportsTimeframe('AAA/USDT', '15m'));
  await t.rejects(source.candles('AAA/USDT', '1m', START, START + 15 * MINUTE), /has 5m candles and cannot serve 1m/);
  t.equal((await source.candles('AAA/USDT', '15m', START, START)).length, 1);
});

t.test('replay market: the clock runs from the first candle to the close of the last one', async (t) => {
  const file = fileOf('AAA_USDT', [0, 1, 2, 5, 9]);
  t.same(createReplayMarket({ files: [file], speed: 120 }).clock('AAA/USDT'), { kind: 'accelerated', startTime: START, speed: 120, endTime: START + 10 * MINUTE });
  t.same(createReplayMarket({ files: [file], speed: 60, startOffsetCandles: 3 }).clock('AAA/USDT'), {
    kind: 'accelerated',
    startTime: START + 3 * MINUTE,
    speed: 60,
    endTime: START + 10 * MINUTE,
  });
  t.throws(() => createReplayMarket({ files: [file], speed: 60, startOffsetCandles: 10 }), /start offset of 10 candles is past its last candle/);
  t.throws(() => createReplayMarket({ files: [file], speed: 60, startOffsetCandles: -1 }), /start offset/);
  t.throws(() => createReplayMarket({ files: [file], speed: 0 }), /speed must be a positive number/);
});

t.test('replay market: the real data folder loads into one market per file name, with gaps described', async (t) => {
  const source = await loadReplayMarket({ directory: OHLCV, speed: 60 });
  t.same(source.listMarkets(), ['ADA/BTC', 'ETH/BTC', 'LTC/BTC', 'UNITTEST/BTC', 'XRP/ETH', 'ZEC/BTC']);
  t.equal(source.series('XRP/ETH')?.timeframe, '1m', 'XRP/ETH has both timeframes; 1m is the base');
  t.equal(source.series('UNITTEST/BTC')?.gaps.gapCount, 538);
  t.equal(source.series('LTC/BTC')?.candleCount, 5_760);
  t.same(source.clock('ETH/BTC'), { kind: 'accelerated', startTime: Date.UTC(2018, 0, 20, 4, 53), speed: 60, endTime: Date.UTC(2018, 0, 30, 4, 51) });
  t.notOk(source.supportsTimeframe('LTC/BTC', '1m'));
});

t.test('replay market loader: explicit paths load, and no file at all is refused', async (t) => {
  const source = await loadReplayMarket({ files: [path.join(OHLCV, 'ZEC_BTC-5m.json')], speed: 30 });
  t.same(source.listMarkets(), ['ZEC/BTC']);
  await t.rejects(loadReplayMarket({ directory: t.testdir({ 'notes.txt': 'x' }), speed: 60 }), /no \*\.json candle files in/);
  await t.rejects(loadReplayMarket({ speed: 60 }), /no candle files were given/);
});
