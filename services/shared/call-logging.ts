/**
 * Logs every action call and event handling with its request id (which Moleculer carries
 * from the gateway's request through every nested call and emitted event), the user and
 * the bot it concerns: one debug line per call, one error line per unexpected failure.
 * Client errors (4xx) are the client's business and are not logged as failures. Only
 * ids are logged, never params, so no password, token or key can reach a log line.
 */
import type { Context, Middleware, ServiceBroker } from 'moleculer';
import type { CallerMeta } from './caller.ts';

interface LogTarget {
  debug(object: object, message: string): void;
  error(object: object, message: string): void;
}

/** Ids worth putting beside a log line: request, user, bot. */
export function logContext(ctx: Context<unknown, CallerMeta>, name = ''): Record<string, string> {
  const params = (ctx.params ?? {}) as { botId?: unknown; id?: unknown; userId?: unknown };
  // The bots service names its bot `id`; everything else says `botId`.
  const botId = typeof params.botId === 'string' ? params.botId : name.startsWith('bots.') && typeof params.id === 'string' ? params.id : undefined;
  const userId = ctx.meta?.user?.id ?? (typeof params.userId === 'string' ? params.userId : undefined);
  return {
    ...(ctx.requestID ? { requestId: ctx.requestID } : {}),
    ...(userId ? { userId } : {}),
    ...(botId ? { botId } : {}),
  };
}

function isClientError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' && code >= 400 && code < 500;
}

export function callLoggingMiddleware(): Middleware {
  let logger: LogTarget;
  return {
    name: 'CallLogging',
    created(broker: ServiceBroker) {
      logger = broker.getLogger('calls') as unknown as LogTarget;
    },
    localAction(next: (ctx: Context) => Promise<unknown>, action: { name: string }) {
      return async (ctx: Context<unknown, CallerMeta>) => {
        const started = performance.now();
        try {
          const result = await next(ctx);
          logger.debug({ action: action.name, ...logContext(ctx, action.name), ms: Math.round(performance.now() - started) }, 'action done');
          return result;
        } catch (error) {
          if (!isClientError(error)) logger.error({ action: action.name, ...logContext(ctx, action.name), err: error }, 'action failed');
          throw error;
        }
      };
    },
    localEvent(next: (ctx: Context) => Promise<unknown>, event: { name: string }) {
      return async (ctx: Context<unknown, CallerMeta>) => {
        try {
          return await next(ctx);
        } catch (error) {
          logger.error({ event: event.name, ...logContext(ctx), err: error }, 'event handler failed');
          throw error;
        }
      };
    },
  } as unknown as Middleware;
}
