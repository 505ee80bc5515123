/**
 * Accounts and sign-in, served with the gateway: register, and log in for a JWT access
 * token that the gateway verifies on every request.
 */
import type { Context, ServiceSchema } from 'moleculer';
import { ACTION, SERVICES } from '../../libs/contracts/actions.ts';
import { EmailTakenError, type UserRepository, type UserRow } from '../../libs/db/user.repository.ts';
import type { Clock } from '../../libs/platform/clock.ts';
import { decoyHash, hashPassword, verifyPassword } from '../../libs/platform/password.ts';
import type { TokenSigner } from '../../libs/platform/tokens.ts';
import { InvalidCursorError } from '../../libs/db/pagination.ts';
import { assertAdmin, callerOf, type CallerMeta } from '../shared/caller.ts';
import { conflict, invalidField, notFound, unauthorized } from '../shared/errors.ts';

export interface AuthServiceDeps {
  readonly users: UserRepository;
  readonly tokens: TokenSigner;
  readonly clock: Clock;
  readonly newId: () => string;
}

const credentials = {
  $$strict: true,
  email: { type: 'email', max: 254, normalize: true, description: 'Email address, the account name.' },
  password: { type: 'string', min: 8, max: 256, description: 'Password, 8 to 256 characters.' },
};

function userView(user: UserRow) {
  return { id: user.id, email: user.email, role: user.role, createdAt: user.createdAt.toISOString() };
}

export function createAuthService(deps: AuthServiceDeps): ServiceSchema {
  return {
    name: SERVICES.auth,
    actions: {
      [ACTION.auth.register]: {
        params: credentials,
        async handler(ctx: Context<{ email: string; password: string }>) {
          const passwordHash = await hashPassword(ctx.params.password);
          try {
            const user = await deps.users.create({ id: deps.newId(), email: ctx.params.email, passwordHash, role: 'user', createdAt: new Date(deps.clock.now()) });
            this.logger.info({ userId: user.id, requestId: ctx.requestID }, 'user registered');
            return userView(user);
          } catch (error) {
            if (error instanceof EmailTakenError) throw conflict(error.message);
            throw error;
          }
        },
      },
      [ACTION.auth.login]: {
        params: credentials,
        async handler(ctx: Context<{ email: string; password: string }>) {
          const user = await deps.users.findByEmail(ctx.params.email);
          const valid = await verifyPassword(ctx.params.password, user?.passwordHash ?? (await decoyHash()));
          if (!user || !valid) throw unauthorized('email or password is wrong');
          const { token, expiresAt } = await deps.tokens.sign({ userId: user.id, role: user.role }, deps.clock.now());
          return { token, tokenType: 'Bearer', expiresAt: new Date(expiresAt).toISOString(), user: { id: user.id, email: user.email, role: user.role } };
        },
      },
      [ACTION.auth.me]: {
        params: { $$strict: true },
        async handler(ctx: Context<object, CallerMeta>) {
          const user = await deps.users.findById(callerOf(ctx).id);
          if (!user) throw notFound('user');
          return userView(user);
        },
      },
      [ACTION.auth.listUsers]: {
        params: {
          $$strict: true,
          limit: { type: 'number', integer: true, min: 1, max: 500, optional: true, convert: true, description: 'Items per page (default 50, at most 500).' },
          cursor: { type: 'string', max: 200, optional: true, description: 'nextCursor of the previous page.' },
        },
        async handler(ctx: Context<{ limit?: number; cursor?: string }, CallerMeta>) {
          assertAdmin(ctx);
          try {
            return await deps.users.list({ limit: ctx.params.limit ?? 50, cursor: ctx.params.cursor }, userView);
          } catch (error) {
            if (error instanceof InvalidCursorError) throw invalidField('cursor', error.message);
            throw error;
          }
        },
      },
    },
  };
}
