/** Access tokens: HS256 JWTs with a pinned algorithm, issuer and audience (jose). */
import { jwtVerify, SignJWT, errors } from 'jose';

export const TOKEN_ISSUER = 'tradebot';
export const TOKEN_AUDIENCE = 'tradebot-api';
const ALGORITHM = 'HS256';

export interface TokenClaims {
  readonly userId: string;
  readonly role: 'user' | 'admin';
}

export interface TokenSigner {
  sign(claims: TokenClaims, now: number): Promise<{ token: string; expiresAt: number }>;
  /** The claims of a valid token, or undefined for any invalid, expired or foreign token. */
  verify(token: string, now: number): Promise<TokenClaims | undefined>;
}

export function createTokenSigner(secret: string, lifetimeSeconds: number): TokenSigner {
  const key = new TextEncoder().encode(secret);
  return {
    async sign(claims, now) {
      const issuedAt = Math.floor(now / 1000);
      const expiresAt = issuedAt + lifetimeSeconds;
      const token = await new SignJWT({ role: claims.role })
        .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
        .setSubject(claims.userId)
        .setIssuer(TOKEN_ISSUER)
        .setAudience(TOKEN_AUDIENCE)
        .setIssuedAt(issuedAt)
        .setExpirationTime(expiresAt)
        .sign(key);
      return { token, expiresAt: expiresAt * 1000 };
    },
    async verify(token, now) {
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: [ALGORITHM],
          issuer: TOKEN_ISSUER,
          audience: TOKEN_AUDIENCE,
          currentDate: new Date(now),
        });
        const role = payload['role'];
        if (typeof payload.sub !== 'string' || (role !== 'user' && role !== 'admin')) return undefined;
        return { userId: payload.sub, role };
      } catch (error) {
        if (error instanceof errors.JOSEError) return undefined;
        throw error;
      }
    },
  };
}
