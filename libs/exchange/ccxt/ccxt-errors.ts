/**
 * The one module that knows ccxt's error classes: maps them to the platform's
 * (libs/execution/execution-errors.ts). Network errors and rate limits are retryable;
 * on a create order they mean "unknown" unless the exchange answered before placing it
 * (a rate limit answer is such an answer). Refusals name what was wrong.
 */
import ccxt from 'ccxt';
import { ExchangeRejectedError, ExchangeUnavailableError, OrderNotFoundError, OutcomeUnknownError } from '../../execution/execution-errors.ts';

/** ccxt's message without the exchange's raw body, capped, for logs and users. */
function short(error: Error): string {
  return error.message.slice(0, 300);
}

/** Whether retrying the same read (or a create the exchange refused to process) may succeed. */
export function isRetryable(error: unknown): boolean {
  return error instanceof ccxt.NetworkError;
}

/** Whether a create order failed in a way that leaves open whether the order was placed. */
export function isOutcomeUnknown(error: unknown): boolean {
  // A rate-limit or DDoS answer is the exchange refusing before placing anything; any other network error may come after it placed the order.
  return error instanceof ccxt.NetworkError && !(error instanceof ccxt.RateLimitExceeded) && !(error instanceof ccxt.DDoSProtection);
}

/** The platform's error for a ccxt error (or the error itself when it is not ccxt's). */
export function mapCcxtError(error: unknown, operation: 'create' | 'read'): Error {
  if (!(error instanceof Error)) return new Error(String(error));
  if (error instanceof ccxt.OrderNotFound) return new OrderNotFoundError(short(error));
  if (error instanceof ccxt.InsufficientFunds) return new ExchangeRejectedError('insufficient-funds', `insufficient funds on the exchange: ${short(error)}`);
  if (error instanceof ccxt.AuthenticationError || error instanceof ccxt.PermissionDenied || error instanceof ccxt.AccountSuspended) {
    return new ExchangeRejectedError('authentication', `the exchange refused the API key: ${short(error)}`);
  }
  if (error instanceof ccxt.InvalidOrder || error instanceof ccxt.BadSymbol || error instanceof ccxt.BadRequest) return new ExchangeRejectedError('invalid-order', `the exchange refused the order: ${short(error)}`);
  if (error instanceof ccxt.NetworkError) {
    if (operation === 'create' && isOutcomeUnknown(error)) return new OutcomeUnknownError(`no answer to the order (${error.constructor.name}): ${short(error)}`);
    return new ExchangeUnavailableError(`exchange unavailable (${error.constructor.name}): ${short(error)}`);
  }
  if (error instanceof ccxt.ExchangeError) return new ExchangeRejectedError('refused', `the exchange refused: ${short(error)}`);
  return error;
}
