/**
 * A user's API keys on an exchange. The keys are stored only as AES-256-GCM ciphertext
 * under a key that is not in the database (libs/platform/secret-box.ts); the row keeps
 * which key version sealed them, so keys can be rotated, and a masked API key to show.
 */
import { defineEntity, p } from '@mikro-orm/core';

export const ExchangeAccountEntity = defineEntity({
  name: 'ExchangeAccount',
  tableName: 'exchange_accounts',
  properties: {
    id: p.uuid().primary(),
    userId: p.uuid().index(),
    /** ccxt exchange id, e.g. "binance". */
    exchange: p.string().length(64),
    label: p.string().length(100),
    /** First and last characters of the API key, for the owner to recognise it. */
    maskedApiKey: p.string().length(32),
    /** The exchange's sandbox or testnet. */
    sandbox: p.boolean(),
    /** Version of the encryption key that sealed `credentials`. */
    keyVersion: p.integer(),
    /** Sealed JSON {apiKey, secret, password?}; never leaves the server. */
    credentials: p.text().hidden(),
    createdAt: p.datetime(),
    deletedAt: p.datetime().nullable(),
  },
});
