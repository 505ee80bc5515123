/**
 * Accounts and sessions, served with the gateway. Login gives a 15-minute access token
 * (JWT, verified by the gateway on every request) and a refresh token, kept only as its
 * hash. Each refresh retires the token used and issues the next in the same family; a
 * retired token presented again revokes the family (someone copied it). Logout revokes
 * the family, a password change every family of the account. Failed logins are
 * throttled per account and per address.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Context, ServiceSchema } from 'moleculer';
import { ACTION, SERVICES } from '../../libs/contracts/actions.ts';
import { InvalidCursorError } from '../../libs/db/pagination.ts';
import type { NewRefreshToken, RefreshTokenRepository } from '../../libs/db/refresh-token.repository.ts';
import { EmailTakenError, type UserRepository, type UserRow } from '../../libs/db/user.repository.ts';
import type { Clock } from '../../libs/platform/clock.ts';
import { decoyHash, hashPassword, verifyPassword } from '../../libs/platform/password.ts';
import type { Limiter } from '../../libs/platform/rate-limit.ts';
import type { TokenSigner } from '../../libs/platform/tokens.ts';
import { assertAdmin, callerOf, type CallerMeta } from '../shared/caller.ts';
import { conflict, invalidField, notFound, rateLimited, unauthorized } from '../shared/errors.ts';

/** Lifetime of a refresh token; each refresh starts a new one. */
export const REFRESH_TOKEN_LIFETIME_MS = 14 * 24 * 3_600_000;

export interface LoginThrottle {
  /** Failed sign-ins per account (lower-cased email). */
  readonly account: Limiter;
  /** Failed sign-ins per client address. */
  readonly address: Limiter;
}

export interface AuthServiceDeps {
  readonly users: UserRepository;
  readonly refreshTokens: RefreshTokenRepository;
  readonly tokens: TokenSigner;
  readonly throttle: LoginThrottle;
  readonly clock: Clock;
  readonly newId: () => string;
}

const email = { type: 'email', max: 254, normalize: true, description: 'Email address, the account name.' };
const password = { type: 'string', min: 8, max: 256, description: 'Password, 8 to 256 characters.' };
const credentials = { $$strict: true, email, password };
/** 32 random bytes, base64url. */
const refreshToken = { type: 'string', min: 43, max: 43, pattern: /^[A-Za-z0-9_-]+$/, description: 'The refresh token from login or the last refresh.' };

type AuthContext<P = object> = Context<P, CallerMeta>;

function userView(user: UserRow) {
  return { id: user.id, email: user.email, role: user.role, createdAt: user.createdAt.toISOString() };
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function createAuthService(deps: AuthServiceDeps): ServiceSchema {
  const now = () => new Date(deps.clock.now());

  function newRefreshToken(userId: string, familyId: string, ctx: AuthContext): { token: string; row: NewRefreshToken } {
    const token = randomBytes(32).toString('base64url');
    const createdAt = now();
    return {
      token,
      row: {
        id: deps.newId(), userId, familyId, tokenHash: hashRefreshToken(token), createdAt,
        expiresAt: new Date(createdAt.getTime() + REFRESH_TOKEN_LIFETIME_MS),
        ip: ctx.meta.clientIp?.slice(0, 64) ?? null, userAgent: ctx.meta.userAgent?.slice(0, 256) ?? null,
      },
    };
  }

  async function tokenPair(user: UserRow, refresh: { token: string; row: NewRefreshToken }) {
    const { token, expiresAt } = await deps.tokens.sign({ userId: user.id, role: user.role }, deps.clock.now());
    return {
      token, tokenType: 'Bearer', expiresAt: new Date(expiresAt).toISOString(),
      refreshToken: refresh.token, refreshExpiresAt: refresh.row.expiresAt.toISOString(),
      user: { id: user.id, email: user.email, role: user.role },
    };
  }

  /** Refuses with 429 while the account or the address has failed too often. */
  async function checkThrottle(account: string, address: string | undefined) {
    const waits = await Promise.all([deps.throttle.account.refusedFor(account), address ? deps.throttle.address.refusedFor(address) : undefined]);
    const wait = Math.max(...waits.map((seconds) => seconds ?? 0));
    if (wait > 0) throw rateLimited(`too many failed sign-ins; try again in ${wait} s`, wait);
  }

  async function recordFailure(account: string, address: string | undefined) {
    await Promise.all([deps.throttle.account.hit(account), address ? deps.throttle.address.hit(address) : undefined]);
  }

  return {
    name: SERVICES.auth,
    actions: {
      [ACTION.auth.register]: {
        params: credentials,
        async handler(ctx: AuthContext<{ email: string; password: string }>) {
          const passwordHash = await hashPassword(ctx.params.password);
          try {
            const user = await deps.users.create({ id: deps.newId(), email: ctx.params.email, passwordHash, role: 'user', createdAt: now() });
            ctx.meta.auditActor = { id: user.id, label: user.email };
            this.logger.info({ userId: user.id, requestId: ctx.meta.requestId }, 'user registered');
            return userView(user);
          } catch (error) {
            if (error instanceof EmailTakenError) throw conflict(error.message);
            throw error;
          }
        },
      },
      [ACTION.auth.login]: {
        params: credentials,
        async handler(ctx: AuthContext<{ email: string; password: string }>) {
          const account = ctx.params.email.toLowerCase();
          await checkThrottle(account, ctx.meta.clientIp);
          const user = await deps.users.findByEmail(account);
          const valid = await verifyPassword(ctx.params.password, user?.passwordHash ?? (await decoyHash()));
          if (!user || !valid) {
            await recordFailure(account, ctx.meta.clientIp);
            throw unauthorized('email or password is wrong');
          }
          await deps.throttle.account.reset(account);
          const refresh = newRefreshToken(user.id, deps.newId(), ctx);
          await deps.refreshTokens.issue(refresh.row);
          ctx.meta.auditActor = { id: user.id, label: user.email };
          return tokenPair(user, refresh);
        },
      },
      [ACTION.auth.refresh]: {
        params: { $$strict: true, refreshToken },
        async handler(ctx: AuthContext<{ refreshToken: string }>) {
          let successor: { token: string; row: NewRefreshToken } | undefined;
          const result = await deps.refreshTokens.rotate(hashRefreshToken(ctx.params.refreshToken), now(), ({ userId, familyId }) => {
            successor = newRefreshToken(userId, familyId, ctx);
            return successor.row;
          });
          if (result.kind === 'reused') {
            this.logger.warn({ userId: result.userId, familyId: result.familyId, requestId: ctx.meta.requestId }, 'a retired refresh token was presented again: its family is revoked');
          }
          if (result.kind !== 'rotated' || !successor) throw unauthorized('the refresh token is invalid, expired or revoked; log in again');
          const user = await deps.users.findById(result.userId);
          if (!user) throw unauthorized('the refresh token is invalid, expired or revoked; log in again');
          ctx.meta.auditActor = { id: user.id, label: user.email };
          // The role is read again here: a granted or revoked role takes effect at the next refresh.
          return tokenPair(user, successor);
        },
      },
      [ACTION.auth.logout]: {
        params: { $$strict: true, refreshToken },
        async handler(ctx: AuthContext<{ refreshToken: string }>) {
          const family = await deps.refreshTokens.familyOf(hashRefreshToken(ctx.params.refreshToken));
          // An unknown token is answered the same way: logging out twice is not an error.
          if (family) {
            await deps.refreshTokens.revokeFamily(family.familyId, 'logout', now());
            const user = await deps.users.findById(family.userId);
            if (user) ctx.meta.auditActor = { id: user.id, label: user.email };
          }
          return { loggedOut: true };
        },
      },
      [ACTION.auth.changePassword]: {
        params: { $$strict: true, currentPassword: { ...password, min: 1, description: 'The password in use now.' }, newPassword: { ...password, description: 'The new password, 8 to 256 characters.' } },
        async handler(ctx: AuthContext<{ currentPassword: string; newPassword: string }>) {
          const user = await deps.users.findById(callerOf(ctx).id);
          if (!user) throw notFound('user');
          await checkThrottle(user.email, ctx.meta.clientIp);
          if (!(await verifyPassword(ctx.params.currentPassword, user.passwordHash))) {
            await recordFailure(user.email, ctx.meta.clientIp);
            throw invalidField('currentPassword', 'currentPassword is not the password of this account');
          }
          if (ctx.params.newPassword === ctx.params.currentPassword) throw invalidField('newPassword', 'newPassword must differ from the current one');
          await deps.users.setPasswordHash(user.id, await hashPassword(ctx.params.newPassword));
          const revoked = await deps.refreshTokens.revokeAllOfUser(user.id, 'password-change', now());
          this.logger.info({ userId: user.id, revokedSessions: revoked, requestId: ctx.meta.requestId }, 'password changed; every session signed out');
          // The caller stays signed in on a new family; every other session must log in again.
          const refresh = newRefreshToken(user.id, deps.newId(), ctx);
          await deps.refreshTokens.issue(refresh.row);
          return tokenPair(user, refresh);
        },
      },
      [ACTION.auth.me]: {
        params: { $$strict: true },
        async handler(ctx: AuthContext) {
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
        async handler(ctx: AuthContext<{ limit?: number; cursor?: string }>) {
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
