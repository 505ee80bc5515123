/**
 * A loopback stand-in for the part of Binance's spot REST API that ccxt's real `binance`
 * class uses for live trading: exchange info, create / fetch / cancel order, open and all
 * orders, my trades, account balances. It keeps the true ledger (orders, trades,
 * balances) and checks each request's API key and HMAC signature, so a test can compare
 * the platform's database with what "really" happened. Fault switches reproduce what
 * goes wrong with real exchanges:
 *
 * - `createTimeouts`: the next create requests get no answer in time, with the order
 *   committed (`committed: true`) or not;
 * - `rateLimited` / `serverErrors`: the next requests answer 429 / 503;
 * - `partialFills`: market orders fill in that many parts, one more part per `advance()`;
 * - `feeAsset`: commissions charged in another asset (e.g. BNB, or the base asset);
 * - `duplicateTrades`: every trade listed twice by myTrades;
 * - `hiddenLookups`: the next order lookups (get order, open orders, all orders) do not
 *   show the order; only myTrades does;
 * - `fillOnCancel`: an order is filled just before the cancel arrives (the race);
 * - `authFailure`: every signed request fails with -2015;
 * - insufficient funds are real: an order larger than the balance is refused.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Decimal } from '../../../libs/domain/decimal.ts';
import { binanceExchangeInfo } from '../klines-server.ts';

export interface StubMarket {
  readonly base: string;
  readonly quote: string;
  /** Price market orders fill at (set with `setPrice`). */
  price: Decimal;
}

export interface StubOrder {
  readonly orderId: number;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: 'BUY' | 'SELL';
  readonly origQty: Decimal;
  executedQty: Decimal;
  cummulativeQuoteQty: Decimal;
  status: 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED';
  readonly time: number;
  updateTime: number;
  readonly apiKey: string;
  /** Parts still to fill (partial fills). */
  remainingParts: number;
}

export interface StubTrade {
  readonly id: number;
  readonly orderId: number;
  readonly symbol: string;
  readonly price: Decimal;
  readonly qty: Decimal;
  readonly commission: Decimal;
  readonly commissionAsset: string;
  readonly time: number;
  readonly isBuyer: boolean;
  readonly apiKey: string;
}

export interface StubFaults {
  createTimeouts: { count: number; committed: boolean };
  rateLimited: number;
  serverErrors: number;
  partialFills: number;
  feeAsset: string | undefined;
  duplicateTrades: boolean;
  hiddenLookups: number;
  fillOnCancel: boolean;
  authFailure: boolean;
}

export interface BinanceStub {
  /** Base URL; ccxt's binance `urls.api` entries all point under it. */
  readonly url: string;
  readonly markets: Map<string, StubMarket>;
  readonly orders: StubOrder[];
  readonly trades: StubTrade[];
  readonly faults: StubFaults;
  /** Every request: method, path and whether it was answered. */
  readonly requests: { method: string; path: string; at: number }[];
  /** Adds an API key with its secret and balances. */
  addAccount(apiKey: string, secret: string, balances: Record<string, string>): void;
  balance(apiKey: string, asset: string): Decimal;
  setPrice(symbol: string, price: string): void;
  /** Fills one more part of every partially filled order. */
  advance(): void;
  resetFaults(): void;
  close(): Promise<void>;
}

const FEE_RATE = new Decimal('0.001');
/** How long a "timed out" create holds the connection; far beyond the client's timeout. */
const HOLD_MS = 5_000;

function noFaults(): StubFaults {
  return { createTimeouts: { count: 0, committed: false }, rateLimited: 0, serverErrors: 0, partialFills: 1, feeAsset: undefined, duplicateTrades: false, hiddenLookups: 0, fillOnCancel: false, authFailure: false };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startBinanceStub(options: { markets?: Record<string, { base: string; quote: string; price: string }> } = {}): Promise<BinanceStub> {
  const accounts = new Map<string, { secret: string; balances: Map<string, Decimal> }>();
  const markets = new Map<string, StubMarket>(Object.entries(options.markets ?? { BTCUSDT: { base: 'BTC', quote: 'USDT', price: '100' } }).map(([id, m]) => [id, { base: m.base, quote: m.quote, price: new Decimal(m.price) }]));
  const orders: StubOrder[] = [];
  const trades: StubTrade[] = [];
  const requests: { method: string; path: string; at: number }[] = [];
  const faults = noFaults();
  const held = new Set<ServerResponse>();
  let nextOrderId = 1000;
  let nextTradeId = 50_000;

  const balanceOf = (apiKey: string, asset: string) => accounts.get(apiKey)?.balances.get(asset) ?? new Decimal(0);
  const credit = (apiKey: string, asset: string, amount: Decimal) => accounts.get(apiKey)!.balances.set(asset, balanceOf(apiKey, asset).add(amount));

  /** Fills `quantity` of `order` at the market price, moving balances and writing the trade. */
  function fillPart(order: StubOrder, quantity: Decimal): void {
    const market = markets.get(order.symbol)!;
    const price = market.price;
    const quoteQty = price.mul(quantity);
    const feeAsset = faults.feeAsset ?? (order.side === 'BUY' ? market.base : market.quote);
    // Commissions are charged as listed: rounded to the asset's 8 decimals, as Binance does.
    const commission = (feeAsset === market.base ? quantity.mul(FEE_RATE) : feeAsset === market.quote ? quoteQty.mul(FEE_RATE) : new Decimal('0.0001')).toDecimalPlaces(8, Decimal.ROUND_HALF_UP);
    if (order.side === 'BUY') {
      credit(order.apiKey, market.quote, quoteQty.neg());
      credit(order.apiKey, market.base, quantity);
    } else {
      credit(order.apiKey, market.base, quantity.neg());
      credit(order.apiKey, market.quote, quoteQty);
    }
    credit(order.apiKey, feeAsset, commission.neg());
    const time = Date.now();
    trades.push({ id: nextTradeId++, orderId: order.orderId, symbol: order.symbol, price, qty: quantity, commission, commissionAsset: feeAsset, time, isBuyer: order.side === 'BUY', apiKey: order.apiKey });
    order.executedQty = order.executedQty.add(quantity);
    order.cummulativeQuoteQty = order.cummulativeQuoteQty.add(quoteQty);
    order.status = order.executedQty.gte(order.origQty) ? 'FILLED' : 'PARTIALLY_FILLED';
    order.updateTime = time;
  }

  function fillNextPart(order: StubOrder): void {
    if (order.remainingParts <= 0 || order.status === 'FILLED' || order.status === 'CANCELED') return;
    const left = order.origQty.sub(order.executedQty);
    const part = order.remainingParts === 1 ? left : left.div(order.remainingParts).toDecimalPlaces(8, Decimal.ROUND_DOWN);
    order.remainingParts -= 1;
    fillPart(order, part);
  }

  function orderView(order: StubOrder) {
    return {
      symbol: order.symbol, orderId: order.orderId, orderListId: -1, clientOrderId: order.clientOrderId, price: '0.00000000',
      origQty: order.origQty.toFixed(8), executedQty: order.executedQty.toFixed(8), cummulativeQuoteQty: order.cummulativeQuoteQty.toFixed(8),
      status: order.status, timeInForce: 'GTC', type: 'MARKET', side: order.side, stopPrice: '0.00000000', icebergQty: '0.00000000',
      time: order.time, updateTime: order.updateTime, isWorking: true, workingTime: order.time, origQuoteOrderQty: '0.00000000', selfTradePreventionMode: 'NONE',
    };
  }

  function tradeView(trade: StubTrade) {
    return {
      symbol: trade.symbol, id: trade.id, orderId: trade.orderId, orderListId: -1, price: trade.price.toFixed(8), qty: trade.qty.toFixed(8),
      quoteQty: trade.price.mul(trade.qty).toFixed(8), commission: trade.commission.toFixed(8), commissionAsset: trade.commissionAsset,
      time: trade.time, isBuyer: trade.isBuyer, isMaker: false, isBestMatch: true,
    };
  }

  const server: Server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const body = await readBody(request);
      requests.push({ method: request.method ?? 'GET', path: url.pathname, at: Date.now() });
      const reply = (status: number, payload: unknown) => {
        if (response.writableEnded) return;
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(payload));
      };
      const path = url.pathname;
      if (path === '/api/v3/exchangeInfo') return reply(200, binanceExchangeInfo(Object.fromEntries(markets), '0.00000001'));
      if (path === '/api/v3/time') return reply(200, { serverTime: Date.now() });
      if (path === '/api/v3/ping') return reply(200, {});
      if (faults.rateLimited > 0) {
        faults.rateLimited -= 1;
        return reply(429, { code: -1003, msg: 'Too much request weight used; current limit is 1200 request weight per 1 MINUTE.' });
      }
      if (faults.serverErrors > 0) {
        faults.serverErrors -= 1;
        response.writeHead(503, { 'content-type': 'text/plain' });
        return response.end('Service Unavailable');
      }
      // Signed endpoints: the key must exist and the signature must be the HMAC of the other parameters.
      const raw = [url.search.slice(1), body].filter(Boolean).join('&');
      const params = new URLSearchParams(raw);
      const apiKey = String(request.headers['x-mbx-apikey'] ?? '');
      const account = accounts.get(apiKey);
      const signature = params.get('signature');
      const unsigned = raw.replace(/&?signature=[0-9a-f]+/, '');
      if (faults.authFailure || !account || !signature || createHmac('sha256', account.secret).update(unsigned).digest('hex') !== signature) {
        return reply(401, { code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' });
      }
      const symbol = params.get('symbol') ?? '';
      const market = markets.get(symbol);
      const mine = (order: StubOrder) => order.apiKey === apiKey && (symbol === '' || order.symbol === symbol);
      const hidden = () => {
        if (faults.hiddenLookups <= 0) return false;
        faults.hiddenLookups -= 1;
        return true;
      };

      if (path === '/api/v3/account') {
        return reply(200, {
          makerCommission: 10, takerCommission: 10, canTrade: true, canWithdraw: false, canDeposit: true, updateTime: Date.now(), accountType: 'SPOT', permissions: ['SPOT'],
          balances: [...account.balances.entries()].map(([asset, free]) => ({ asset, free: free.toFixed(8), locked: '0.00000000' })),
        });
      }
      if (path === '/api/v3/order' && request.method === 'POST') {
        if (!market) return reply(400, { code: -1121, msg: 'Invalid symbol.' });
        const side = params.get('side') === 'SELL' ? 'SELL' : 'BUY';
        const quantity = new Decimal(params.get('quantity') ?? '0');
        const clientOrderId = params.get('newClientOrderId') ?? `stub-${nextOrderId}`;
        if (quantity.lte(0)) return reply(400, { code: -1013, msg: 'Invalid quantity.' });
        if (orders.some((order) => order.apiKey === apiKey && order.clientOrderId === clientOrderId)) return reply(400, { code: -2010, msg: 'Duplicate order sent.' });
        const needed = side === 'BUY' ? market.price.mul(quantity).mul(FEE_RATE.add(1)) : quantity;
        if (balanceOf(apiKey, side === 'BUY' ? market.quote : market.base).lt(needed)) return reply(400, { code: -2010, msg: 'Account has insufficient balance for requested action.' });
        const timeout = faults.createTimeouts.count > 0;
        if (timeout) faults.createTimeouts.count -= 1;
        if (timeout && !faults.createTimeouts.committed) {
          held.add(response);
          setTimeout(() => { held.delete(response); response.destroy(); }, HOLD_MS).unref();
          return;
        }
        const now = Date.now();
        const order: StubOrder = { orderId: nextOrderId++, clientOrderId, symbol, side, origQty: quantity, executedQty: new Decimal(0), cummulativeQuoteQty: new Decimal(0), status: 'NEW', time: now, updateTime: now, apiKey, remainingParts: faults.partialFills };
        orders.push(order);
        fillNextPart(order);
        if (timeout) {
          held.add(response);
          setTimeout(() => { held.delete(response); response.destroy(); }, HOLD_MS).unref();
          return;
        }
        const fills = trades.filter((trade) => trade.orderId === order.orderId).map((trade) => ({ price: trade.price.toFixed(8), qty: trade.qty.toFixed(8), commission: trade.commission.toFixed(8), commissionAsset: trade.commissionAsset, tradeId: trade.id }));
        return reply(200, { ...orderView(order), transactTime: now, fills });
      }
      const findOrder = () => orders.find((order) => mine(order) && (params.has('orderId') ? String(order.orderId) === params.get('orderId') : order.clientOrderId === params.get('origClientOrderId')));
      if (path === '/api/v3/order' && request.method === 'GET') {
        const order = findOrder();
        if (!order || hidden()) return reply(400, { code: -2013, msg: 'Order does not exist.' });
        return reply(200, orderView(order));
      }
      if (path === '/api/v3/order' && request.method === 'DELETE') {
        const order = findOrder();
        if (order && faults.fillOnCancel) {
          while (order.status === 'NEW' || order.status === 'PARTIALLY_FILLED') fillNextPart(order.remainingParts > 0 ? order : Object.assign(order, { remainingParts: 1 }));
        }
        if (!order || order.status === 'FILLED' || order.status === 'CANCELED') return reply(400, { code: -2011, msg: 'Unknown order sent.' });
        order.status = 'CANCELED';
        order.remainingParts = 0;
        order.updateTime = Date.now();
        return reply(200, { ...orderView(order), origClientOrderId: order.clientOrderId });
      }
      if (path === '/api/v3/openOrders') {
        if (hidden()) return reply(200, []);
        return reply(200, orders.filter((order) => mine(order) && (order.status === 'NEW' || order.status === 'PARTIALLY_FILLED')).map(orderView));
      }
      if (path === '/api/v3/allOrders') {
        if (hidden()) return reply(200, []);
        const since = Number(params.get('startTime') ?? 0);
        return reply(200, orders.filter((order) => mine(order) && order.time >= since).map(orderView));
      }
      if (path === '/api/v3/myTrades') {
        const since = Number(params.get('startTime') ?? 0);
        const orderId = params.get('orderId');
        const listed = trades.filter((trade) => trade.apiKey === apiKey && trade.symbol === symbol && trade.time >= since && (orderId === null || String(trade.orderId) === orderId)).map(tradeView);
        return reply(200, faults.duplicateTrades ? listed.flatMap((trade) => [trade, trade]) : listed);
      }
      return reply(404, { code: -1, msg: `no route ${request.method} ${path}` });
    })().catch((error: unknown) => {
      if (!response.writableEnded) {
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ code: -1000, msg: String(error) }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(Number(process.env['EXCHANGE_STUB_PORT'] ?? 0), '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    markets, orders, trades, faults, requests,
    addAccount(apiKey, secret, balances) {
      accounts.set(apiKey, { secret, balances: new Map(Object.entries(balances).map(([asset, amount]) => [asset, new Decimal(amount)])) });
    },
    balance: balanceOf,
    setPrice(symbol, price) {
      markets.get(symbol)!.price = new Decimal(price);
    },
    advance() {
      for (const order of orders) fillNextPart(order);
    },
    resetFaults() {
      Object.assign(faults, noFaults());
    },
    close() {
      for (const response of held) response.destroy();
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
