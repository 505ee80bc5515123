/**
 * A refresh token, stored only as its SHA-256 hash. Tokens descend from one login in a
 * family: each refresh retires the token it used and issues the next, so a retired token
 * coming back means it was stolen, and the whole family is revoked.
 */
import { defineEntity, p } from '@mikro-orm/core';

export const REFRESH_TOKEN_REVOCATIONS = ['logout', 'reuse', 'password-change'] as const;
export type RefreshTokenRevocation = (typeof REFRESH_TOKEN_REVOCATIONS)[number];

export const RefreshTokenEntity = defineEntity({
  name: 'RefreshToken',
  tableName: 'refresh_tokens',
  indexes: [{ properties: ['familyId'] }, { properties: ['userId'] }],
  properties: {
    id: p.uuid().primary(),
    userId: p.uuid(),
    /** The login this token descends from. */
    familyId: p.uuid(),
    /** Hex SHA-256 of the token; the token itself is never stored. */
    tokenHash: p.string().length(64).unique(),
    createdAt: p.datetime(),
    expiresAt: p.datetime(),
    /** When it was exchanged for its successor; a second use after this is reuse. */
    rotatedAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
    revokedReason: p.string().length(32).$type<RefreshTokenRevocation>().nullable(),
    ip: p.string().length(64).nullable(),
    userAgent: p.string().length(256).nullable(),
  },
});
