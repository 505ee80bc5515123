/**
 * A minimal loopback stand-in for Binance's public market-data API, enough for ccxt's
 * real `binance` class to load markets and fetch klines (tests cannot reach the internet):
 * `GET /api/v3/exchangeInfo` and `GET /api/v3/klines`. It serves the candles it is given
 * (gaps stay gaps) and records every request, with its time, for assertions.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Candle } from '../../libs/domain/candle.ts';

const INTERVAL_MS: Readonly<Record<string, number>> = { '1m': 60_000, '5m': 300_000, '15m': 900_000, '1h': 3_600_000, '4h': 14_400_000, '1d': 86_400_000 };

export interface KlinesRequest {
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** performance.now() when it arrived. */
  readonly at: number;
}

export interface KlinesServer {
  /** Base URL of the spot API, for ccxt's `urls.api.public`, e.g. http://127.0.0.1:1234/api/v3 */
  readonly apiUrl: string;
  readonly requests: KlinesRequest[];
  /** Requests for klines only. */
  klineRequests(): KlinesRequest[];
  close(): Promise<void>;
}

/** Binance's exchangeInfo for `markets` (symbol id to base and quote), lot step `lotStep`: what ccxt's binance loads markets from. */
export function binanceExchangeInfo(markets: Readonly<Record<string, { base: string; quote: string }>>, lotStep: string) {
  return {
    timezone: 'UTC', serverTime: Date.now(), rateLimits: [], exchangeFilters: [],
    symbols: Object.entries(markets).map(([symbol, market]) => ({
      symbol, status: 'TRADING', baseAsset: market.base, baseAssetPrecision: 8, quoteAsset: market.quote, quotePrecision: 8, quoteAssetPrecision: 8,
      baseCommissionPrecision: 8, quoteCommissionPrecision: 8, orderTypes: ['LIMIT', 'MARKET'], icebergAllowed: true, ocoAllowed: true,
      quoteOrderQtyMarketAllowed: true, allowTrailingStop: false, isSpotTradingAllowed: true, isMarginTradingAllowed: false,
      filters: [
        { filterType: 'PRICE_FILTER', minPrice: '0.00000100', maxPrice: '1000000.00000000', tickSize: '0.00000100' },
        { filterType: 'LOT_SIZE', minQty: lotStep, maxQty: '100000.00000000', stepSize: lotStep },
      ],
      permissions: ['SPOT'], permissionSets: [['SPOT']], defaultSelfTradePreventionMode: 'NONE', allowedSelfTradePreventionModes: ['NONE'],
    })),
  };
}

/** Serves `markets`: Binance symbol id (e.g. "ETHBTC") to base, quote and 1-minute-grid candles per interval. */
export async function startKlinesServer(markets: Readonly<Record<string, { base: string; quote: string; candles: Readonly<Record<string, readonly Candle[]>> }>>): Promise<KlinesServer> {
  const requests: KlinesRequest[] = [];
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const query = Object.fromEntries(url.searchParams);
    requests.push({ path: url.pathname, query, at: performance.now() });
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (url.pathname === '/api/v3/exchangeInfo') {
      reply(200, binanceExchangeInfo(markets, '0.00100000'));
      return;
    }
    if (url.pathname === '/api/v3/klines') {
      const market = markets[query['symbol'] ?? ''];
      const interval = INTERVAL_MS[query['interval'] ?? ''];
      if (!market || interval === undefined) {
        reply(400, { code: -1121, msg: 'Invalid symbol.' });
        return;
      }
      const limit = Math.min(Number(query['limit'] ?? 500), 1000);
      const start = query['startTime'] === undefined ? Number.NEGATIVE_INFINITY : Number(query['startTime']);
      const end = query['endTime'] === undefined ? Number.POSITIVE_INFINITY : Number(query['endTime']);
      const rows = (market.candles[query['interval']!] ?? [])
        .filter((candle) => candle.openTime >= start && candle.openTime <= end)
        .slice(0, limit)
        .map((candle) => [
          candle.openTime, String(candle.open), String(candle.high), String(candle.low), String(candle.close), String(candle.volume),
          candle.openTime + interval - 1, '0', 1, '0', '0', '0',
        ]);
      reply(200, rows);
      return;
    }
    reply(404, { code: -1, msg: `no route ${url.pathname}` });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}/api/v3`,
    requests,
    klineRequests: () => requests.filter((request) => request.path === '/api/v3/klines'),
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
