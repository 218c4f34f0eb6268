// The service's configuration, and the only reader of process.env. Every variable is declared once, in
// src/config/variables.ts; that list feeds the loader below, README's configuration table and the log scrubber.

import { buildConfig } from './config/build.js';
import { createReader, type Env } from './config/reader.js';
import type { Config } from './config/types.js';
import type { VariableName } from './config/variables.js';
import { addSecrets } from './redact.js';

export type { AyoConfig, Config, S3Config } from './config/types.js';
export type { Env } from './config/reader.js';
export type { Variable } from './config/variable.js';
export { isLoopbackHost } from './config/build.js';
export { ConfigError, isConfigError } from './config/errors.js';
export { VARIABLES, type VariableName } from './config/variables.js';
export { renderConfigTable } from './config/readme-table.js';
export { checkSlice, SLICES, type ActorName } from './config/slices.js';

// The secrets of each loaded configuration, kept beside it rather than in it, so that nothing that serialises
// the Config (a worker's slice, an API response, a debug log) can carry them.
const SECRETS = new WeakMap<Config, string[]>();

/**
 * Parses and validates the environment, once. Throws {@link ConfigError} listing every bad variable by name.
 * Example: `const config = loadConfig(); createLogger({ ...config.log, secrets: secretsOf(config) })`.
 */
export function loadConfig(env: Env = process.env): Config {
  const reader = createReader(env);
  const config = buildConfig(reader);
  const secrets = reader.secrets();
  SECRETS.set(config, secrets);
  // This thread's redaction (logs, stored error texts, API answers) removes them from here on.
  addSecrets(secrets);
  return config;
}

/**
 * The secret values of a configuration, for the log scrubber: those of every variable the list marks secret.
 * Takes the very object {@link loadConfig} returned: a copy has lost them, and failing loudly beats a log with keys.
 */
export function secretsOf(config: Config): string[] {
  const secrets = SECRETS.get(config);
  if (!secrets) throw new Error('secretsOf() needs the Config that loadConfig() returned, not a copy of it');
  return [...secrets];
}

/**
 * The raw text of one variable, unparsed: for the doctor's checks that still run when the configuration as a whole
 * is invalid (the ffmpeg paths).
 */
export function rawVariable(name: VariableName, env: Env = process.env): string | undefined {
  return env[name];
}
