/**
 * Seals secrets (exchange API keys) with AES-256-GCM under a key that is never in the
 * database: it comes from the environment (EXCHANGE_SECRETS_KEYS) or a file, with a
 * version so it can be rotated. A sealed value names the version that sealed it, so old
 * values keep opening after a new key is added; the newest key seals. The record's id is
 * bound in as associated data: a sealed value copied onto another row does not open.
 *
 * Format: `v<version>.<iv>.<tag>.<ciphertext>` (base64url parts).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export interface SecretKey {
  readonly version: number;
  readonly key: Buffer;
}

export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

/** Parses "1:<base64 of 32 bytes>,2:<...>" (commas or newlines); throws naming what is wrong, never the key. */
export function parseSecretKeys(text: string): SecretKey[] {
  const keys = text.split(/[,\n]/).map((entry) => entry.trim()).filter((entry) => entry !== '' && !entry.startsWith('#')).map((entry) => {
    const match = /^(\d{1,6}):([A-Za-z0-9+/_=-]+)$/.exec(entry);
    if (!match) throw new SecretBoxError('each key must be <version>:<base64 of 32 random bytes>, e.g. 1:' + 'A'.repeat(43) + '=');
    const key = Buffer.from(match[2]!, 'base64');
    if (key.length !== 32) throw new SecretBoxError(`key version ${match[1]} is ${key.length} bytes; AES-256 needs 32`);
    return { version: Number(match[1]), key };
  });
  if (keys.length === 0) throw new SecretBoxError('no key given');
  if (new Set(keys.map((key) => key.version)).size !== keys.length) throw new SecretBoxError('a key version appears twice');
  return keys.sort((a, b) => a.version - b.version);
}

/** A new key line for a keys file or EXCHANGE_SECRETS_KEYS. */
export function generateSecretKey(version: number): string {
  return `${version}:${randomBytes(32).toString('base64')}`;
}

export interface SecretBox {
  /** Version new values are sealed with (the newest key). */
  readonly currentVersion: number;
  seal(plaintext: string, boundTo: string): string;
  open(sealed: string, boundTo: string): string;
  /** Version that sealed `sealed`. */
  versionOf(sealed: string): number;
}

export function createSecretBox(keys: readonly SecretKey[]): SecretBox {
  if (keys.length === 0) throw new SecretBoxError('no key given');
  const byVersion = new Map(keys.map((key) => [key.version, key.key]));
  const current = keys.reduce((newest, key) => (key.version > newest.version ? key : newest));
  const versionOf = (sealed: string) => {
    const match = /^v(\d+)\./.exec(sealed);
    if (!match) throw new SecretBoxError('not a sealed value');
    return Number(match[1]);
  };
  return {
    currentVersion: current.version,
    versionOf,
    seal(plaintext, boundTo) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current.key, iv);
      cipher.setAAD(Buffer.from(boundTo, 'utf8'));
      const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return `v${current.version}.${iv.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}.${data.toString('base64url')}`;
    },
    open(sealed, boundTo) {
      const version = versionOf(sealed);
      const key = byVersion.get(version);
      if (!key) throw new SecretBoxError(`sealed with key version ${version}, which is not configured`);
      const [, iv, tag, data] = sealed.split('.');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv ?? '', 'base64url'));
        decipher.setAAD(Buffer.from(boundTo, 'utf8'));
        decipher.setAuthTag(Buffer.from(tag ?? '', 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(data ?? '', 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        throw new SecretBoxError(`a sealed value (key version ${version}) does not open: wrong key or altered data`);
      }
    },
  };
}
