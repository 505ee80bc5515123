/**
 * Candle files: recorded exchange history as a JSON array of
 * `[openTimeMs, open, high, low, close, volume]` rows, oldest first, named
 * `BASE_QUOTE-TIMEFRAME.json` (Freqtrade's layout, see shared/data/README.md).
 *
 * Broken data is refused with the file, the row and what is wrong, so whoever supplied
 * the file can fix it. Missing candles are not broken data: real series have holes, so
 * they are reported as gaps and left out, never filled in.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Candle } from '../domain/candle.ts';
import { isTimeframe, timeframeMs, TIMEFRAMES, type Timeframe } from '../domain/timeframe.ts';

/** A candle file that cannot be used, with where and why. */
export class CandleFileError extends Error {
  /** Path (or name) of the file. */
  readonly file: string;
  /** Index of the offending row (0-based), when one row is to blame. */
  readonly row: number | undefined;

  constructor(file: string, problem: string, row?: number) {
    super(row === undefined ? `${file}: ${problem}` : `${file}: row index ${row}: ${problem}`);
    this.name = 'CandleFileError';
    this.file = file;
    this.row = row;
  }
}

/** The market and timeframe a candle file holds, read from its name. */
export interface CandleFileName {
  /** "ETH/BTC" for ETH_BTC-1m.json. */
  readonly symbol: string;
  readonly timeframe: Timeframe;
}

/** A run of consecutive candles missing from a series. */
export interface CandleGap {
  /** Open time of the first missing candle. */
  readonly from: number;
  /** Open time of the last missing candle. */
  readonly to: number;
  /** Candles missing in this run. */
  readonly missingCandles: number;
}

/** Where a series has holes, relative to its timeframe's grid. */
export interface GapReport {
  /** Runs of missing candles (a gap of three minutes counts once). */
  readonly gapCount: number;
  /** Candles missing in all runs together. */
  readonly missingCandles: number;
  /** Every run, oldest first. */
  readonly gaps: readonly CandleGap[];
}

/** A loaded, validated candle file. */
export interface CandleFile extends CandleFileName {
  /** Path the file was read from (or the name it was parsed under). */
  readonly path: string;
  /** Candles oldest first; never empty. */
  readonly candles: readonly Candle[];
  readonly gaps: GapReport;
}

const FILE_NAME = /^([A-Za-z0-9]+)_([A-Za-z0-9]+)-([0-9]+[a-zA-Z])\.json$/;
const CURRENCY = /^[A-Z0-9]{1,12}$/;
const FIELDS = ['open time', 'open', 'high', 'low', 'close', 'volume'] as const;
const ROW_SHAPE = '[openTimeMs, open, high, low, close, volume]';

/**
 * Reads the market and timeframe from a candle file's name (a path is fine: only its last
 * part counts), e.g. "data/ETH_BTC-1m.json" is ETH/BTC on 1m.
 */
export function parseCandleFileName(file: string): CandleFileName {
  const name = path.basename(file);
  const match = FILE_NAME.exec(name);
  if (!match) throw new CandleFileError(file, `file name must look like BASE_QUOTE-TIMEFRAME.json (e.g. ETH_BTC-1m.json), got ${JSON.stringify(name)}`);
  const [, base = '', quote = '', timeframe = ''] = match;
  for (const currency of [base, quote]) {
    if (!CURRENCY.test(currency)) {
      throw new CandleFileError(file, `currency ${JSON.stringify(currency)} in the file name must be 1 to 12 uppercase letters or digits`);
    }
  }
  if (!isTimeframe(timeframe)) throw new CandleFileError(file, `timeframe ${JSON.stringify(timeframe)} in the file name is not one of ${TIMEFRAMES.join(', ')}`);
  return { symbol: `${base}/${quote}`, timeframe };
}

/** Runs of candles missing between the first and last candle of `candles` (sorted, aligned). */
export function findGaps(candles: readonly Candle[], timeframe: Timeframe): GapReport {
  const step = timeframeMs(timeframe);
  const gaps: CandleGap[] = [];
  let missingCandles = 0;
  for (let index = 1; index < candles.length; index += 1) {
    const previous = candles[index - 1]!.openTime;
    const current = candles[index]!.openTime;
    if (current - previous > step) {
      const missing = (current - previous) / step - 1;
      gaps.push({ from: previous + step, to: current - step, missingCandles: missing });
      missingCandles += missing;
    }
  }
  return { gapCount: gaps.length, missingCandles, gaps };
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function isoTime(time: number): string {
  return Number.isFinite(time) && Math.abs(time) < 8.64e15 ? new Date(time).toISOString() : 'invalid date';
}

/** Checks one row and turns it into a candle; throws naming the row and the problem. */
function parseRow(row: unknown, index: number, file: string, step: number, timeframe: Timeframe): Candle {
  if (!Array.isArray(row) || row.length !== FIELDS.length) {
    throw new CandleFileError(file, `expected ${ROW_SHAPE}, got ${describe(row)}`, index);
  }
  for (let field = 0; field < FIELDS.length; field += 1) {
    const value: unknown = row[field];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new CandleFileError(file, `${FIELDS[field]} must be a finite number, got ${describe(value)}`, index);
    }
  }
  const [openTime, open, high, low, close, volume] = row as [number, number, number, number, number, number];
  if (!Number.isSafeInteger(openTime)) throw new CandleFileError(file, `open time must be whole milliseconds, got ${openTime}`, index);
  if (openTime % step !== 0) {
    throw new CandleFileError(file, `open time ${openTime} (${isoTime(openTime)}) is not on the ${timeframe} grid`, index);
  }
  for (const [name, price] of [['open', open], ['high', high], ['low', low], ['close', close]] as const) {
    if (price <= 0) throw new CandleFileError(file, `${name} must be positive, got ${price}`, index);
  }
  if (high < low) throw new CandleFileError(file, `high ${high} is below low ${low}`, index);
  for (const [name, price] of [['open', open], ['close', close]] as const) {
    if (price > high || price < low) throw new CandleFileError(file, `${name} ${price} is outside [low ${low}, high ${high}]`, index);
  }
  if (volume < 0) throw new CandleFileError(file, `volume must not be negative, got ${volume}`, index);
  return { openTime, open, high, low, close, volume };
}

/**
 * Parses and validates the text of a candle file; `file` is its path or name, which gives
 * the market and timeframe and names the file in errors.
 */
export function parseCandleFile(text: string, file: string): CandleFile {
  const { symbol, timeframe } = parseCandleFileName(file);
  if (text.trim() === '') throw new CandleFileError(file, 'file is empty; expected a JSON array of candles');
  let rows: unknown;
  try {
    rows = JSON.parse(text);
  } catch (error) {
    throw new CandleFileError(file, `not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!Array.isArray(rows)) throw new CandleFileError(file, `expected a JSON array of ${ROW_SHAPE} rows, got ${rows === null ? 'null' : typeof rows}`);
  if (rows.length === 0) throw new CandleFileError(file, 'file holds no candles (an empty array)');
  const step = timeframeMs(timeframe);
  const candles: Candle[] = new Array(rows.length);
  for (let index = 0; index < rows.length; index += 1) {
    const candle = parseRow(rows[index], index, file, step, timeframe);
    const previous = index > 0 ? candles[index - 1] : undefined;
    if (previous && candle.openTime === previous.openTime) {
      throw new CandleFileError(file, `open time ${candle.openTime} (${isoTime(candle.openTime)}) repeats row index ${index - 1}`, index);
    }
    if (previous && candle.openTime < previous.openTime) {
      throw new CandleFileError(
        file,
        `open time ${candle.openTime} (${isoTime(candle.openTime)}) is before row index ${index - 1}'s ${previous.openTime}; rows must be oldest first`,
        index,
      );
    }
    candles[index] = candle;
  }
  return { path: file, symbol, timeframe, candles, gaps: findGaps(candles, timeframe) };
}

/** Reads and validates the candle file at `file`. */
export async function loadCandleFile(file: string): Promise<CandleFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CandleFileError(file, `cannot be read (${error instanceof Error ? error.message : String(error)})`);
  }
  return parseCandleFile(text, file);
}

/** Reads and validates every `*.json` file in `directory`, in name order. */
export async function loadCandleDirectory(directory: string): Promise<CandleFile[]> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch (error) {
    throw new CandleFileError(directory, `folder of candle files cannot be read (${error instanceof Error ? error.message : String(error)})`);
  }
  const files = names.filter((name) => name.endsWith('.json')).sort();
  return Promise.all(files.map((name) => loadCandleFile(path.join(directory, name))));
}
