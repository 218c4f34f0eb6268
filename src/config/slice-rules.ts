// How an actor's slice of configuration is described and re-checked: each field names the variable whose rule
// it must meet, or gives its own check, or a nested shape. The table of slices is in slices.ts.

import { variableNamed, type VariableName } from './variables.js';

/** A check of one value: undefined when good, else what it must be ("must be an absolute path"). */
export type Check = (value: unknown) => string | undefined;

const OPTIONAL: unique symbol = Symbol('optional');

/** A field that may be absent; when present it meets its rule. Made by {@link optional}. */
export interface Optional {
  readonly [OPTIONAL]: FieldRule;
}

/** The fields of an object, each with its rule; fields not listed are not checked. */
export interface Shape {
  readonly [field: string]: FieldRule;
}

/** How one field is checked: by a variable's rule (its name), a {@link Check}, {@link optional}, or a nested shape. */
export type FieldRule = VariableName | Check | Optional | Shape;

/** Marks a field as optional. */
export const optional = (rule: FieldRule): Optional => ({ [OPTIONAL]: rule });

/** A check from a predicate and the predicate's wording. */
export const must =
  (wording: string, ok: (value: unknown) => boolean): Check =>
  (value) =>
    ok(value) ? undefined : wording;

// Slices may carry secrets and camera URLs, so only a non-secret variable's value is quoted, and briefly.
function quote(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Checks `value`, found at `at` (`sync slice: ayo.timeoutMs`), against `rule`, adding a line per problem. */
export function checkField(rule: FieldRule, value: unknown, at: string, problems: string[]): void {
  if (typeof rule === 'string') {
    const entry = variableNamed(rule);
    const wrong = entry.parse.check(value);
    if (wrong) problems.push(`${at} (${rule}) ${wrong}${entry.secret ? '' : `, got ${quote(value)}`}`);
  } else if (typeof rule === 'function') {
    const wrong = rule(value);
    if (wrong) problems.push(`${at} ${wrong}`);
  } else if (OPTIONAL in rule) {
    if (value !== undefined) checkField(rule[OPTIONAL], value, at, problems);
  } else if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(`${at} must be an object`);
  } else {
    for (const [field, fieldRule] of Object.entries(rule)) {
      checkField(fieldRule, (value as Record<string, unknown>)[field], `${at}.${field}`, problems);
    }
  }
}
