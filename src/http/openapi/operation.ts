// One way to write an operation: what the route itself answers, plus what the HTTP edge (app.ts's onRequest hooks:
// Host check, API key, browser guard, body limit, shutdown) answers before the route runs, so no area repeats them.

import { errorResponseRef } from './components.js';
import type { Operation, PathItem, Paths, Schema } from './schema.js';

/** Paths the Host check lets through under any name (as browser-guard.ts: read by Prometheus, health checks). */
const MONITORING = new Set(['/healthz', '/readyz', '/metrics']);

/** What an area writes for one operation; `errors` are the statuses the route itself may answer with an error. */
export interface OperationSpec {
  summary: string;
  description?: string;
  parameters?: unknown[];
  requestBody?: unknown;
  /** The route's own answers that are not errors, by status. */
  responses: Record<string, unknown>;
  errors?: readonly number[];
}

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

const STATE_CHANGING: readonly Method[] = ['post', 'put', 'patch', 'delete'];

/** The statuses the edge may answer on `method path` before the route runs. */
function edgeErrors(method: Method, path: string): number[] {
  const out = [413, 500];
  if (!MONITORING.has(path)) out.push(421);
  if (path.startsWith('/api/')) out.push(401);
  // A state change: cross-origin (403), not JSON (415), refused once shutdown began (503).
  if (STATE_CHANGING.includes(method)) out.push(403, 415, 503);
  return out;
}

/** `{tag}{Method}{Path}` in camelCase: a stable operationId derived from the route. */
function operationId(method: Method, path: string): string {
  const words = path
    .replace(/\{([^}]+)\}/g, 'by $1')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return method + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

/** The full operation: the route's answers, the edge's errors, its security and a tag. */
function operation(method: Method, path: string, tag: string, spec: OperationSpec): Operation {
  const { errors = [], ...rest } = spec;
  const statuses = [...new Set([...errors, ...edgeErrors(method, path)])].sort((a, b) => a - b);
  return {
    tags: [tag],
    operationId: operationId(method, path),
    ...rest,
    // The key is needed only when API_KEY is set: the empty alternative says a service without one takes none.
    security: path.startsWith('/api/') ? [{ apiKey: [] }, {}] : [],
    responses: { ...spec.responses, ...Object.fromEntries(statuses.map((s) => [String(s), errorResponseRef(s)])) },
  };
}

/**
 * An area's paths, tagged with the area. Example:
 * `paths('bookings', { '/api/bookings': { get: { summary: 'List bookings', responses: { 200: json(...) } } } })`.
 */
export function paths(tag: string, routes: Record<string, Partial<Record<Method, OperationSpec>>>): Paths {
  const out: Paths = {};
  for (const [path, methods] of Object.entries(routes)) {
    const item: PathItem = {};
    for (const [method, spec] of Object.entries(methods) as [Method, OperationSpec][])
      item[method] = operation(method, path, tag, spec);
    out[path] = item;
  }
  return out;
}

/** A query parameter. */
export const query = (name: string, schema: Schema, description: string) => ({
  name,
  in: 'query',
  required: false,
  description,
  schema,
});

/** A path parameter. */
export const pathParameter = (name: string, schema: Schema, description: string) => ({
  name,
  in: 'path',
  required: true,
  description,
  schema,
});

/** `limit`: 1 to `max`, `def` when absent. */
export const limitParameter = (def: number, max: number) =>
  query('limit', { type: 'integer', minimum: 1, maximum: max, default: def }, `How many at most (1–${max})`);

/** The note every route that reads its query shares. */
export const STRICT_QUERY = 'An unknown or repeated query parameter answers 400.';
