import t from 'tap';
import path from 'node:path';
import {
  CandleFileError,
  findGaps,
  loadCandleDirectory,
  loadCandleFile,
  parseCandleFile,
  parseCandleFileName,
} from '../../../libs/market/candle-file.ts';

/** The shared real-data folder, beside the project's checkout (never copied into it). */
const OHLCV = path.resolve(import.meta.dirname, '../../../../shared/data/ohlcv');
const MINUTE = 60_000;

/** The table of shared/data/README.md. */
const REAL_FILES = [
  { file: 'ADA_BTC-1m.json', symbol: 'ADA/BTC', timeframe: '1m', candles: 14_383, first: '2018-01-20T04:55', last: '2018-01-30T04:51', gaps: 14 },
  { file: 'ETH_BTC-1m.json', symbol: 'ETH/BTC', timeframe: '1m', candles: 14_397, first: '2018-01-20T04:53', last: '2018-01-30T04:50', gaps: 1 },
  { file: 'UNITTEST_BTC-1m.json', symbol: 'UNITTEST/BTC', timeframe: '1m', candles: 13_681, first: '2017-11-04T23:02', last: '2017-11-14T22:59', gaps: 538 },
  { file: 'XRP_ETH-1m.json', symbol: 'XRP/ETH', timeframe: '1m', candles: 3_560, first: '2019-10-11T00:00', last: '2019-10-13T11:19', gaps: 0 },
  { file: 'XRP_ETH-5m.json', symbol: 'XRP/ETH', timeframe: '5m', candles: 712, first: '2019-10-11T00:00', last: '2019-10-13T11:15', gaps: 0 },
  { file: 'LTC_BTC-5m.json', symbol: 'LTC/BTC', timeframe: '5m', candles: 5_760, first: '2018-01-10T04:55', last: '2018-01-30T04:50', gaps: 0 },
  { file: 'ZEC_BTC-5m.json', symbol: 'ZEC/BTC', timeframe: '5m', candles: 5_757, first: '2018-01-10T04:55', last: '2018-01-30T04:45', gaps: 2 },
] as const;

const utc = (minute: string) => Date.parse(`${minute}:00Z`);

/** A valid row at minute `index` of 2024-01-01. */
function row(index: number, price = 100): number[] {
  return [Date.UTC(2024, 0, 1) + index * MINUTE, price, price + 1, price - 1, price, 10];
}

t.test('candle file name: BASE_QUOTE-TIMEFRAME.json gives market and timeframe, from a bare name or a path', async (t) => {
  t.same(parseCandleFileName('ETH_BTC-1m.json'), { symbol: 'ETH/BTC', timeframe: '1m' });
  t.same(parseCandleFileName('/data/ohlcv/UNITTEST_BTC-5m.json'), { symbol: 'UNITTEST/BTC', timeframe: '5m' });
  t.same(parseCandleFileName('BTC_USDT-1d.json'), { symbol: 'BTC/USDT', timeframe: '1d' });
});

t.test('candle file name: a name off the pattern is refused saying what it should look like', async (t) => {
  t.throws(() => parseCandleFileName('ETHBTC-1m.json'), { name: 'CandleFileError', message: /BASE_QUOTE-TIMEFRAME\.json/ });
  t.throws(() => parseCandleFileName('ETH_BTC-1m.csv'), /BASE_QUOTE-TIMEFRAME\.json/);
  t.throws(() => parseCandleFileName('ETH_BTC-2m.json'), /timeframe "2m" .*not one of 1m, 5m/);
  t.throws(() => parseCandleFileName('eth_BTC-1m.json'), /currency "eth" .*uppercase/);
});

t.test('real candle files: every file in shared/data/ohlcv loads with the counts and gaps of its README', async (t) => {
  for (const expected of REAL_FILES) {
    const file = await loadCandleFile(path.join(OHLCV, expected.file));
    t.equal(file.symbol, expected.symbol, `${expected.file} market`);
    t.equal(file.timeframe, expected.timeframe, `${expected.file} timeframe`);
    t.equal(file.candles.length, expected.candles, `${expected.file} candle count`);
    t.equal(file.candles[0]!.openTime, utc(expected.first), `${expected.file} first open`);
    t.equal(file.candles.at(-1)!.openTime, utc(expected.last), `${expected.file} last open`);
    t.equal(file.gaps.gapCount, expected.gaps, `${expected.file} gap count`);
    t.equal(file.gaps.gaps.length, expected.gaps, `${expected.file} lists every gap`);
  }
});

t.test('real candle files: gaps are reported as runs whose sizes add up to the missing candles', async (t) => {
  const eth = await loadCandleFile(path.join(OHLCV, 'ETH_BTC-1m.json'));
  const [gap] = eth.gaps.gaps;
  t.ok(gap, 'ETH_BTC-1m has a gap');
  t.equal(gap!.missingCandles, 1);
  t.equal(gap!.from, gap!.to);
  t.notOk(eth.candles.some((candle) => candle.openTime === gap!.from), 'the missing minute is absent');
  t.ok(eth.candles.some((candle) => candle.openTime === gap!.from - MINUTE) && eth.candles.some((candle) => candle.openTime === gap!.to + MINUTE), 'its neighbours are present');
  const unittest = await loadCandleFile(path.join(OHLCV, 'UNITTEST_BTC-1m.json'));
  const span = (unittest.candles.at(-1)!.openTime - unittest.candles[0]!.openTime) / MINUTE + 1;
  t.equal(unittest.gaps.missingCandles, span - unittest.candles.length, 'missing candles fill the span');
  t.equal(
    unittest.gaps.gaps.reduce((sum, each) => sum + each.missingCandles, 0),
    unittest.gaps.missingCandles,
  );
  t.ok(unittest.gaps.gaps.some((each) => each.missingCandles > 1), 'some gaps span several minutes');
});

t.test('gap report: a series with holes of one and three candles reports two runs of four candles', async (t) => {
  const start = Date.UTC(2024, 0, 1);
  const candles = [0, 1, 3, 7, 8].map((index) => ({ openTime: start + index * MINUTE, open: 1, high: 1, low: 1, close: 1, volume: 1 }));
  t.same(findGaps(candles, '1m'), {
    gapCount: 2,
    missingCandles: 4,
    gaps: [
      { from: start + 2 * MINUTE, to: start + 2 * MINUTE, missingCandles: 1 },
      { from: start + 4 * MINUTE, to: start + 6 * MINUTE, missingCandles: 3 },
    ],
  });
  t.same(findGaps(candles.slice(0, 2), '1m'), { gapCount: 0, missingCandles: 0, gaps: [] });
});

t.test('candle file: zero volume and flat candles are valid data', async (t) => {
  const file = parseCandleFile(JSON.stringify([[Date.UTC(2024, 0, 1), 5, 5, 5, 5, 0]]), 'AAA_BBB-1m.json');
  t.same(file.candles, [{ openTime: Date.UTC(2024, 0, 1), open: 5, high: 5, low: 5, close: 5, volume: 0 }]);
});

/** Bad file contents and the error each must give (file name and row are checked too). */
const BAD_FILES: readonly { case: string; text: string; row?: number; message: RegExp }[] = [
  { case: 'not JSON', text: '[[1, 2, 3', message: /not valid JSON/ },
  { case: 'not an array', text: '{"candles": []}', message: /expected a JSON array.*got object/ },
  { case: 'an empty file', text: '', message: /file is empty/ },
  { case: 'an empty array', text: '[]', message: /no candles/ },
  { case: 'a row of five numbers', text: JSON.stringify([row(0), row(1).slice(0, 5)]), row: 1, message: /expected \[openTimeMs, open, high, low, close, volume\]/ },
  { case: 'a row that is not an array', text: JSON.stringify([row(0), { open: 1 }]), row: 1, message: /expected \[openTimeMs/ },
  { case: 'a price given as a string', text: JSON.stringify([row(0), [row(1)[0], '100', 101, 99, 100, 10]]), row: 1, message: /open must be a finite number, got "100"/ },
  { case: 'a null volume', text: JSON.stringify([row(0), [...row(1).slice(0, 5), null]]), row: 1, message: /volume must be a finite number, got null/ },
  { case: 'an infinite price', text: `[${JSON.stringify(row(0))}, [${row(1)[0]}, 1e999, 2, 1, 1, 1]]`, row: 1, message: /open must be a finite number/ },
  { case: 'a zero price', text: JSON.stringify([row(0), [row(1)[0], 0, 1, 0, 1, 1]]), row: 1, message: /open must be positive, got 0/ },
  { case: 'a negative low', text: JSON.stringify([[row(0)[0], 1, 2, -1, 1, 1]]), row: 0, message: /low must be positive, got -1/ },
  { case: 'high below low', text: JSON.stringify([row(0), row(1), [row(2)[0], 100, 99, 101, 100, 1]]), row: 2, message: /high 99 is below low 101/ },
  { case: 'a close above the high', text: JSON.stringify([[row(0)[0], 100, 101, 99, 102, 1]]), row: 0, message: /close 102 is outside \[low 99, high 101\]/ },
  { case: 'a negative volume', text: JSON.stringify([[...row(0).slice(0, 5), -3]]), row: 0, message: /volume must not be negative/ },
  { case: 'an open time off the grid', text: JSON.stringify([row(0), [row(1)[0]! + 1_000, 100, 101, 99, 100, 1]]), row: 1, message: /open time \d+ \(2024-01-01T00:01:01\.000Z\) is not on the 1m grid/ },
  { case: 'a fractional open time', text: JSON.stringify([[row(0)[0]! + 0.5, 100, 101, 99, 100, 1]]), row: 0, message: /whole milliseconds/ },
  { case: 'a repeated open time', text: JSON.stringify([row(0), row(1), row(1)]), row: 2, message: /repeats row index 1/ },
  { case: 'rows newest first', text: JSON.stringify([row(0), row(5), row(3)]), row: 2, message: /before row index 1's .*oldest first/ },
];

t.test('candle file: bad data is refused naming the file, the row and what is wrong', async (t) => {
  const directory = t.testdir(Object.fromEntries(BAD_FILES.map((bad, index) => [`BAD${index}_BTC-1m.json`, bad.text])));
  for (const [index, bad] of BAD_FILES.entries()) {
    const file = path.join(directory, `BAD${index}_BTC-1m.json`);
    const error = await loadCandleFile(file).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    t.ok(error instanceof CandleFileError, `${bad.case}: refused with a CandleFileError`);
    if (!(error instanceof CandleFileError)) continue;
    t.match(error.message, bad.message, `${bad.case}: says what is wrong`);
    t.ok(error.message.startsWith(`${file}: `), `${bad.case}: names the file`);
    t.equal(error.file, file);
    t.equal(error.row, bad.row, `${bad.case}: names row ${bad.row ?? 'none'}`);
    if (bad.row !== undefined) t.match(error.message, `row index ${bad.row}: `);
  }
});

t.test('candle file: a file that cannot be read is refused naming it', async (t) => {
  const missing = path.join(t.testdir({}), 'NOPE_BTC-1m.json');
  await t.rejects(loadCandleFile(missing), { name: 'CandleFileError', message: /NOPE_BTC-1m\.json: cannot be read/ });
});

t.test('candle folder: every *.json file is loaded in name order and other files are ignored', async (t) => {
  const directory = t.testdir({
    'BBB_USDT-5m.json': JSON.stringify([[Date.UTC(2024, 0, 1), 1, 1, 1, 1, 1]]),
    'AAA_USDT-1m.json': JSON.stringify([row(0), row(1)]),
    'README.md': '# not candles',
  });
  const files = await loadCandleDirectory(directory);
  t.same(files.map((file) => [file.symbol, file.timeframe, file.candles.length]), [
    ['AAA/USDT', '1m', 2],
    ['BBB/USDT', '5m', 1],
  ]);
  await t.rejects(loadCandleDirectory(path.join(directory, 'absent')), { name: 'CandleFileError', message: /folder of candle files cannot be read/ });
});
