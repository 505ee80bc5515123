/**
 * What can go wrong when talking to an exchange, in the platform's terms. Only
 * libs/exchange/ccxt/ccxt-errors.ts knows ccxt's error classes and maps them to these.
 */

/** The exchange refused the request; sending it again will not help. */
export const REJECTION_KINDS = ['insufficient-funds', 'invalid-order', 'authentication', 'refused'] as const;
export type RejectionKind = (typeof REJECTION_KINDS)[number];

export class ExchangeRejectedError extends Error {
  readonly kind: RejectionKind;
  constructor(kind: RejectionKind, message: string) {
    super(message);
    this.name = 'ExchangeRejectedError';
    this.kind = kind;
  }

  /** Whether the bot cannot go on after this (its keys or its money are the problem). */
  get pausesBot(): boolean {
    return this.kind === 'authentication' || this.kind === 'insufficient-funds';
  }
}

/** The exchange could not be reached or asked us to slow down, after every retry; nothing is known to have happened. */
export class ExchangeUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExchangeUnavailableError';
  }
}

/** A request that may have reached the exchange got no answer (timeout, dropped connection): its outcome is unknown. */
export class OutcomeUnknownError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutcomeUnknownError';
  }
}

/** The exchange has no such order. */
export class OrderNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OrderNotFoundError';
  }
}
