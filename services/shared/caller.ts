/** The authenticated caller of an action, taken only from the verified token (ctx.meta). */
import type { Context } from 'moleculer';
import { unauthorized } from './errors.ts';

export interface Caller {
  readonly id: string;
  readonly role: 'user' | 'admin';
}

export interface CallerMeta {
  user?: Caller;
  requestId?: string;
}

/** The caller, or a 401 if the gateway did not authenticate one. */
export function callerOf(ctx: Context<unknown, CallerMeta>): Caller {
  const user = ctx.meta.user;
  if (!user) throw unauthorized();
  return user;
}
