// The secrets inside an actor's slice, found by the same table that checks it: fields that come from a variable
// marked secret, and the passwords of camera URLs. The actor's thread registers them for its own redaction.

import { secretsOfUrl } from '../recording/cameras.js';
import type { FieldRule } from './slice-rules.js';
import { variableNamed } from './variables.js';

/** The secret values in `value`, held to `rule` (a slice's shape); unknown shapes yield what their URLs hold. */
export function secretsInField(rule: FieldRule | undefined, value: unknown, out: string[] = []): string[] {
  if (value === undefined || value === null) return out;
  if (typeof rule === 'string') {
    const entry = variableNamed(rule);
    if (!entry.secret) return out;
    if (entry.secretsIn) {
      for (const s of entry.secretsIn(value)) if (s) out.push(s);
    } else if (typeof value === 'string') {
      out.push(value);
    }
    return out;
  }
  if (typeof value === 'string') {
    if (value.includes('://')) out.push(...secretsOfUrl(value));
    return out;
  }
  if (typeof value !== 'object') return out;
  // A nested shape names its fields; a check, an optional or a list is searched for URLs in every value.
  const shape = rule && typeof rule === 'object' && !Object.getOwnPropertySymbols(rule).length ? rule : undefined;
  const optional = rule && typeof rule === 'object' ? Object.getOwnPropertySymbols(rule)[0] : undefined;
  if (optional) return secretsInField((rule as unknown as Record<symbol, FieldRule>)[optional], value, out);
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    secretsInField(shape ? (shape as Record<string, FieldRule>)[k] : undefined, v, out);
  }
  return out;
}
