// What one entry of the configuration list holds. The list itself is in variables.ts.

import type { Parser } from './parser.js';

/** A default worked out at start-up (the machine's core count), and how the README shows it. */
export interface ComputedDefault {
  doc: string;
  compute(): string;
}

/** What a variable may default to: text parsed like a set value, a computed one, or nothing (optional). */
export type DefaultText = string | ComputedDefault | undefined;

/** One environment variable: its name, parser, default, whether it is secret, and its README line. */
export interface Variable<N extends string = string, T = unknown, D extends DefaultText = DefaultText> {
  /** The variable's name; issue that introduced it fixed it, so it never changes. */
  env: N;
  /** Text → value; a bad value becomes a problem line naming the variable. */
  parse: Parser<T>;
  /** Used when the variable is unset or blank; parsed like a set value, so it meets the same rule. */
  default: D;
  /** The default under DEMO=true, where the demo wants faster timings. */
  demoDefault?: string;
  /** Whether the value is a secret (or holds some): the log scrubber hides it and no message quotes it. */
  secret?: boolean;
  /** The secrets inside a secret value when they are not the whole text (the passwords in camera URLs). */
  secretsIn?(value: T): readonly (string | undefined)[];
  /** What the variable means, in markdown: the README's configuration table shows it. */
  doc: string;
}

/** Declares a variable, keeping its name and default as literal types (so reading it is typed). */
export function variable<const N extends string, T, const D extends DefaultText = undefined>(
  spec: Omit<Variable<N, T, D>, 'default'> & { default?: D },
): Variable<N, T, D> {
  return { ...spec, default: spec.default as D };
}
