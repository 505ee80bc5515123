/**
 * Refresh tokens by hash, with rotation that holds under concurrency: a token is retired
 * by one conditional update, so of two requests presenting it at once exactly one gets a
 * successor and the other is treated as reuse.
 */
import type { InferEntity } from '@mikro-orm/core';
import type { Database } from './database.ts';
import { RefreshTokenEntity, type RefreshTokenRevocation } from './entities/refresh-token.entity.ts';

export type RefreshTokenRow = InferEntity<typeof RefreshTokenEntity>;

export interface NewRefreshToken {
  readonly id: string;
  readonly userId: string;
  readonly familyId: string;
  readonly tokenHash: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly ip: string | null;
  readonly userAgent: string | null;
}

/** What presenting a refresh token came to. */
export type RotationResult =
  | { readonly kind: 'rotated'; readonly userId: string; readonly familyId: string }
  /** The token had been exchanged before: its family is now revoked. */
  | { readonly kind: 'reused'; readonly userId: string; readonly familyId: string }
  /** Unknown, expired or revoked: nothing to do but refuse. */
  | { readonly kind: 'invalid' };

export class RefreshTokenRepository {
  readonly #database: Database;
  constructor(database: Database) {
    this.#database = database;
  }

  async issue(token: NewRefreshToken): Promise<void> {
    const em = this.#database.em();
    em.create(RefreshTokenEntity, { ...token, rotatedAt: null, revokedAt: null, revokedReason: null });
    await em.flush();
  }

  /**
   * Retires the token with `tokenHash` and issues `successor` in its family. A token
   * already retired is reuse: the family is revoked.
   */
  async rotate(tokenHash: string, now: Date, successor: (current: { userId: string; familyId: string }) => NewRefreshToken): Promise<RotationResult> {
    const em = this.#database.em();
    const current = await em.findOne(RefreshTokenEntity, { tokenHash });
    if (!current || current.revokedAt !== null || current.expiresAt.getTime() <= now.getTime()) return { kind: 'invalid' };
    const retired = await em.nativeUpdate(RefreshTokenEntity, { id: current.id, rotatedAt: null, revokedAt: null }, { rotatedAt: now });
    if (retired === 0) {
      await this.revokeFamily(current.familyId, 'reuse', now);
      return { kind: 'reused', userId: current.userId, familyId: current.familyId };
    }
    await this.issue(successor({ userId: current.userId, familyId: current.familyId }));
    return { kind: 'rotated', userId: current.userId, familyId: current.familyId };
  }

  /** The family the token belongs to, if the token exists (whatever its state). */
  async familyOf(tokenHash: string): Promise<{ userId: string; familyId: string } | undefined> {
    const row = await this.#database.em().findOne(RefreshTokenEntity, { tokenHash });
    return row ? { userId: row.userId, familyId: row.familyId } : undefined;
  }

  async revokeFamily(familyId: string, reason: RefreshTokenRevocation, now: Date): Promise<number> {
    return this.#database.em().nativeUpdate(RefreshTokenEntity, { familyId, revokedAt: null }, { revokedAt: now, revokedReason: reason });
  }

  /** Signs the user out everywhere (password change). */
  async revokeAllOfUser(userId: string, reason: RefreshTokenRevocation, now: Date): Promise<number> {
    return this.#database.em().nativeUpdate(RefreshTokenEntity, { userId, revokedAt: null }, { revokedAt: now, revokedReason: reason });
  }
}
