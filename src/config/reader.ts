// Reads variables out of an environment through the list: each one parsed at most once, on first use, so a
// section that is switched off (no AYO, no object store, no demo) is not validated, as before the list existed.

import { VARIABLES, variableNamed, type ValueOf, type VariableName } from './variables.js';
import type { Variable } from './variable.js';

/** An environment as `process.env` holds it. */
export type Env = Record<string, string | undefined>;

/** Typed access to the variables of one environment, collecting every problem. */
export interface Reader {
  /** The value of `name`: its default when unset; a bad value is reported once and read as the default. */
  get<N extends VariableName>(name: N): ValueOf<N>;
  /** Whether `name` is set to something other than blanks (without parsing it). */
  isSet(name: VariableName): boolean;
  /** The text `name` is set to (trimmed), unparsed: for a value that is a path kept as such (CAMERAS_FILE). */
  text(name: VariableName): string | undefined;
  /** One line per problem, in the order they were met. */
  readonly problems: string[];
  /** The variables read so far (a test checks that the loader reads the whole list). */
  readNames(): VariableName[];
  /** The values of the secret variables that are set, for the log scrubber. */
  secrets(): string[];
}

/** Creates a reader of `env`. */
export function createReader(env: Env): Reader {
  const problems: string[] = [];
  const values = new Map<string, unknown>();
  const raw = (name: string): string | undefined => {
    const text = env[name]?.trim();
    return text === undefined || text === '' ? undefined : text;
  };
  // The text a variable falls back to; demo defaults need DEMO itself, which is read (and checked) first.
  const defaultOf = (entry: Variable): string | undefined => {
    if (entry.demoDefault !== undefined && get('DEMO')) return entry.demoDefault;
    const d = entry.default;
    return typeof d === 'object' ? d.compute() : d;
  };
  const parseDefault = (entry: Variable): unknown => {
    const text = defaultOf(entry);
    if (text === undefined) return undefined;
    const parsed = entry.parse.parse(text, entry.env);
    // A default that fails its own rule is a bug in the list, not in the environment.
    if (!parsed.ok) throw new Error(`default of ${entry.env} is invalid: ${parsed.problems.join('; ')}`);
    return parsed.value;
  };
  const get = <N extends VariableName>(name: N): ValueOf<N> => {
    if (values.has(name)) return values.get(name) as ValueOf<N>;
    const entry = variableNamed(name);
    const text = raw(name);
    let value: unknown;
    if (text === undefined) {
      value = parseDefault(entry);
    } else {
      const parsed = entry.parse.parse(text, name);
      if (parsed.ok) value = parsed.value;
      else {
        // Belt and braces: a secret's text never reaches a message, whatever its parser wrote. (Values that only
        // hold secrets, the cameras, are parsed by code that leaves their passwords out itself.)
        const wholly = entry.secret && !entry.secretsIn;
        problems.push(...parsed.problems.map((p) => (wholly ? p.split(text).join('***') : p)));
        value = parseDefault(entry);
      }
    }
    values.set(name, value);
    return value as ValueOf<N>;
  };
  return {
    get,
    isSet: (name) => raw(name) !== undefined,
    text: raw,
    problems,
    readNames: () => [...values.keys()] as VariableName[],
    secrets() {
      const out: string[] = [];
      for (const entry of VARIABLES as readonly Variable[]) {
        const text = raw(entry.env);
        if (!entry.secret || text === undefined) continue;
        if (!entry.secretsIn) out.push(text);
        else if (values.has(entry.env) && values.get(entry.env) !== undefined) {
          for (const s of entry.secretsIn(values.get(entry.env))) if (s) out.push(s);
        }
      }
      return out;
    },
  };
}
