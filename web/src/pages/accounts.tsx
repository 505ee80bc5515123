/**
 * Exchange accounts: add one (its API secret goes in and never comes back out), list
 * them, remove one. The add form is built from the platform's own OpenAPI description of
 * `POST /api/exchange-accounts`, so it asks exactly what the API takes.
 */
import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api.ts';
import { Field, inputProps, type FieldErrors } from '../components/fields.tsx';
import { Empty, ErrorNotice, Show, useResource } from '../components/ui.tsx';
import { utcTime } from '../format.ts';
import type { ExchangeAccount } from '../types.ts';

interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  maxLength?: number;
}

/** Fields whose values are credentials: typed blind, never shown again. */
const SECRET_FIELD = /secret|password|passphrase|privatekey|apikey|key$/i;

interface AccountsCatalog {
  available: boolean;
  form: { properties: Record<string, JsonSchema>; required: string[] } | undefined;
  accounts: ExchangeAccount[];
}

async function loadAccounts(): Promise<AccountsCatalog> {
  const [document, accounts] = await Promise.all([
    api<{ paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: JsonSchema }> } }>> }>('GET', '/openapi.json'),
    api<{ items: ExchangeAccount[] }>('GET', '/exchange-accounts').then(
      (answer) => answer.items,
      (error: ApiError) => (error.status === 404 ? undefined : Promise.reject(error)),
    ),
  ]);
  const schema = document.paths['/api/exchange-accounts']?.['post']?.requestBody?.content['application/json']?.schema;
  return {
    available: accounts !== undefined,
    form: schema?.properties ? { properties: schema.properties, required: schema.required ?? [] } : undefined,
    accounts: accounts ?? [],
  };
}

function isBoolean(schema: JsonSchema): boolean {
  return schema.type === 'boolean' || (Array.isArray(schema.type) && schema.type.includes('boolean'));
}

function label(name: string): string {
  return name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (first) => first.toUpperCase());
}

export function AccountsPage() {
  const catalog = useResource(loadAccounts, []);
  return (
    <section aria-labelledby="accounts-title">
      <div className="page-head">
        <h1 id="accounts-title">Exchange accounts</h1>
      </div>
      <Show resource={catalog} what="your exchange accounts">
        {(data) =>
          !data.available ? (
            <Empty title="Exchange accounts are not available on this platform yet.">Bots trade on paper until they are: simulated fills with fees and slippage.</Empty>
          ) : (
            <>
              {data.form ? <AddAccount form={data.form} onAdded={catalog.reload} /> : null}
              <AccountList accounts={data.accounts} onRemoved={catalog.reload} />
            </>
          )
        }
      </Show>
    </section>
  );
}

function AddAccount({ form, onAdded }: { form: NonNullable<AccountsCatalog['form']>; onAdded: () => void }) {
  const [values, setValues] = useState<Record<string, string | boolean>>({});
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [added, setAdded] = useState<string | undefined>();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    setFormError(undefined);
    setAdded(undefined);
    const body = Object.fromEntries(Object.entries(values).filter(([, value]) => value !== ''));
    try {
      await api('POST', '/exchange-accounts', body);
      // Secrets leave the page as soon as they are sent.
      setValues({});
      setAdded('Account added. Its secret is stored encrypted and will never be shown again.');
      onAdded();
    } catch (error) {
      const apiError = error as ApiError;
      if (apiError.field && apiError.field in form.properties) setErrors({ [apiError.field]: apiError.message });
      else setFormError(apiError.message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card form" onSubmit={submit} noValidate aria-label="Add an exchange account" autoComplete="off">
      <h2>Add an account</h2>
      <p className="muted">Use an API key with trading rights only, never withdrawal. The secret is encrypted at rest and never sent back by the platform.</p>
      {formError ? <div className="state error" role="alert">{formError}</div> : null}
      {added ? <div className="state info" role="status">{added}</div> : null}
      <div className="grid">
        {Object.entries(form.properties).map(([name, schema]) => {
          const required = form.required.includes(name);
          const hint = schema.description;
          if (isBoolean(schema))
            return (
              <Field key={name} label={label(name)} name={name} errors={errors} hint={hint}>
                <input {...inputProps(name, errors)} type="checkbox" checked={values[name] === true} onChange={(event) => setValues({ ...values, [name]: event.target.checked })} />
              </Field>
            );
          const options = schema.enum ?? schema.anyOf?.find((option) => option.enum)?.enum;
          return (
            <Field key={name} label={`${label(name)}${required ? '' : ' (optional)'}`} name={name} errors={errors} hint={hint}>
              {options ? (
                <select {...inputProps(name, errors)} value={String(values[name] ?? '')} onChange={(event) => setValues({ ...values, [name]: event.target.value })}>
                  <option value="">Choose…</option>
                  {options.map((option) => (
                    <option key={String(option)} value={String(option)}>
                      {String(option)}
                    </option>
                  ))}
                </select>
              ) : (
                <input
                  {...inputProps(name, errors)}
                  type={SECRET_FIELD.test(name) ? 'password' : 'text'}
                  autoComplete={SECRET_FIELD.test(name) ? 'new-password' : 'off'}
                  required={required}
                  maxLength={schema.maxLength}
                  value={String(values[name] ?? '')}
                  onChange={(event) => setValues({ ...values, [name]: event.target.value })}
                />
              )}
            </Field>
          );
        })}
      </div>
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
              <th key={column}>{label(column)}</th>
            ))}
            <th />
          </tr>
        </thead>
        <tbody>
          {accounts.map((account) => (
            <tr key={account.id}>
              {columns.map((column) => {
                const value = (account as unknown as Record<string, unknown>)[column];
                return (
                  <td key={column} data-label={label(column)}>
                    {typeof value === 'string' && /At$/.test(column) ? utcTime(value) : typeof value === 'boolean' ? (value ? 'yes' : 'no') : value === null || value === undefined ? '—' : String(value)}
                  </td>
                );
              })}
              <td className="actions">
                <button type="button" className="secondary danger small" onClick={() => remove(account)}>
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
