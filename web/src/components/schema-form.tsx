/**
 * Form fields generated from a JSON Schema the API publishes (its OpenAPI document), for
 * settings whose shape belongs to the platform: advanced risk settings, account-wide
 * limits, exchange accounts. Numbers, strings, enums and booleans become inputs; a nested
 * object becomes a group, which a nullable one can switch off. Field names are the API's
 * dotted paths, so its 422 errors land under the right input.
 */
import { api } from '../api.ts';
import { humanLabel, kind, unwrapNullable, type JsonSchema, type SchemaValues } from '../schema-values.ts';
import { Field, inputProps, type FieldErrors } from './fields.tsx';

export { schemaValuesForApi, schemaValuesFrom, type JsonSchema, type SchemaValues } from '../schema-values.ts';
export { humanLabel };

interface OpenApiDocument {
  paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: JsonSchema }> } }>>;
}

let document: Promise<OpenApiDocument> | undefined;

/** The JSON Schema of a route's request body (path as in the document, e.g. "/api/bots"), or undefined. */
export async function requestSchema(path: string, method: string): Promise<JsonSchema | undefined> {
  document ??= api<OpenApiDocument>('GET', '/openapi.json').catch((error: Error) => {
    document = undefined;
    throw error;
  });
  return (await document).paths[path]?.[method]?.requestBody?.content['application/json']?.schema;
}

/** Fields whose values are credentials: typed blind, never shown again. */
const SECRET_FIELD = /secret|password|passphrase|privatekey|apikey/i;

export function SchemaFields(props: { schema: JsonSchema; values: SchemaValues; onChange: (values: SchemaValues) => void; errors: FieldErrors; prefix: string; omit?: readonly string[] }) {
  const entries = Object.entries(props.schema.properties ?? {}).filter(([name]) => !props.omit?.includes(name));
  const required = props.schema.required ?? [];
  const scalars = entries.filter(([, schema]) => kind(unwrapNullable(schema).schema) !== 'object');
  const groups = entries.filter(([, schema]) => kind(unwrapNullable(schema).schema) === 'object');
  const set = (name: string, value: SchemaValues[string]) => props.onChange({ ...props.values, [name]: value });
  return (
    <>
      {scalars.length > 0 ? (
        <div className="grid">
          {scalars.map(([name, rawSchema]) => {
            const { schema, nullable } = unwrapNullable(rawSchema);
            const field = props.prefix ? `${props.prefix}.${name}` : name;
            const type = kind(schema);
            const value = props.values[name];
            const optional = !required.includes(name);
            const bounds = [schema.minimum !== undefined ? `min ${schema.minimum}` : '', schema.maximum !== undefined ? `max ${schema.maximum}` : ''].filter(Boolean).join(', ');
            const hint = [schema.description, bounds, nullable && type !== 'boolean' ? 'Blank: off.' : ''].filter(Boolean).join(' ');
            const label = `${humanLabel(name)}${optional && type !== 'boolean' ? ' (optional)' : ''}`;
            if (type === 'boolean')
              return (
                <Field key={name} label={label} name={field} errors={props.errors} hint={hint}>
                  <input {...inputProps(field, props.errors)} type="checkbox" checked={value === true} onChange={(event) => set(name, event.target.checked)} />
                </Field>
              );
            const options = schema.enum;
            return (
              <Field key={name} label={label} name={field} errors={props.errors} hint={hint}>
                {options ? (
                  <select {...inputProps(field, props.errors)} value={typeof value === 'string' ? value : ''} onChange={(event) => set(name, event.target.value)}>
                    <option value="">{optional ? 'Default' : 'Choose…'}</option>
                    {options.map((option) => (
                      <option key={String(option)} value={String(option)}>
                        {String(option)}
                      </option>
                    ))}
                  </select>
                ) : (
                  <input
                    {...inputProps(field, props.errors)}
                    type={type === 'number' || type === 'integer' ? 'number' : SECRET_FIELD.test(name) ? 'password' : 'text'}
                    step={type === 'integer' ? 1 : 'any'}
                    min={schema.minimum}
                    max={schema.maximum}
                    maxLength={schema.maxLength}
                    autoComplete={SECRET_FIELD.test(name) ? 'new-password' : 'off'}
                    value={typeof value === 'string' ? value : ''}
                    onChange={(event) => set(name, event.target.value)}
                  />
                )}
              </Field>
            );
          })}
        </div>
      ) : null}
      {groups.map(([name, rawSchema]) => {
        const { schema } = unwrapNullable(rawSchema);
        const field = props.prefix ? `${props.prefix}.${name}` : name;
        const value = props.values[name];
        const on = typeof value === 'object' && value !== null;
        // A group of optional settings (protections) is always open; a group that is one setting (a protection) switches on and off.
        const switchable = schema.required !== undefined && schema.required.length > 0;
        return (
          <div key={name} className="group" data-field={field}>
            {switchable ? (
              <label className="checkbox">
                <input type="checkbox" checked={on} onChange={(event) => set(name, event.target.checked ? {} : null)} /> {humanLabel(name)}
                {schema.description ? <small className="hint"> — {schema.description}</small> : null}
              </label>
            ) : (
              <h4>
                {humanLabel(name)} {schema.description ? <small className="hint">{schema.description}</small> : null}
              </h4>
            )}
            {!switchable || on ? <SchemaFields schema={schema} values={on ? value : {}} onChange={(next) => set(name, next)} errors={props.errors} prefix={field} /> : null}
          </div>
        );
      })}
    </>
  );
}
