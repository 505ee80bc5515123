/**
 * Live trading on any exchange ccxt supports: the ExchangeClient port over a ccxt
 * exchange object with the account's keys. Every call waits for the account's shared
 * rate limiter; reads are retried with backoff on network errors and rate limits; a
 * create order is retried only when the exchange answered that it did not take it (rate
 * limit), and any other lost answer is reported as unknown, never sent again blind.
 */
import ccxt from 'ccxt';
import { Decimal } from '../../domain/decimal.ts';
import type { Fill, OrderStatus } from '../../domain/order.ts';
import { OrderNotFoundError } from '../../execution/execution-errors.ts';
import type { ExchangeClient, LiveExchangeOperations, OpenExchangeOrder, OrderLookup, OrderReport, OrderRequest } from '../exchange-client.ts';
import { systemClock, type Clock } from '../../platform/clock.ts';
import type { RateLimiter } from '../rate-limiter.ts';
import { isRetryable, mapCcxtError } from './ccxt-errors.ts';

export interface ExchangeCredentials {
  readonly apiKey: string;
  readonly secret: string;
  readonly password?: string | undefined;
}

export interface CcxtClientOptions {
  readonly exchangeId: string;
  readonly credentials: ExchangeCredentials;
  readonly sandbox: boolean;
  /** Base URL replacing every entry of the exchange's `urls.api` (a stub in tests, a proxy in operations). */
  readonly baseUrl?: string | undefined;
  readonly limiter: RateLimiter;
  readonly bucket: string;
  /** Request timeout (default 10 s). */
  readonly timeoutMs?: number;
  /** Tries of a retryable call (default 4) and the first backoff (default 200 ms, doubling). */
  readonly retries?: number;
  readonly backoffMs?: number;
  /** Stamps a fill whose exchange gave no time (real time unless a test passes its own). */
  readonly clock?: Clock;
}

interface CcxtTrade { id?: string; order?: string; side?: string; price?: number; amount?: number; timestamp?: number; fee?: { cost?: number; currency?: string }; info?: Record<string, unknown> }
interface CcxtOrder { id: string; clientOrderId?: string; status?: string; filled?: number; amount?: number; trades?: CcxtTrade[]; info?: Record<string, unknown> }
interface CcxtExchange {
  urls: Record<string, unknown>;
  options: Record<string, unknown>;
  setSandboxMode(enabled: boolean): void;
  loadMarkets(): Promise<unknown>;
  createOrder(symbol: string, type: string, side: string, amount: string, price?: number, params?: object): Promise<CcxtOrder>;
  fetchOrder(id: string, symbol: string, params?: object): Promise<CcxtOrder>;
  cancelOrder(id: string, symbol: string, params?: object): Promise<CcxtOrder>;
  fetchOpenOrders(symbol: string): Promise<CcxtOrder[]>;
  fetchOrders(symbol: string, since?: number): Promise<CcxtOrder[]>;
  fetchMyTrades(symbol: string, since?: number, limit?: number, params?: object): Promise<CcxtTrade[]>;
  fetchBalance(): Promise<{ free?: Record<string, number | undefined> }>;
}

/** The exchange ids ccxt supports. */
export function ccxtExchangeIds(): readonly string[] {
  return ccxt.exchanges;
}

/** Every API URL of the exchange pointed at `baseUrl` (keeping each entry's path). */
function overrideUrls(api: unknown, baseUrl: string): unknown {
  if (typeof api === 'string') {
    const url = new URL(api);
    return `${baseUrl}${url.pathname}`.replace(/\/$/, '');
  }
  if (api && typeof api === 'object') return Object.fromEntries(Object.entries(api).map(([key, value]) => [key, overrideUrls(value, baseUrl)]));
  return api;
}

/** ccxt's textual number ("0.001", or a float) as an exact decimal. */
function exact(value: unknown): Decimal {
  if (value === undefined || value === null || value === '') return new Decimal(0);
  return new Decimal(typeof value === 'number' ? value.toString() : String(value));
}

function statusOf(order: CcxtOrder): OrderStatus {
  switch (order.status) {
    case 'closed': return 'filled';
    case 'canceled': case 'cancelled': case 'expired': return 'cancelled';
    case 'rejected': return 'rejected';
    default: return exact(order.filled).gt(0) ? 'partially_filled' : 'open';
  }
}

function fillOf(trade: CcxtTrade, fallbackSide: 'buy' | 'sell', receivedAt: number): Fill {
  // The raw strings of the exchange keep every digit; ccxt's numbers are floats.
  const info = trade.info ?? {};
  return {
    tradeId: String(trade.id),
    side: trade.side === 'sell' || trade.side === 'buy' ? trade.side : fallbackSide,
    price: exact(info['price'] ?? trade.price),
    quantity: exact(info['qty'] ?? trade.amount),
    fee: exact(info['commission'] ?? trade.fee?.cost),
    feeCurrency: String(info['commissionAsset'] ?? trade.fee?.currency ?? ''),
    // An exchange that omits the trade's time: the moment we learnt of it is the best we have.
    executedAt: trade.timestamp ?? receivedAt,
  };
}

export function createCcxtExchangeClient(options: CcxtClientOptions): ExchangeClient {
  const ExchangeClass = (ccxt as unknown as Record<string, new (config: object) => CcxtExchange>)[options.exchangeId];
  if (!ExchangeClass || !ccxt.exchanges.includes(options.exchangeId)) throw new Error(`ccxt has no exchange ${JSON.stringify(options.exchangeId)}`);
  const clock = options.clock ?? systemClock;
  const exchange = new ExchangeClass({
    apiKey: options.credentials.apiKey,
    secret: options.credentials.secret,
    ...(options.credentials.password ? { password: options.credentials.password } : {}),
    // Our limiter, shared across replicas, paces requests; ccxt's own would pace per process only.
    enableRateLimit: false,
    timeout: options.timeoutMs ?? 10_000,
    options: { fetchMarkets: ['spot'], fetchMargins: false, fetchCurrencies: false, defaultType: 'spot', adjustForTimeDifference: false },
  });
  if (options.sandbox) exchange.setSandboxMode(true);
  if (options.baseUrl) {
    exchange.urls['api'] = overrideUrls(exchange.urls['api'], options.baseUrl);
    if (exchange.urls['test']) exchange.urls['test'] = overrideUrls(exchange.urls['test'], options.baseUrl);
  }
  const retries = options.retries ?? 4;
  const backoffMs = options.backoffMs ?? 200;
  let marketsLoaded: Promise<unknown> | undefined;

  async function call<T>(operation: 'create' | 'read', work: () => Promise<T>): Promise<T> {
    marketsLoaded ??= exchange.loadMarkets().catch((error: unknown) => {
      marketsLoaded = undefined;
      throw error;
    });
    for (let attempt = 1; ; attempt += 1) {
      await options.limiter.acquire(options.bucket);
      try {
        await marketsLoaded;
        return await work();
      } catch (error) {
        const mapped = mapCcxtError(error, operation);
        // Reads retry any network trouble; a create retries only what the exchange refused before placing (mapped to "unavailable", not "unknown").
        const retry = isRetryable(error) && attempt < retries && (operation === 'read' || mapped.name === 'ExchangeUnavailableError');
        if (!retry) throw mapped;
        await new Promise((resolve) => setTimeout(resolve, backoffMs * 2 ** (attempt - 1)));
      }
    }
  }

  async function tradesOf(symbol: string, order: CcxtOrder, side: 'buy' | 'sell'): Promise<Fill[]> {
    if (exact(order.filled).isZero()) return [];
    const trades = await call('read', () => exchange.fetchMyTrades(symbol, undefined, undefined, { orderId: order.id }));
    return trades.filter((trade) => String(trade.order) === String(order.id)).map((trade) => fillOf(trade, side, clock.now()));
  }

  async function report(symbol: string, order: CcxtOrder, side: 'buy' | 'sell'): Promise<OrderReport> {
    return { exchangeOrderId: String(order.id), status: statusOf(order), fills: await tradesOf(symbol, order, side), filledQuantity: exact(order.info?.['executedQty'] ?? order.filled) };
  }

  const sideOf = (order: CcxtOrder): 'buy' | 'sell' => (String(order.info?.['side'] ?? '').toLowerCase() === 'sell' ? 'sell' : 'buy');

  const live: LiveExchangeOperations = {
    async findOrder(symbol, clientOrderId, exchangeOrderId, since, knownOrderIds): Promise<OrderLookup> {
      try {
        const order = await call('read', () => exchange.fetchOrder(exchangeOrderId ?? '', symbol, exchangeOrderId ? {} : { origClientOrderId: clientOrderId }));
        return { kind: 'found', report: await report(symbol, order, sideOf(order)) };
      } catch (error) {
        if (!(error instanceof OrderNotFoundError)) throw error;
      }
      const open = await call('read', () => exchange.fetchOpenOrders(symbol));
      const all = await call('read', () => exchange.fetchOrders(symbol, since));
      const match = [...open, ...all].find((order) => order.clientOrderId === clientOrderId || (exchangeOrderId !== null && String(order.id) === exchangeOrderId));
      if (match) return { kind: 'found', report: await report(symbol, match, sideOf(match)) };
      // Absent from every order list; but a trade of an order we do not know means the lists may lag behind: not proven.
      const trades = await call('read', () => exchange.fetchMyTrades(symbol, since));
      const listed = new Set([...open, ...all].map((order) => String(order.id)));
      const stray = trades.find((trade) => !knownOrderIds.has(String(trade.order)) && !listed.has(String(trade.order)));
      if (stray) return { kind: 'unproven', reason: `a trade of exchange order ${String(stray.order)} that no order list shows yet may be this order` };
      return { kind: 'absent' };
    },
    async cancelOrder(symbol, exchangeOrderId, clientOrderId) {
      try {
        await call('read', () => exchange.cancelOrder(exchangeOrderId, symbol));
      } catch (error) {
        // Unknown order: it filled (or was cancelled) before the cancel arrived; the lookup below says which.
        if (!(error instanceof OrderNotFoundError)) throw error;
      }
      const order = await call('read', () => exchange.fetchOrder(exchangeOrderId, symbol, { origClientOrderId: clientOrderId }));
      return report(symbol, order, sideOf(order));
    },
    async openOrders(symbol): Promise<OpenExchangeOrder[]> {
      const open = await call('read', () => exchange.fetchOpenOrders(symbol));
      return open.map((order) => ({ exchangeOrderId: String(order.id), clientOrderId: order.clientOrderId }));
    },
    async balance() {
      const balance = await call('read', () => exchange.fetchBalance());
      return Object.fromEntries(Object.entries(balance.free ?? {}).filter(([, value]) => value !== undefined).map(([currency, value]) => [currency, exact(value).toFixed()]));
    },
  };

  return {
    id: options.exchangeId,
    live,
    async createOrder(request: OrderRequest): Promise<OrderReport> {
      const order = await call('create', () => exchange.createOrder(request.symbol, request.type, request.side, request.quantity.toFixed(), undefined, { clientOrderId: request.clientOrderId }));
      try {
        return await report(request.symbol, order, request.side);
      } catch {
        // The order is placed; its trades are fetched by the next reconciliation.
        return { exchangeOrderId: String(order.id), status: statusOf(order), fills: [], filledQuantity: exact(order.filled) };
      }
    },
  };
}
