/**
 * The exchange-account actions of the execution service: a user adds API keys (checked
 * against the exchange with a balance call before anything is stored), lists them (a
 * masked key, never the keys) and removes them. Params of these actions are never logged.
 */
import type { Context } from 'moleculer';
import { Errors } from 'moleculer';
import { ACTION } from '../../libs/contracts/actions.ts';
import { AccountInUseError, type ExchangeAccountRepository, type ExchangeAccountRow } from '../../libs/db/exchange-account.repository.ts';
import { ExchangeRejectedError } from '../../libs/execution/execution-errors.ts';
import type { ExchangeRegistry } from '../../libs/exchange/exchange-registry.ts';
import type { Clock } from '../../libs/platform/clock.ts';
import { callerOf, type CallerMeta } from '../shared/caller.ts';
import { conflict, ERROR_CODES, invalidField, notFound, unavailable } from '../shared/errors.ts';

export interface ExchangeAccountDeps {
  /** Undefined when no key seals secrets (EXCHANGE_SECRETS_KEYS unset with an external database). */
  readonly accounts: ExchangeAccountRepository | undefined;
  readonly exchanges: ExchangeRegistry;
  readonly clock: Clock;
  readonly newId: () => string;
}

interface CreateParams {
  exchange: string;
  apiKey: string;
  secret: string;
  password?: string;
  sandbox?: boolean;
  label?: string;
}

/** Told to every user adding keys. */
export const KEY_ADVICE = 'Use API keys with trading rights only, never withdrawal rights: the platform never withdraws.';

export function exchangeAccountView(row: ExchangeAccountRow) {
  return { id: row.id, exchange: row.exchange, label: row.label, maskedApiKey: row.maskedApiKey, sandbox: row.sandbox, createdAt: row.createdAt.toISOString() };
}

const credential = (description: string) => ({ type: 'string', min: 1, max: 512, trim: true, description });

export function exchangeAccountActions(deps: ExchangeAccountDeps) {
  function repository(): ExchangeAccountRepository {
    if (!deps.accounts) throw new Errors.MoleculerError('exchange accounts are disabled on this platform: the operator has not set EXCHANGE_SECRETS_KEYS', 503, ERROR_CODES.unavailable);
    return deps.accounts;
  }

  return {
    [ACTION.execution.createExchangeAccount]: {
      params: {
        $$strict: true,
        exchange: { type: 'string', pattern: '^[a-z][a-z0-9]{1,31}$', description: 'A ccxt exchange id, e.g. "binance".' },
        apiKey: credential('API key (trading rights only; never withdrawal rights).'),
        secret: credential('API secret.'),
        password: { ...credential('API passphrase, for exchanges that have one.'), optional: true },
        sandbox: { type: 'boolean', optional: true, description: "Use the exchange's sandbox or testnet (default false)." },
        label: { type: 'string', min: 1, max: 100, trim: true, optional: true, description: 'A name for the account (default: the exchange id).' },
      },
      async handler(ctx: Context<CreateParams, CallerMeta>) {
        const caller = callerOf(ctx);
        const accounts = repository();
        const { exchange, apiKey, secret, password, sandbox = false, label } = ctx.params;
        if (!(await deps.exchanges.supports(exchange))) throw invalidField('exchange', `ccxt does not support an exchange called ${exchange}`);
        const account = { exchange, sandbox, credentials: { apiKey, secret, ...(password ? { password } : {}) } };
        try {
          const client = await deps.exchanges.clientFor(account, apiKey);
          await client.live!.balance();
        } catch (error) {
          if (error instanceof ExchangeRejectedError) throw invalidField('apiKey', `${exchange} refused these keys (checked with a balance call); nothing was stored`);
          throw unavailable(`${exchange} cannot be reached to check the keys right now; nothing was stored, try again shortly`);
        }
        const row = await accounts.create({ id: deps.newId(), userId: caller.id, exchange, label: label ?? exchange, sandbox, credentials: account.credentials }, new Date(deps.clock.now()));
        return { ...exchangeAccountView(row), advice: KEY_ADVICE };
      },
    },
    [ACTION.execution.listExchangeAccounts]: {
      params: { $$strict: true },
      async handler(ctx: Context<unknown, CallerMeta>) {
        const rows = await repository().listOwned(callerOf(ctx).id);
        return { items: rows.map(exchangeAccountView) };
      },
    },
    [ACTION.execution.removeExchangeAccount]: {
      params: { $$strict: true, id: { type: 'uuid', description: 'Exchange account id.' } },
      async handler(ctx: Context<{ id: string }, CallerMeta>) {
        try {
          if (!(await repository().remove(callerOf(ctx).id, ctx.params.id, new Date(deps.clock.now())))) throw notFound('exchange account');
        } catch (error) {
          if (error instanceof AccountInUseError) throw conflict(error.message);
          throw error;
        }
        deps.exchanges.forget(ctx.params.id);
        return { id: ctx.params.id, deleted: true };
      },
    },
  };
}
