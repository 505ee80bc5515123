/**
 * The "simulated" market: plausible candles for any BASE/QUOTE market, made up on the spot
 * with no network, so the platform runs offline and demos are reproducible.
 *
 * Every candle is a pure function of (seed, market, open time): nothing is carried from
 * one call to the next, so every replica of every service, in any process and in any
 * order of asking, computes the same candles.
 *
 * How a price path stays pure yet looks like a market. Log-price is a sum of parts, each
 * computable at any instant from a few hashes of (seed, market, part, lattice index):
 * - a Brownian path built the Lévy way (midpoint displacement): one "tent" per dyadic
 *   scale from 15 seconds to 45 days, so the price wanders at every scale, yet any
 *   minute costs one hash per scale; the scales under 16 minutes are amplified, and a
 *   bid/ask bounce is added at each minute, so short moves partly revert as in real data;
 * - smooth trends over hours and half-days (interpolated random levels);
 * - a volatility multiplier that drifts over hours and days and scales the short scales,
 *   giving calm and wild regimes;
 * - piecewise-constant jump offsets switching at a random minute of each block, which
 *   open gaps between one candle's close and the next one's open.
 * A 1-minute candle samples the path at five points (every 15 seconds); larger candles
 * are aggregated from their 1-minute candles, so every timeframe agrees.
 */
import { SYMBOL_PATTERN, type Candle } from '../domain/candle.ts';
import { candleOpenTime, isTimeframe, timeframeMs, TIMEFRAMES, type Timeframe } from '../domain/timeframe.ts';
import type { MarketClockSpec, MarketSource } from './market-source.ts';

/** Markets the simulated source lists by default (it serves any well-formed market). */
export const DEFAULT_SIMULATED_MARKETS: readonly string[] = Object.freeze([
  'BTC/USDT',
  'ETH/USDT',
  'SOL/USDT',
  'BNB/USDT',
  'XRP/USDT',
  'ADA/USDT',
  'DOGE/USDT',
  'ETH/BTC',
  'SOL/BTC',
  'BTC/EUR',
]);

/** Options of createSimulatedMarket. */
export interface SimulatedMarketOptions {
  /** Same seed, same candles, everywhere. */
  readonly seed: number;
  /** Virtual time the market clock starts at (Unix ms). */
  readonly startTime: number;
  /** How many times faster than real time the clock runs (60: one 1m candle per second). */
  readonly speed: number;
  /** Markets to list; defaults to DEFAULT_SIMULATED_MARKETS. */
  readonly symbols?: readonly string[];
}

const MINUTE = 60_000;
/** Largest number of 1-minute candles one call may generate (about eight years). */
const MAX_MINUTES_PER_CALL = 4_200_000;
/** Market models kept per simulated source. */
const MODELS_KEPT = 10_000;
/** Minutes generated per batch: bounds memory while keeping per-batch overhead small. */
const BATCH_MINUTES = 4_320;

/*
 * Model constants. Sizes are in units of a market's `sigma`, the 1-minute step of the
 * long-run random walk; the parts below together move a typical minute by about
 * MINUTE_MOVE_IN_SIGMAS of them. They were tuned so that, like the real 1-minute series
 * in shared/data, returns revert over minutes (lag-1 autocorrelation around -0.1 to -0.2)
 * while trends run for hours, and EMA 12/26 cross 2.5 to 3 times an hour (2.6 to 3.9 in
 * the real files).
 */
/** Dyadic scales of the Brownian part, in minutes: 1, 2, 4, ..., 2^15 (about 23 days). */
const TENT_LEVELS = 16;
/** Scales up to 2^8 minutes (about 4 hours) move with the volatility regime. */
const REGIME_LEVELS = 9;
/**
 * Scales below 2^4 minutes are amplified: the extra wiggle is pinned back every 16
 * minutes, which is the reversion over minutes that liquidity providers cause.
 */
const REVERTING_LEVELS = 4;
const REVERTING_BOOST = 2.5;
/** Spacing of the top lattice (2^16 minutes, about 45 days); it keeps the price near its level over years. */
const TOP_SPACING = 2 ** TENT_LEVELS;
const TOP_SIZE = Math.sqrt(TOP_SPACING / 2);
/** How many sigmas a typical minute moves, all parts together. */
const MINUTE_MOVE_IN_SIGMAS = 2.75;

/** Independent random streams, one per part of the model. */
const STREAM = {
  halfMinute: TENT_LEVELS,
  quarterMinute: TENT_LEVELS + 1,
  top: TENT_LEVELS + 2,
  trendHours: TENT_LEVELS + 3,
  trendHalfDays: TENT_LEVELS + 4,
  regimeHours: TENT_LEVELS + 5,
  regimeDays: TENT_LEVELS + 6,
  smallJumpAt: TENT_LEVELS + 7,
  smallJumpSize: TENT_LEVELS + 8,
  largeJumpAt: TENT_LEVELS + 9,
  largeJumpSize: TENT_LEVELS + 10,
  wick: TENT_LEVELS + 11,
  volume: TENT_LEVELS + 12,
  profile: TENT_LEVELS + 13,
  bounce: TENT_LEVELS + 14,
} as const;
const STREAM_COUNT = TENT_LEVELS + 15;

/** Trends: smooth moves between random levels every 4 hours and every 16 hours. */
const TREND_HOURS_SPACING = 240;
const TREND_HOURS_SIZE = 20;
const TREND_HALF_DAYS_SPACING = 960;
const TREND_HALF_DAYS_SIZE = 40;
/** Volatility regimes: a log-multiplier drifting over 6 hours and over 2.5 days. */
const REGIME_HOURS_SPACING = 360;
const REGIME_HOURS_SIZE = 0.35;
const REGIME_DAYS_SPACING = 3_600;
const REGIME_DAYS_SIZE = 0.3;
/** Jumps: a small one somewhere in each 90-minute block, a large one somewhere in each day. */
const SMALL_JUMP_BLOCK = 90;
const SMALL_JUMP_SIZE = 12;
const LARGE_JUMP_BLOCK = 1_440;
const LARGE_JUMP_SIZE = 50;
/**
 * Trades alternate between bid and ask, so a traded price jitters around the path; this
 * noise on each minute's boundary price is the main source of the negative lag-1
 * autocorrelation of 1-minute returns.
 */
const BOUNCE_SIZE = 0.8;
/** Peak standard deviation of each scale's tents. */
const TENT_SIZE = Float64Array.from({ length: TENT_LEVELS }, (_, level) => Math.sqrt(2 ** level / 2) * (level < REVERTING_LEVELS ? REVERTING_BOOST : 1));

interface Currency {
  /** Rough price in US dollars. */
  readonly usd: number;
  /** Typical 1-minute log-return standard deviation against the dollar. */
  readonly volatility: number;
  /** Typical traded value per minute in US dollars. */
  readonly turnover: number;
}

/** Rough levels of well-known currencies, so familiar markets look familiar. */
const KNOWN_CURRENCIES: Readonly<Record<string, Currency>> = {
  USD: { usd: 1, volatility: 0, turnover: 1e6 },
  USDT: { usd: 1, volatility: 0.00002, turnover: 1e6 },
  USDC: { usd: 1, volatility: 0.00002, turnover: 5e5 },
  BUSD: { usd: 1, volatility: 0.00002, turnover: 2e5 },
  DAI: { usd: 1, volatility: 0.00003, turnover: 1e5 },
  FDUSD: { usd: 1, volatility: 0.00002, turnover: 2e5 },
  EUR: { usd: 1.08, volatility: 0.00008, turnover: 5e5 },
  GBP: { usd: 1.27, volatility: 0.00009, turnover: 2e5 },
  BTC: { usd: 65_000, volatility: 0.0006, turnover: 1.5e6 },
  ETH: { usd: 3_200, volatility: 0.0007, turnover: 8e5 },
  BNB: { usd: 600, volatility: 0.0007, turnover: 2e5 },
  SOL: { usd: 150, volatility: 0.001, turnover: 3e5 },
  XRP: { usd: 0.6, volatility: 0.0009, turnover: 2e5 },
  ADA: { usd: 0.45, volatility: 0.0009, turnover: 1e5 },
  DOGE: { usd: 0.12, volatility: 0.0011, turnover: 1.5e5 },
  LTC: { usd: 80, volatility: 0.0008, turnover: 8e4 },
  DOT: { usd: 6, volatility: 0.0009, turnover: 5e4 },
  AVAX: { usd: 30, volatility: 0.001, turnover: 6e4 },
  LINK: { usd: 15, volatility: 0.0009, turnover: 6e4 },
  TRX: { usd: 0.12, volatility: 0.0007, turnover: 5e4 },
};

/** What never changes for a market: its random streams and its scale. */
interface MarketModel {
  /** One 32-bit key per random stream. */
  readonly keys: Uint32Array;
  /** Log of the price level the market wanders around. */
  readonly logLevel: number;
  /** Unit of the model's sizes in log-price: the 1-minute step of the long-run random walk. */
  readonly sigma: number;
  /** Powers of ten prices and volumes are rounded to (six significant digits of the level). */
  readonly priceScale: number;
  readonly volumeScale: number;
  /** Typical volume per minute, in base currency. */
  readonly volumeLevel: number;
}

/** Scratch space for one batch of 1-minute candles, reused across batches. */
interface MinuteBatch {
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

/** A 32-bit integer hash with full avalanche (Chris Wellons' "lowbias32" family). */
function mix(value: number): number {
  let x = value >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x21f0aaad);
  x ^= x >>> 15;
  x = Math.imul(x, 0x735a2d97);
  x ^= x >>> 15;
  return x >>> 0;
}

/** Random 32 bits for lattice point `index` (any safe integer, negative too) of the stream keyed `key`. */
function hashAt(key: number, index: number): number {
  const high = Math.floor(index / 4_294_967_296);
  return mix(key ^ mix((index >>> 0) + Math.imul(high, 0x9e3779b9)));
}

/** A bell-shaped value with mean 0 and variance 1 (a scaled sum of two uniforms) from 32 random bits. */
function bell(bits: number): number {
  return ((bits & 0xffff) + (bits >>> 16) - 65_535) * (Math.SQRT2 * Math.sqrt(3) / 65_535);
}

/** A uniform value in [0, 1) from 32 random bits. */
function unit(bits: number): number {
  return bits / 4_294_967_296;
}

function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  return mix(hash);
}

/** A currency's profile: the table's, or one drawn from its name so unknown coins differ from each other. */
function currencyProfile(code: string, seedKey: number): Currency {
  const known = KNOWN_CURRENCIES[code];
  if (known) return known;
  const key = mix(hashString(code) ^ seedKey);
  return {
    usd: 10 ** (unit(hashAt(key, 1)) * 6 - 3),
    volatility: 0.0008 + 0.0007 * unit(hashAt(key, 2)),
    turnover: 10 ** (3 + 2 * unit(hashAt(key, 3))),
  };
}

function buildModel(seed: number, symbol: string): MarketModel {
  const [base = '', quote = ''] = symbol.split('/');
  const seedKey = mix(seed >>> 0) ^ mix(Math.floor(seed / 4_294_967_296) + 0x632be5ab);
  const marketKey = mix(hashString(symbol) ^ seedKey);
  const keys = new Uint32Array(STREAM_COUNT);
  for (let stream = 0; stream < STREAM_COUNT; stream += 1) keys[stream] = mix(marketKey + Math.imul(stream + 1, 0x9e3779b9));
  const baseProfile = currencyProfile(base, seedKey);
  const quoteProfile = currencyProfile(quote, seedKey);
  // Crypto assets move together, so a cross like ETH/BTC is calmer than either against the dollar.
  const correlation = baseProfile.volatility > 0.0002 && quoteProfile.volatility > 0.0002 ? 0.6 : 0;
  const minuteMove = Math.sqrt(baseProfile.volatility ** 2 + quoteProfile.volatility ** 2 - 2 * correlation * baseProfile.volatility * quoteProfile.volatility);
  const sigma = Math.max(0.00001, minuteMove) / MINUTE_MOVE_IN_SIGMAS;
  // A per-seed nudge around the table level (none to speak of for a stablecoin pair), so seeds differ.
  const nudge = Math.min(0.3, 300 * minuteMove) * (2 * unit(hashAt(keys[STREAM.profile]!, 0)) - 1);
  const level = (baseProfile.usd / quoteProfile.usd) * Math.exp(nudge);
  const volumeLevel = (Math.min(baseProfile.turnover, quoteProfile.turnover * 4) / baseProfile.usd) * (0.5 + unit(hashAt(keys[STREAM.profile]!, 1)));
  return {
    keys,
    logLevel: Math.log(level),
    sigma,
    priceScale: 10 ** Math.min(12, Math.max(0, 5 - Math.floor(Math.log10(level)))),
    volumeScale: 10 ** Math.min(12, Math.max(0, 4 - Math.floor(Math.log10(volumeLevel)))),
    volumeLevel,
  };
}

/** Interpolated random levels at `spacing` minutes, eased so a trend turns smoothly. */
function smoothNoise(key: number, minute: number, spacing: number): number {
  const index = Math.floor(minute / spacing);
  const fraction = (minute - index * spacing) / spacing;
  const eased = fraction * fraction * (3 - 2 * fraction);
  const from = bell(hashAt(key, index));
  return from + (bell(hashAt(key, index + 1)) - from) * eased;
}

/** Multiplier of short-scale volatility at `minute`: around 1, mostly between 0.5 and 2. */
function regimeAt(model: MarketModel, minute: number): number {
  return Math.exp(
    REGIME_HOURS_SIZE * smoothNoise(model.keys[STREAM.regimeHours]!, minute, REGIME_HOURS_SPACING) +
      REGIME_DAYS_SIZE * smoothNoise(model.keys[STREAM.regimeDays]!, minute, REGIME_DAYS_SPACING),
  );
}

/**
 * Log-price at the start of `minute` before level and jumps, in units of sigma: the
 * Brownian part (its short scales times the volatility regime there) plus the trends.
 */
function pathAt(model: MarketModel, minute: number, regime: number): number {
  const keys = model.keys;
  let short = 0;
  let long = 0;
  let spacing = 1;
  for (let level = 0; level < TENT_LEVELS; level += 1) {
    // Lévy construction: scale `spacing` adds a tent peaking at each odd multiple of `spacing`, of
    // standard deviation sqrt(spacing / 2), the spread of a Brownian midpoint given its ends
    // (amplified below REVERTING_LEVELS).
    const index = Math.floor(minute / spacing);
    const offset = minute - index * spacing;
    let value = 0;
    if ((index & 1) !== 0) value = bell(hashAt(keys[level]!, index)) * (1 - offset / spacing);
    else if (offset !== 0) value = bell(hashAt(keys[level]!, index + 1)) * (offset / spacing);
    value *= TENT_SIZE[level]!;
    if (level < REGIME_LEVELS) short += value;
    else long += value;
    spacing *= 2;
  }
  const topIndex = Math.floor(minute / TOP_SPACING);
  const topFraction = (minute - topIndex * TOP_SPACING) / TOP_SPACING;
  const topFrom = bell(hashAt(keys[STREAM.top]!, topIndex));
  long += (topFrom + (bell(hashAt(keys[STREAM.top]!, topIndex + 1)) - topFrom) * topFraction) * TOP_SIZE;
  long += TREND_HOURS_SIZE * smoothNoise(keys[STREAM.trendHours]!, minute, TREND_HOURS_SPACING);
  long += TREND_HALF_DAYS_SIZE * smoothNoise(keys[STREAM.trendHalfDays]!, minute, TREND_HALF_DAYS_SPACING);
  return long + regime * short;
}

/**
 * Jump offset (in units of sigma) in force during `minute`: each block switches to a new
 * random offset at a random minute inside it. Sizes are heavy-tailed: most switches are
 * small, a few are large.
 */
function jumpOffset(atKey: number, sizeKey: number, block: number, size: number, minute: number): number {
  const index = Math.floor(minute / block);
  const switchAt = index * block + Math.floor(unit(hashAt(atKey, index)) * block);
  const bits = hashAt(sizeKey, minute >= switchAt ? index : index - 1);
  const magnitude = unit(bits);
  return size * magnitude * magnitude * magnitude * ((bits & 1) === 0 ? 1 : -1);
}

function round(value: number, scale: number): number {
  return Math.max(1 / scale, Math.round(value * scale) / scale);
}

/** Fills `batch` with the 1-minute candles of minutes [first, first + count). */
function fillMinutes(model: MarketModel, first: number, count: number, batch: MinuteBatch): void {
  const { keys, sigma, logLevel, priceScale, volumeScale, volumeLevel } = model;
  let regime = regimeAt(model, first);
  let start = pathAt(model, first, regime) + BOUNCE_SIZE * regime * bell(hashAt(keys[STREAM.bounce]!, first));
  for (let slot = 0; slot < count; slot += 1) {
    const minute = first + slot;
    const nextRegime = regimeAt(model, minute + 1);
    const end = pathAt(model, minute + 1, nextRegime) + BOUNCE_SIZE * nextRegime * bell(hashAt(keys[STREAM.bounce]!, minute + 1));
    const jump =
      jumpOffset(keys[STREAM.smallJumpAt]!, keys[STREAM.smallJumpSize]!, SMALL_JUMP_BLOCK, SMALL_JUMP_SIZE, minute) +
      jumpOffset(keys[STREAM.largeJumpAt]!, keys[STREAM.largeJumpSize]!, LARGE_JUMP_BLOCK, LARGE_JUMP_SIZE, minute);
    const shift = logLevel + sigma * jump;
    // Inside the minute the path goes on at the 30 s and 15 s scales, by the same midpoint rule.
    const middle = (start + end) / 2 + 0.5 * regime * bell(hashAt(keys[STREAM.halfMinute]!, minute));
    const quarterBits = hashAt(keys[STREAM.quarterMinute]!, minute);
    const quarterSpread = Math.SQRT1_2 * 0.5 * regime;
    const at15 = (start + middle) / 2 + quarterSpread * bell(mix(quarterBits));
    const at45 = (middle + end) / 2 + quarterSpread * bell(quarterBits);
    // Trades between the sampled points reach a little beyond them.
    const wickBits = hashAt(keys[STREAM.wick]!, minute);
    const top = Math.max(start, end, middle, at15, at45) + 0.3 * regime * ((wickBits >>> 16) / 65_536);
    const bottom = Math.min(start, end, middle, at15, at45) - 0.3 * regime * ((wickBits & 0xffff) / 65_536);
    batch.open[slot] = round(Math.exp(shift + sigma * start), priceScale);
    batch.close[slot] = round(Math.exp(shift + sigma * end), priceScale);
    batch.high[slot] = round(Math.exp(shift + sigma * top), priceScale);
    batch.low[slot] = round(Math.exp(shift + sigma * bottom), priceScale);
    // Volume follows activity: the regime, the size of the move, the hour of the day, plus noise.
    const minuteOfDay = ((minute % 1_440) + 1_440) % 1_440;
    const daily = 1 + 0.35 * Math.cos((2 * Math.PI * (minuteOfDay - 900)) / 1_440);
    const activity = 0.4 + (0.35 * Math.abs(end - start) + 0.25 * (top - bottom)) / regime;
    const noise = Math.exp(0.5 * bell(hashAt(keys[STREAM.volume]!, minute)));
    batch.volume[slot] = Math.round(volumeLevel * regime * daily * activity * noise * volumeScale) / volumeScale;
    start = end;
    regime = nextRegime;
  }
}

function newBatch(size: number): MinuteBatch {
  return {
    open: new Float64Array(size),
    high: new Float64Array(size),
    low: new Float64Array(size),
    close: new Float64Array(size),
    volume: new Float64Array(size),
  };
}

/** Candles of `timeframe` opening in [firstOpen, lastOpen], both on the grid, built from 1-minute candles. */
function generateCandles(model: MarketModel, timeframe: Timeframe, firstOpen: number, lastOpen: number): Candle[] {
  const perCandle = timeframeMs(timeframe) / MINUTE;
  const candleCount = (lastOpen - firstOpen) / timeframeMs(timeframe) + 1;
  const totalMinutes = candleCount * perCandle;
  if (totalMinutes > MAX_MINUTES_PER_CALL) {
    throw new RangeError(`asked for ${candleCount} ${timeframe} candles (${totalMinutes} minutes); at most ${MAX_MINUTES_PER_CALL} minutes per call`);
  }
  const candlesPerBatch = Math.max(1, Math.floor(BATCH_MINUTES / perCandle));
  const batch = newBatch(candlesPerBatch * perCandle);
  const result: Candle[] = new Array(candleCount);
  const firstMinute = firstOpen / MINUTE;
  for (let done = 0; done < candleCount; done += candlesPerBatch) {
    const inBatch = Math.min(candlesPerBatch, candleCount - done);
    fillMinutes(model, firstMinute + done * perCandle, inBatch * perCandle, batch);
    for (let candle = 0; candle < inBatch; candle += 1) {
      const from = candle * perCandle;
      let high = batch.high[from]!;
      let low = batch.low[from]!;
      let volume = 0;
      for (let slot = from; slot < from + perCandle; slot += 1) {
        if (batch.high[slot]! > high) high = batch.high[slot]!;
        if (batch.low[slot]! < low) low = batch.low[slot]!;
        volume += batch.volume[slot]!;
      }
      result[done + candle] = {
        openTime: firstOpen + (done + candle) * perCandle * MINUTE,
        open: batch.open[from]!,
        high,
        low,
        close: batch.close[from + perCandle - 1]!,
        volume,
      };
    }
  }
  return result;
}

const SYMBOL = new RegExp(SYMBOL_PATTERN);

/** Why `symbol` cannot be simulated, or undefined when it can. */
function symbolProblem(symbol: string): string | undefined {
  if (typeof symbol !== 'string' || !SYMBOL.test(symbol)) {
    return `market must look like BASE/QUOTE in uppercase letters and digits (e.g. BTC/USDT), got ${JSON.stringify(symbol)}`;
  }
  const [base, quote] = symbol.split('/');
  if (base === quote) return `market ${symbol} trades a currency against itself`;
  return undefined;
}

/**
 * The simulated market. Candles are generated on demand; identical options give
 * identical candles in every process.
 */
export function createSimulatedMarket(options: SimulatedMarketOptions): MarketSource {
  const { seed, startTime, speed } = options;
  if (!Number.isSafeInteger(seed)) throw new RangeError(`simulation seed must be a whole number, got ${seed}`);
  if (!Number.isFinite(startTime)) throw new RangeError(`simulation start time must be a finite Unix time in milliseconds, got ${startTime}`);
  if (!(Number.isFinite(speed) && speed > 0)) throw new RangeError(`simulation speed must be a positive number, got ${speed}`);
  const listed = Object.freeze([...(options.symbols ?? DEFAULT_SIMULATED_MARKETS)]);
  for (const symbol of listed) {
    const problem = symbolProblem(symbol);
    if (problem) throw new RangeError(`simulated market list: ${problem}`);
  }
  const clock: MarketClockSpec = Object.freeze({ kind: 'accelerated', startTime, speed });
  // Models are derived data (a pure function of seed and market), kept only to skip
  // re-deriving them; the cap stops a stream of made-up market names from growing it forever.
  const models = new Map<string, MarketModel>();

  function modelOf(symbol: string): MarketModel {
    let model = models.get(symbol);
    if (!model) {
      const problem = symbolProblem(symbol);
      if (problem) throw new RangeError(`simulated ${problem}`);
      model = buildModel(seed, symbol);
      if (models.size >= MODELS_KEPT) models.clear();
      models.set(symbol, model);
    }
    return model;
  }

  return {
    id: 'simulated',
    hasMarket: (symbol) => symbolProblem(symbol) === undefined,
    listMarkets: () => listed,
    supportsTimeframe: (symbol, timeframe) => symbolProblem(symbol) === undefined && isTimeframe(timeframe),
    async candles(symbol, timeframe, from, to) {
      const model = modelOf(symbol);
      if (!isTimeframe(timeframe)) throw new RangeError(`timeframe must be one of ${TIMEFRAMES.join(', ')}, got ${JSON.stringify(timeframe)}`);
      if (!Number.isFinite(from) || !Number.isFinite(to)) throw new RangeError(`candle range must be two finite times, got ${from} to ${to}`);
      const step = timeframeMs(timeframe);
      // `+ 0` turns the -0 of a small negative `from` into 0.
      const firstOpen = Math.ceil(from / step) * step + 0;
      const lastOpen = candleOpenTime(to, timeframe);
      if (firstOpen > lastOpen) return [];
      return generateCandles(model, timeframe, firstOpen, lastOpen);
    },
    clock: () => clock,
  };
}
