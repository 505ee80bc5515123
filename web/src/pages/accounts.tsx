/**
 * Exchange accounts: add one (its API secret goes in and never comes back out), list
 * them, remove one; and the user's limits across all their bots. Both forms are built
 * from the platform's own OpenAPI description of the routes, so they ask exactly what the
 * API takes.
 */
import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api.ts';
import type { FieldErrors } from '../components/fields.tsx';
import { humanLabel, requestSchema, SchemaFields, schemaValuesForApi, schemaValuesFrom, type JsonSchema, type SchemaValues } from '../components/schema-form.tsx';
import { Empty, ErrorNotice, FormError, Show, useResource } from '../components/ui.tsx';
import { utcTime } from '../format.ts';
import type { ExchangeAccount } from '../types.ts';

interface AccountsCatalog {
  /** Undefined: this platform has no exchange accounts. */
  accounts: ExchangeAccount[] | undefined;
  form: JsonSchema | undefined;
}

const orUndefinedOn404 = <T,>(promise: Promise<T>) => promise.catch((error: ApiError) => (error.status === 404 ? undefined : Promise.reject(error)));

async function loadAccounts(): Promise<AccountsCatalog> {
  const [accounts, form] = await Promise.all([
    orUndefinedOn404(api<{ items: ExchangeAccount[] }>('GET', '/exchange-accounts')).then((answer) => answer?.items),
    requestSchema('/api/exchange-accounts', 'post'),
  ]);
  return { accounts, form };
}

/** What a form needs to say after the API answered. */
function useFormErrors(schema: JsonSchema | undefined) {
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | undefined>();
  return {
    errors,
    formError,
    clear() {
      setErrors({});
      setFormError(undefined);
    },
    show(error: unknown) {
      const apiError = error as ApiError;
      const top = apiError.field?.split('.')[0];
      if (apiError.field && top && schema?.properties?.[top]) setErrors({ [apiError.field]: apiError.message });
      else setFormError(apiError.message);
    },
  };
}

export function AccountsPage() {
  const catalog = useResource(loadAccounts, []);
  return (
    <section aria-labelledby="accounts-title">
      <div className="page-head">
        <h1 id="accounts-title">Exchange accounts and limits</h1>
      </div>
      <Show resource={catalog} what="your exchange accounts">
        {(data) =>
          data.accounts === undefined ? (
            <Empty title="Exchange accounts are not available on this platform yet.">Bots trade on paper until they are: simulated fills with fees and slippage.</Empty>
          ) : (
            <>
              {data.form ? <AddAccount form={data.form} onAdded={catalog.reload} /> : null}
              <AccountList accounts={data.accounts} onRemoved={catalog.reload} />
            </>
          )
        }
      </Show>
      <RiskLimits />
    </section>
  );
}

function AddAccount({ form, onAdded }: { form: JsonSchema; onAdded: () => void }) {
  const [values, setValues] = useState<SchemaValues>({});
  const feedback = useFormErrors(form);
  const [busy, setBusy] = useState(false);
  const [added, setAdded] = useState<string | undefined>();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    feedback.clear();
    setAdded(undefined);
    try {
      await api('POST', '/exchange-accounts', schemaValuesForApi(form, values));
      // Secrets leave the page as soon as they are sent.
      setValues({});
      setAdded('Account added. Its secret is stored encrypted and will never be shown again.');
      onAdded();
    } catch (error) {
      feedback.show(error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card form" onSubmit={submit} noValidate aria-label="Add an exchange account" autoComplete="off">
      <h2>Add an account</h2>
      <p className="muted">Use an API key with trading rights only, never withdrawal. The secret is encrypted at rest and never sent back by the platform.</p>
      <FormError message={feedback.formError} />
      {added ? <div className="state info" role="status">{added}</div> : null}
      <SchemaFields schema={form} values={values} onChange={setValues} errors={feedback.errors} prefix="" />
      <div className="form-actions">
        <button type="submit" disabled={busy}>
          {busy ? 'Adding…' : 'Add account'}
        </button>
      </div>
    </form>
  );
}

function AccountList({ accounts, onRemoved }: { accounts: ExchangeAccount[]; onRemoved: () => void }) {
  const [error, setError] = useState<Error | undefined>();
  async function remove(account: ExchangeAccount) {
    if (!window.confirm(`Remove ${account.name ?? account.label ?? account.exchange}? Bots using it must be stopped first.`)) return;
    setError(undefined);
    try {
      await api('DELETE', `/exchange-accounts/${account.id}`);
      onRemoved();
    } catch (caught) {
      setError(caught as Error);
    }
  }
  if (accounts.length === 0) return <Empty title="No exchange accounts yet.">Add one above to trade on an exchange; bots on paper need none.</Empty>;
  // Whatever the platform returns about an account (never its secret), apart from ids.
  const columns = [...new Set(accounts.flatMap((account) => Object.keys(account)))].filter((key) => key !== 'id' && !/secret/i.test(key));
  return (
    <div className="card">
      <h2>Your accounts</h2>
      {error ? <ErrorNotice error={error} /> : null}
      <table className="responsive" aria-label="Exchange accounts">
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column}>{humanLabel(column)}</th>
            ))}
            <th />
          </tr>
        </thead>
        <tbody>
          {accounts.map((account) => (
            <tr key={account.id} data-account-id={account.id}>
              {columns.map((column) => {
                const value = (account as unknown as Record<string, unknown>)[column];
                return (
                  <td key={column} data-label={humanLabel(column)}>
                    {typeof value === 'string' && /At$/.test(column) ? utcTime(value) : typeof value === 'boolean' ? (value ? 'yes' : 'no') : value === null || value === undefined ? '—' : typeof value === 'object' ? JSON.stringify(value) : String(value)}
                  </td>
                );
              })}
              <td className="actions">
                <button type="button" className="secondary danger small" onClick={() => remove(account)} aria-label={`Remove ${account.name ?? account.label ?? account.exchange}`}>
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The user's limits across all their bots (daily loss, exposure per market), where the platform has them. */
function RiskLimits() {
  const limits = useResource(async () => {
    const [current, schema] = await Promise.all([orUndefinedOn404(api<Record<string, unknown>>('GET', '/risk-limits')), requestSchema('/api/risk-limits', 'put')]);
    return current && schema ? { current, schema } : null;
  }, []);
  return (
    <Show resource={limits} what="your limits">
      {(data) => (data ? <RiskLimitsForm current={data.current} schema={data.schema} onSaved={limits.reload} /> : null)}
    </Show>
  );
}

function RiskLimitsForm({ current, schema, onSaved }: { current: Record<string, unknown>; schema: JsonSchema; onSaved: () => void }) {
  const [values, setValues] = useState<SchemaValues>(() => schemaValuesFrom(schema, current));
  const feedback = useFormErrors(schema);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setSaved(false);
    feedback.clear();
    try {
      await api('PUT', '/risk-limits', schemaValuesForApi(schema, values));
      setSaved(true);
      onSaved();
    } catch (error) {
      feedback.show(error);
    } finally {
      setBusy(false);
    }
  }
  return (
    <form className="card form" onSubmit={submit} noValidate aria-label="Limits across your bots">
      <h2>Limits across your bots</h2>
      <p className="muted">They apply to every bot of yours together; a blank field means no limit.</p>
      <FormError message={feedback.formError} />
      {saved ? <div className="state info" role="status">Limits saved.</div> : null}
      <SchemaFields schema={schema} values={values} onChange={setValues} errors={feedback.errors} prefix="" />
      <div className="form-actions">
        <button type="submit" disabled={busy}>
          {busy ? 'Saving…' : 'Save limits'}
        </button>
      </div>
    </form>
  );
}
