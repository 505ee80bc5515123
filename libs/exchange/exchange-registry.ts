/**
 * Which exchange client serves a bot, and the fee model risk sizes orders with: the paper
 * exchange for paper bots; for a bot with an exchange account, a ccxt client with the
 * account's keys (one per account, cached), paced by the account's shared rate limiter.
 * ccxt is loaded only when a live client is first needed.
 */
import { Decimal } from '../domain/decimal.ts';
import type { ExchangeClient } from './exchange-client.ts';
import { createPaperExchange, DEFAULT_PAPER_FILL_MODEL, type PaperFillModel } from './paper/paper-exchange.ts';
import type { RateLimiter } from './rate-limiter.ts';

export interface TradingVenue {
  readonly client: ExchangeClient;
  readonly feeRate: Decimal;
  readonly slippageRate: Decimal;
}

export class UnknownExchangeError extends Error {
  constructor(exchange: string) {
    super(`exchange ${JSON.stringify(exchange)} is not available`);
    this.name = 'UnknownExchangeError';
  }
}

export interface LiveCredentials {
  readonly apiKey: string;
  readonly secret: string;
  readonly password?: string | undefined;
}

export interface LiveAccount {
  readonly exchange: string;
  readonly sandbox: boolean;
  readonly credentials: LiveCredentials;
}

export interface LiveVenueOptions {
  /** Opens an account's credentials (libs/db/exchange-account.repository.ts). */
  readonly account: (accountId: string) => Promise<LiveAccount | undefined>;
  /** Base URL per exchange id replacing its API URLs (EXCHANGE_URLS). */
  readonly urls: Readonly<Record<string, string>>;
  readonly limiter: RateLimiter;
  readonly timeoutMs?: number;
}

export interface ExchangeRegistry {
  /** The venue for a bot's `exchange` field: the paper exchange, or sizing figures for a live exchange (its client comes from `clientForAccount`). */
  venueFor(exchange: string): TradingVenue;
  /** The live client of an exchange account. */
  clientForAccount(accountId: string): Promise<ExchangeClient>;
  /** A client for keys not stored yet (checking them before an account is created). */
  clientFor(account: LiveAccount, bucketKey: string): Promise<ExchangeClient>;
  /** Whether ccxt supports `exchange`. */
  supports(exchange: string): Promise<boolean>;
  /** Drops a cached client (its account was removed). */
  forget(accountId: string): void;
}

/**
 * What risk sizes a live market order with: a typical taker fee and room for the price to
 * move before the fill. Fees actually charged are what the exchange reports.
 */
export const LIVE_SIZING_MODEL = { feeRate: new Decimal('0.001'), slippageRate: new Decimal('0.002') } as const;

export function createExchangeRegistry(options: { paperModel?: PaperFillModel; live?: LiveVenueOptions } = {}): ExchangeRegistry {
  const model = options.paperModel ?? DEFAULT_PAPER_FILL_MODEL;
  const paper: TradingVenue = { client: createPaperExchange(model), feeRate: model.feeRate, slippageRate: model.slippageRate };
  const clients = new Map<string, Promise<ExchangeClient>>();
  const live = options.live;

  async function build(account: LiveAccount, bucketKey: string): Promise<ExchangeClient> {
    if (!live) throw new UnknownExchangeError(account.exchange);
    const { createCcxtExchangeClient } = await import('./ccxt/ccxt-exchange-client.ts');
    const { rateLimitBucket } = await import('./rate-limiter.ts');
    return createCcxtExchangeClient({
      exchangeId: account.exchange, credentials: account.credentials, sandbox: account.sandbox, baseUrl: live.urls[account.exchange],
      limiter: live.limiter, bucket: rateLimitBucket(account.exchange, bucketKey), ...(live.timeoutMs ? { timeoutMs: live.timeoutMs } : {}),
    });
  }

  return {
    venueFor(exchange) {
      if (exchange === 'paper') return paper;
      if (!live) throw new UnknownExchangeError(exchange);
      return { client: paper.client, ...LIVE_SIZING_MODEL };
    },
    clientForAccount(accountId) {
      let client = clients.get(accountId);
      if (!client) {
        client = (async () => {
          const account = await live?.account(accountId);
          if (!account) throw new UnknownExchangeError(`account ${accountId}`);
          return build(account, account.credentials.apiKey);
        })();
        client.catch(() => clients.delete(accountId));
        clients.set(accountId, client);
      }
      return client;
    },
    clientFor: build,
    async supports(exchange) {
      const { ccxtExchangeIds } = await import('./ccxt/ccxt-exchange-client.ts');
      return ccxtExchangeIds().includes(exchange);
    },
    forget(accountId) {
      clients.delete(accountId);
    },
  };
}
