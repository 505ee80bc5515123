/**
 * Settings described by a JSON Schema the API publishes, as a form holds them (strings as
 * typed, booleans, nested groups, null for "off") and as the API takes them.
 */

export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  maxLength?: number;
}

/** Values as typed: strings for inputs, booleans for checkboxes, nested records for groups (null: switched off). */
export type SchemaValues = { [name: string]: string | boolean | SchemaValues | null };

/** The schema without its `null` alternative, and whether null was allowed. */
export function unwrapNullable(schema: JsonSchema): { schema: JsonSchema; nullable: boolean } {
  const options = schema.anyOf;
  if (options) {
    const concrete = options.filter((option) => option.type !== 'null');
    if (concrete.length === 1 && concrete.length < options.length) return { schema: { ...concrete[0]!, ...(schema.description ? { description: schema.description } : {}) }, nullable: true };
  }
  if (Array.isArray(schema.type) && schema.type.includes('null')) return { schema: { ...schema, type: schema.type.filter((type) => type !== 'null') }, nullable: true };
  return { schema, nullable: false };
}

export function kind(schema: JsonSchema): string {
  return Array.isArray(schema.type) ? (schema.type.find((type) => type !== 'null') ?? 'string') : (schema.type ?? (schema.enum ? 'enum' : 'string'));
}

/** Words that are written in capitals. */
const ACRONYMS: Readonly<Record<string, string>> = { api: 'API', id: 'ID', url: 'URL' };

/** "maskedApiKey" reads "Masked API key". */
export function humanLabel(name: string): string {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(' ');
  const text = words.map((word) => ACRONYMS[word] ?? word).join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Values for the API: blank inputs left out (the platform's defaults apply), numbers as numbers, switched-off groups as null. */
export function schemaValuesForApi(schema: JsonSchema, values: SchemaValues): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [name, rawSchema] of Object.entries(schema.properties ?? {})) {
    const value = values[name];
    if (value === undefined) continue;
    const { schema: property, nullable } = unwrapNullable(rawSchema);
    const type = kind(property);
    if (value === null) body[name] = null;
    else if (type === 'object' && typeof value === 'object') body[name] = schemaValuesForApi(property, value);
    else if (typeof value === 'boolean') body[name] = value;
    else if (typeof value === 'string' && value.trim() !== '') body[name] = type === 'number' || type === 'integer' ? Number(value) : value.trim();
    // A setting that can be off, emptied by the user: off.
    else if (nullable) body[name] = null;
  }
  return body;
}

/** Values of a form from what the API returned (e.g. a bot's risk settings). */
export function schemaValuesFrom(schema: JsonSchema, given: Record<string, unknown> | null | undefined): SchemaValues {
  const values: SchemaValues = {};
  for (const [name, rawSchema] of Object.entries(schema.properties ?? {})) {
    const value = given?.[name];
    if (value === undefined) continue;
    const { schema: property } = unwrapNullable(rawSchema);
    if (value === null) values[name] = null;
    else if (kind(property) === 'object' && typeof value === 'object') values[name] = schemaValuesFrom(property, value as Record<string, unknown>);
    else if (typeof value === 'boolean') values[name] = value;
    else values[name] = String(value);
  }
  return values;
}
