// What a variable's parser is: text from the environment to a typed value (or problem lines naming the variable),
// plus a re-check of a value already parsed, which is how an actor re-validates the slice it got through workerData.

/** The outcome of parsing one variable. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; problems: string[] };

/** Parses one variable, and re-checks values of its type. */
export interface Parser<T> {
  /** Parses the (trimmed, non-empty) text of variable `name`; every problem line starts with `name`. */
  parse(raw: string, name: string): Parsed<T>;
  /** Re-checks a value that should have come from {@link parse}: undefined when good, else what it must be. */
  check(value: unknown): string | undefined;
}

/** Options of {@link rule}. */
export interface RuleOptions {
  /** False when the message must not quote the bad text (the seed's wording has none there). */
  echo?: boolean;
}

/**
 * A parser from one rule: `convert` turns text into a value (undefined when bad), `accepts` tells whether a value
 * is one that `convert` could have produced, and `must` is the message's predicate. Example:
 * `rule('must be true or false', (s) => ({ true: true, false: false })[s], (v) => typeof v === 'boolean')`.
 */
export function rule<T>(
  must: string,
  convert: (raw: string) => T | undefined,
  accepts: (value: unknown) => boolean,
  options: RuleOptions = {},
): Parser<T> {
  return {
    parse(raw, name) {
      const value = convert(raw);
      if (value !== undefined) return { ok: true, value };
      return { ok: false, problems: [`${name} ${must}${options.echo === false ? '' : ` (got "${raw}")`}`] };
    },
    check: (value) => (accepts(value) ? undefined : must),
  };
}
