/**
 * Which exchange client serves a bot, and the fee model risk sizes orders with. Only the
 * paper exchange exists so far; live exchange accounts plug in here.
 */
import type { Decimal } from '../domain/decimal.ts';
import type { ExchangeClient } from './exchange-client.ts';
import { createPaperExchange, DEFAULT_PAPER_FILL_MODEL, type PaperFillModel } from './paper/paper-exchange.ts';

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

export interface ExchangeRegistry {
  /** The venue for a bot's `exchange` field. */
  venueFor(exchange: string): TradingVenue;
}

export function createExchangeRegistry(options: { paperModel?: PaperFillModel } = {}): ExchangeRegistry {
  const model = options.paperModel ?? DEFAULT_PAPER_FILL_MODEL;
  const paper: TradingVenue = { client: createPaperExchange(model), feeRate: model.feeRate, slippageRate: model.slippageRate };
  return {
    venueFor(exchange) {
      if (exchange === 'paper') return paper;
      throw new UnknownExchangeError(exchange);
    },
  };
}
