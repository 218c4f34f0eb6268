// Small builders for the OpenAPI document's JSON Schemas (2020-12) and responses, so that every area file writes
// its shapes the same strict way: objects list every field as required unless told, and allow no other field.

/** A JSON Schema (2020-12) as plain data. */
export type Schema = Record<string, unknown>;

/** An OpenAPI operation (GET /api/bookings, ...) as plain data. */
export type Operation = Record<string, unknown> & { responses: Record<string, unknown> };

/** An OpenAPI path item: its operations by lower-case method. */
export type PathItem = Partial<Record<'get' | 'post' | 'put' | 'patch' | 'delete', Operation>> & {
  parameters?: unknown[];
};

/** The paths one area of the API contributes (`/api/bookings`: {...}). */
export type Paths = Record<string, PathItem>;

/** A reference to a schema of the shared components (`ref('Booking')`). */
export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });

/**
 * An object with exactly these properties: all required except those named in `optional`, no other allowed, so
 * that the contract test fails on a field the document does not know as much as on one it misses.
 */
export function object(properties: Record<string, Schema>, optional: readonly string[] = []): Schema {
  return {
    type: 'object',
    properties,
    required: Object.keys(properties).filter((k) => !optional.includes(k)),
    additionalProperties: false,
  };
}

/** `schema` or null (OpenAPI 3.1 writes nullability as a type list, or `oneOf` with null for a reference). */
export function nullable(schema: Schema): Schema {
  if (typeof schema.type === 'string') return { ...schema, type: [schema.type, 'null'] };
  return { oneOf: [schema, { type: 'null' }] };
}

/** An array of `items`. */
export const array = (items: Schema): Schema => ({ type: 'array', items });

/** A string, with a description. */
export const string = (description?: string, extra: Schema = {}): Schema => ({
  type: 'string',
  ...(description ? { description } : {}),
  ...extra,
});

/** A whole number, with a description. */
export const integer = (description?: string, extra: Schema = {}): Schema => ({
  type: 'integer',
  ...(description ? { description } : {}),
  ...extra,
});

/** A boolean, with a description. */
export const boolean = (description?: string): Schema => ({ type: 'boolean', ...(description ? { description } : {}) });

/** An instant as the API writes it: ISO-8601 UTC. */
export const instant = (description?: string): Schema => string(description, { format: 'date-time' });

/**
 * The values of a string-literal union, checked against it at compile time: a value the union lacks or a member
 * of the union left out does not compile, so the document's enum cannot drift from a type that has no runtime list.
 * Example: `allOf<WaitingFor>()('due-time', 'dependency-offline', 'circuit-open', 'gate', 'turn')`.
 */
export function allOf<T extends string>() {
  return <const V extends readonly T[]>(
    ...values: V & ([Exclude<T, V[number]>] extends [never] ? unknown : { missing: Exclude<T, V[number]> })
  ): readonly T[] => values;
}

/** A `{ "status": "success", ... }` envelope around `fields` (data, count, ...). */
export const success = (fields: Record<string, Schema>, optional: readonly string[] = []): Schema =>
  object({ status: { const: 'success' }, ...fields }, optional);

/** A 2xx answer with a JSON body. */
export function json(description: string, schema: Schema, headers?: Record<string, unknown>): Record<string, unknown> {
  return { description, ...(headers ? { headers } : {}), content: { 'application/json': { schema } } };
}
