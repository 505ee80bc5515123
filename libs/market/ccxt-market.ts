/**
 * Real exchanges' public candles through ccxt (any exchange it supports), as a market
 * source. History is fetched once: every candle fetched is kept in a candle store
 * (Postgres), and so is every gap the exchange's data has, so neither is asked for again.
 * One ccxt exchange object serves all bots of the source, with ccxt's own rate limiter
 * on, so the exchange's limits hold however many bots ask.
 *
 * A candle the exchange has not published yet (it closed moments ago) is neither served
 * nor stored: asking for it fails with CandleNotPublishedError, which the tick handler
 * turns into a retry. Only once a candle closed more than `publishDelayMs` ago is its
 * absence taken as a gap, stored, and decided as "no-data" in the bot's decision log.
 *
 * ccxt is loaded only when a ccxt source is created: the embedded default never loads it
 * and never touches the network.
 */
import type { Candle } from '../domain/candle.ts';
import { SYMBOL_PATTERN } from '../domain/candle.ts';
import { isTimeframe, lastClosedCandleOpenTime, timeframeMs, type Timeframe } from '../domain/timeframe.ts';
import type { Clock } from '../platform/clock.ts';
import type { MarketSource } from './market-source.ts';

/** Where fetched candles and known gaps are kept (libs/db/candle.repository.ts). */
export interface CandleStore {
  /** Times known in [from, to]: a candle, or null for a known gap. */
  stored(source: string, market: string, timeframe: string, from: number, to: number): Promise<Map<number, Candle | null>>;
  save(source: string, market: string, timeframe: string, candles: readonly Candle[], gaps: readonly number[], fetchedAt: Date): Promise<void>;
}

export interface CcxtMarketOptions {
  /** A ccxt exchange id, e.g. "binance". */
  readonly exchangeId: string;
  readonly store: CandleStore;
  /** Real time: which candles have closed. */
  readonly clock: Clock;
  /** Options for ccxt's exchange constructor, over ours (rate limiting on, spot markets). */
  readonly exchangeOptions?: Readonly<Record<string, unknown>>;
  /** Replacements for entries of the exchange's `urls.api` (tests point them at a loopback server). */
  readonly apiUrls?: Readonly<Record<string, string>>;
  /** How long after its close a missing candle may still be on its way (default 5 s). */
  readonly publishDelayMs?: number;
  /** Candles asked for per request (default 1000; exchanges cap it). */
  readonly fetchLimit?: number;
}

/** The exchange has not published a candle that has closed: try again shortly. */
export class CandleNotPublishedError extends Error {
  constructor(source: string, symbol: string, openTime: number) {
    super(`${source} has not published the ${symbol} candle of ${new Date(openTime).toISOString()} yet`);
    this.name = 'CandleNotPublishedError';
  }
}

/** The ccxt exchange id is not one ccxt supports. */
export class UnknownCcxtExchangeError extends Error {
  constructor(exchangeId: string) {
    super(`ccxt has no exchange ${JSON.stringify(exchangeId)}`);
    this.name = 'UnknownCcxtExchangeError';
  }
}

export interface CcxtMarketSource extends MarketSource {
  /** Loads the exchange's market list (network), so hasMarket answers exactly. */
  prepare(): Promise<void>;
}

/** Markets listed to users at most (a big exchange has thousands). */
const LISTED_MARKETS = 500;
const SYMBOL = new RegExp(SYMBOL_PATTERN);

interface CcxtExchange {
  urls: { api: Record<string, string> };
  markets: Record<string, { spot?: boolean; active?: boolean | null }> | undefined;
  timeframes: Record<string, unknown> | undefined;
  loadMarkets(): Promise<unknown>;
  fetchOHLCV(symbol: string, timeframe: string, since?: number, limit?: number): Promise<number[][]>;
}

/** Defaults per exchange: only what is needed for public spot candles. */
const EXCHANGE_DEFAULTS: Readonly<Record<string, Record<string, unknown>>> = {
  // Binance would also load futures markets and (with keys) currencies: not needed for spot candles.
  binance: { options: { fetchMarkets: { types: ['spot'] }, fetchCurrencies: false } },
};

export async function createCcxtMarket(options: CcxtMarketOptions): Promise<CcxtMarketSource> {
  const ccxt = (await import('ccxt')).default as unknown as Record<string, unknown> & { exchanges: string[] };
  if (!ccxt.exchanges.includes(options.exchangeId)) throw new UnknownCcxtExchangeError(options.exchangeId);
  const ExchangeClass = ccxt[options.exchangeId] as new (config: Record<string, unknown>) => CcxtExchange;
  const exchange = new ExchangeClass({ enableRateLimit: true, ...EXCHANGE_DEFAULTS[options.exchangeId], ...options.exchangeOptions });
  for (const [name, url] of Object.entries(options.apiUrls ?? {})) exchange.urls.api[name] = url;
  const id = `ccxt:${options.exchangeId}`;
  const publishDelayMs = options.publishDelayMs ?? 5_000;
  const fetchLimit = options.fetchLimit ?? 1_000;
  let loading: Promise<void> | undefined;

  function prepare(): Promise<void> {
    loading ??= exchange.loadMarkets().then(
      () => undefined,
      (error: unknown) => {
        loading = undefined;
        throw error;
      },
    );
    return loading;
  }

  const loaded = () => exchange.markets !== undefined;
  const isSpot = (symbol: string) => exchange.markets?.[symbol]?.spot === true;

  /** Fetches [from, to] from the exchange; returns the candles and the times known to be gaps. */
  async function fetchRange(symbol: string, timeframe: Timeframe, from: number, to: number, lastPublished: number): Promise<{ candles: Candle[]; gaps: number[] }> {
    const step = timeframeMs(timeframe);
    const candles: Candle[] = [];
    const gaps: number[] = [];
    let since = from;
    while (since <= to) {
      const rows = await exchange.fetchOHLCV(symbol, timeframe, since, fetchLimit);
      const inRange = rows.filter((row) => row[0]! >= since && row[0]! <= to && row[0]! % step === 0).sort((a, b) => a[0]! - b[0]!);
      let expected = since;
      for (const [openTime, open, high, low, close, volume] of inRange as [number, number, number, number, number, number][]) {
        for (; expected < openTime; expected += step) gaps.push(expected);
        candles.push({ openTime, open, high, low, close, volume });
        expected = openTime + step;
      }
      const exhausted = rows.length < fetchLimit || inRange.length === 0;
      if (!exhausted) {
        since = expected;
        continue;
      }
      // The exchange has nothing more from `expected` on: old enough, those are gaps.
      for (; expected <= Math.min(to, lastPublished); expected += step) gaps.push(expected);
      break;
    }
    return { candles, gaps };
  }

  return {
    id,
    prepare,
    hasMarket: (symbol) => (loaded() ? isSpot(symbol) : SYMBOL.test(symbol)),
    listMarkets: () => (loaded() ? Object.keys(exchange.markets ?? {}).filter(isSpot).sort().slice(0, LISTED_MARKETS) : []),
    supportsTimeframe: (symbol, timeframe) => isTimeframe(timeframe) && (!loaded() || (isSpot(symbol) && exchange.timeframes?.[timeframe] !== undefined)),
    clock: () => ({ kind: 'wall' }),
    async candles(symbol, timeframe, from, to) {
      if (!Number.isFinite(from) || !Number.isFinite(to)) throw new RangeError(`candle range must be two finite times, got ${from} to ${to}`);
      await prepare();
      if (!isSpot(symbol)) throw new RangeError(`market ${symbol} is not a spot market of ${options.exchangeId}`);
      const step = timeframeMs(timeframe);
      const now = options.clock.now();
      const lastClosed = lastClosedCandleOpenTime(now, timeframe);
      // Candles that closed more than the publishing delay ago: a missing one is a gap.
      const lastPublished = lastClosedCandleOpenTime(now - publishDelayMs, timeframe);
      const first = Math.ceil(from / step) * step;
      const last = Math.min(Math.floor(to / step) * step, lastClosed);
      if (first > last) return [];
      const known = await options.store.stored(id, symbol, timeframe, first, last);
      const fetched = new Map<number, Candle>();
      for (let time = first; time <= last; time += step) {
        if (known.has(time) || fetched.has(time)) continue;
        let end = time;
        while (end + step <= last && !known.has(end + step)) end += step;
        const range = await fetchRange(symbol, timeframe, time, end, lastPublished);
        await options.store.save(id, symbol, timeframe, range.candles, range.gaps, new Date(now));
        for (const candle of range.candles) fetched.set(candle.openTime, candle);
        for (const gap of range.gaps) known.set(gap, null);
        time = end;
      }
      const result: Candle[] = [];
      for (let time = first; time <= last; time += step) {
        const candle = known.get(time) ?? fetched.get(time);
        if (candle) result.push(candle);
        else if (!known.has(time)) throw new CandleNotPublishedError(id, symbol, time);
      }
      return result;
    },
  };
}
