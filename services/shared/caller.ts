/** The authenticated caller of an action, taken only from the verified token (ctx.meta). */
import type { Context } from 'moleculer';
import { forbidden, unauthorized } from './errors.ts';

export interface Caller {
  readonly id: string;
  readonly role: 'user' | 'admin';
}

export interface CallerMeta {
  user?: Caller | null;
  requestId?: string;
  /** The client's address as the gateway determined it (TRUST_PROXY decides whether X-Forwarded-For counts). */
  clientIp?: string;
  userAgent?: string;
  /** Set by an action that learns who acted when the token did not say (login, refresh): the gateway's audit entry uses it. */
  auditActor?: { id: string; label: string };
}

/** The caller, or a 401 if the gateway did not authenticate one. */
export function callerOf(ctx: Context<unknown, CallerMeta>): Caller {
  const user = ctx.meta.user;
  if (!user) throw unauthorized();
  return user;
}

/** The caller when it is an admin; 401 without a caller, 403 for a user. */
export function assertAdmin(ctx: Context<unknown, CallerMeta>): Caller {
  const caller = callerOf(ctx);
  if (caller.role !== 'admin') throw forbidden();
  return caller;
}
