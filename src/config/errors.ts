// The one error configuration raises: at start-up from the loader, or on an actor's thread from its slice check.

/** A bad configuration; `problems` holds one line per bad variable (or slice field), each naming it. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** Retrying cannot help: someone has to fix the variable. */
  readonly retryable = false;
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

/** Whether `e` is a {@link ConfigError}, by name: `instanceof` fails for errors that crossed a thread. */
export function isConfigError(e: unknown): e is { name: 'ConfigError'; message: string } {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'ConfigError';
}
