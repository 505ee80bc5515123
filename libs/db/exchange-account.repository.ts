/**
 * A user's exchange accounts. Credentials are sealed (libs/platform/secret-box.ts) before
 * they reach the database and opened only to build an exchange client; every read for
 * the API is scoped to the owner and returns no credentials at all.
 */
import type { InferEntity } from '@mikro-orm/core';
import type { SecretBox } from '../platform/secret-box.ts';
import type { Database } from './database.ts';
import { BotEntity } from './entities/bot.entity.ts';
import { ExchangeAccountEntity } from './entities/exchange-account.entity.ts';

export type ExchangeAccountRow = InferEntity<typeof ExchangeAccountEntity>;

export interface ExchangeCredentialsRecord {
  readonly apiKey: string;
  readonly secret: string;
  readonly password?: string | undefined;
}

/** First and last four characters of an API key (the whole key is never shown). */
export function maskApiKey(apiKey: string): string {
  return apiKey.length <= 8 ? '****' : `${apiKey.slice(0, 4)}…${apiKey.slice(-4)}`;
}

export class AccountInUseError extends Error {
  constructor(botNames: readonly string[]) {
    super(`the account is used by ${botNames.length === 1 ? 'bot' : 'bots'} ${botNames.map((name) => JSON.stringify(name)).join(', ')}: move or delete them first`);
    this.name = 'AccountInUseError';
  }
}

export class ExchangeAccountRepository {
  readonly #database: Database;
  readonly #box: SecretBox;
  constructor(database: Database, box: SecretBox) {
    this.#database = database;
    this.#box = box;
  }

  async create(input: { id: string; userId: string; exchange: string; label: string; sandbox: boolean; credentials: ExchangeCredentialsRecord }, now: Date): Promise<ExchangeAccountRow> {
    const em = this.#database.em();
    const account = em.create(ExchangeAccountEntity, {
      id: input.id, userId: input.userId, exchange: input.exchange, label: input.label, sandbox: input.sandbox,
      maskedApiKey: maskApiKey(input.credentials.apiKey), keyVersion: this.#box.currentVersion,
      credentials: this.#box.seal(JSON.stringify(input.credentials), input.id), createdAt: now, deletedAt: null,
    });
    await em.flush();
    return account;
  }

  async listOwned(userId: string): Promise<ExchangeAccountRow[]> {
    return this.#database.em().find(ExchangeAccountEntity, { userId, deletedAt: null }, { orderBy: { createdAt: 'asc' } });
  }

  async findOwned(userId: string, id: string): Promise<ExchangeAccountRow | null> {
    return this.#database.em().findOne(ExchangeAccountEntity, { id, userId, deletedAt: null });
  }

  /** Deletes (keeps the row for the orders that reference it, without its credentials' use) unless a bot still uses it. */
  async remove(userId: string, id: string, now: Date): Promise<boolean> {
    return this.#database.em().transactional(async (em) => {
      const account = await em.findOne(ExchangeAccountEntity, { id, userId, deletedAt: null });
      if (!account) return false;
      const users = await em.find(BotEntity, { exchangeAccountId: id, status: { $ne: 'deleted' } }, { fields: ['name'] });
      if (users.length > 0) throw new AccountInUseError(users.map((bot) => bot.name));
      account.deletedAt = now;
      // The sealed keys go with the account: nothing can use them any more.
      account.credentials = this.#box.seal('{}', id);
      return true;
    });
  }

  /** The account's exchange and opened credentials, for building its client (never for responses or logs). */
  async credentials(id: string): Promise<{ exchange: string; sandbox: boolean; credentials: ExchangeCredentialsRecord } | undefined> {
    const account = await this.#database.em().findOne(ExchangeAccountEntity, { id, deletedAt: null });
    if (!account) return undefined;
    return { exchange: account.exchange, sandbox: account.sandbox, credentials: JSON.parse(this.#box.open(account.credentials, id)) as ExchangeCredentialsRecord };
  }

  /** Re-seals every account under the newest key (after adding one); returns how many changed. */
  async reseal(): Promise<number> {
    const em = this.#database.em();
    const accounts = await em.find(ExchangeAccountEntity, { keyVersion: { $ne: this.#box.currentVersion } });
    for (const account of accounts) {
      account.credentials = this.#box.seal(this.#box.open(account.credentials, account.id), account.id);
      account.keyVersion = this.#box.currentVersion;
    }
    await em.flush();
    return accounts.length;
  }
}
