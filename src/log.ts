// One log line per event: human format with the seed's emoji wording by default, JSON with LOG_FORMAT=json.
// Every line passes through a scrubber so that configured secrets can never reach the log.

/** Severity, lowest first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
/** `pretty` for people at a terminal, `json` for log shippers. */
export type LogFormat = 'pretty' | 'json';

const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Structured context attached to a line (never a secret, never a booking's personal data). */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

/** The logging interface every module receives as a parameter. */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  level?: LogLevel;
  format?: LogFormat;
  /** Values replaced by `***` wherever they appear: `secretsOf(config)`, the variables the configuration list marks secret. */
  secrets?: readonly string[];
  /** Where finished lines go; defaults to stdout. */
  sink?: (line: string) => void;
}

/** Creates a logger. Example: `createLogger({ ...config.log, secrets: secretsOf(config) }).info('📅 BOOKING: ...')`. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const min = LEVEL_RANK[options.level ?? 'info'];
  const format = options.format ?? 'pretty';
  const secrets = (options.secrets ?? []).filter((s) => s.length >= 4);
  const sink = options.sink ?? ((line: string) => process.stdout.write(line + '\n'));
  const scrub = (text: string) => secrets.reduce((t, s) => t.split(s).join('***'), text);

  const write = (level: LogLevel, msg: string, fields?: LogFields) => {
    if (LEVEL_RANK[level] < min) return;
    const time = new Date().toISOString();
    let line: string;
    if (format === 'json') {
      line = JSON.stringify({ time, level, msg, ...fields });
    } else {
      const extra = fields
        ? Object.entries(fields)
            .filter(([, v]) => v !== undefined)
            .map(([k, v]) => ` ${k}=${String(v)}`)
            .join('')
        : '';
      line = `${time} ${level.toUpperCase().padEnd(5)} ${msg}${extra}`;
    }
    try {
      sink(scrub(line));
    } catch {
      // A broken log sink must not take the service down.
    }
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}

/** A logger that drops everything, for tests and benchmarks that do not read logs. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
