/**
 * The errors services raise toward clients, with stable codes and HTTP statuses. The
 * gateway turns any of them into `{ error: { code, message, field? } }`.
 */
import { Errors } from 'moleculer';

export const ERROR_CODES = {
  badRequest: 'BAD_REQUEST',
  validation: 'VALIDATION_ERROR',
  unauthorized: 'UNAUTHORIZED',
  forbidden: 'FORBIDDEN',
  notFound: 'NOT_FOUND',
  conflict: 'CONFLICT',
  payloadTooLarge: 'PAYLOAD_TOO_LARGE',
  rateLimited: 'RATE_LIMITED',
  internal: 'INTERNAL_ERROR',
  unavailable: 'SERVICE_UNAVAILABLE',
} as const;

/** A client mistake in one field (422), naming the field. */
export function invalidField(field: string, message: string): Errors.MoleculerClientError {
  return new Errors.MoleculerClientError(message, 422, ERROR_CODES.validation, { field });
}

export function notFound(what: string): Errors.MoleculerClientError {
  return new Errors.MoleculerClientError(`${what} not found`, 404, ERROR_CODES.notFound);
}

/** A request the current state forbids, with the reason (409). */
export function conflict(reason: string): Errors.MoleculerClientError {
  return new Errors.MoleculerClientError(reason, 409, ERROR_CODES.conflict);
}

export function unauthorized(message = 'a valid bearer token is required'): Errors.MoleculerClientError {
  return new Errors.MoleculerClientError(message, 401, ERROR_CODES.unauthorized);
}

/** The caller is known but may not do this (403): admin-only routes for users. */
export function forbidden(message = 'this needs the admin role'): Errors.MoleculerClientError {
  return new Errors.MoleculerClientError(message, 403, ERROR_CODES.forbidden);
}

/** Too many requests (429); the gateway sends `retryAfterSeconds` as the Retry-After header. */
export function rateLimited(message: string, retryAfterSeconds: number): Errors.MoleculerClientError {
  return new Errors.MoleculerClientError(message, 429, ERROR_CODES.rateLimited, { retryAfterSeconds });
}

/** Something the request needs is down for now (503); the client may retry. */
export function unavailable(message: string): Errors.MoleculerError {
  return new Errors.MoleculerError(message, 503, ERROR_CODES.unavailable);
}
