// One log line per event: human format with the seed's emoji wording by default, JSON with LOG_FORMAT=json.
// Every message and field is redacted (src/redact.ts), capped and escaped before the line is put together, so a
// secret, a 100 kB field or text with newlines and terminal escapes from outside can neither leak nor forge a line.
// A closed stdout (`| head -1`, a log collector that restarts) never takes the service down.

import { MASK, isCredentialName, redact } from './redact.js';
import { guardStdio, writeLogLine } from './log-output.js';

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
  /**
   * Values replaced by `***` wherever they appear, in any encoding: `secretsOf(config)`. The secrets this thread
   * registered (src/redact.ts) are removed as well.
   */
  secrets?: readonly string[];
  /** Where finished lines go; defaults to stdout (stderr once stdout is closed, nowhere once both are). */
  sink?: (line: string) => void;
}

/** The longest message a line carries; the rest is cut with a marker saying how much. */
const MAX_MESSAGE_CHARS = 4_000;
/** The longest value of one field. */
const MAX_FIELD_CHARS = 500;

/** `text` cut to `max` characters, with a marker saying how many were left out. */
export function capText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…[+${text.length - max} chars]`;
}

// C0 and C1 controls (newlines, ESC of terminal sequences, the CSI byte) and the Unicode line separators.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** Control characters shown as escapes (`\n`, `\x1b`): text from outside cannot start a line or drive a terminal. */
function escapeControls(text: string): string {
  return text.replace(
    CONTROL,
    (c) => NAMED[c] ?? (c.charCodeAt(0) > 0xff ? `\\u${c.charCodeAt(0).toString(16)}` : `\\x${hex2(c)}`),
  );
}
const hex2 = (c: string) => c.charCodeAt(0).toString(16).padStart(2, '0');

const RESERVED = new Set(['time', 'level', 'msg']);

/** Creates a logger. Example: `createLogger({ ...config.log, secrets: secretsOf(config) }).info('📅 BOOKING: ...')`. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const min = LEVEL_RANK[options.level ?? 'info'];
  const format = options.format ?? 'pretty';
  const secrets = options.secrets ?? [];
  if (!options.sink) guardStdio();
  const sink = options.sink ?? writeLogLine;
  const clean = (text: string, max: number) => capText(redact(text, secrets), max);

  const write = (level: LogLevel, msg: string, fields?: LogFields) => {
    if (LEVEL_RANK[level] < min) return;
    try {
      const time = new Date().toISOString();
      const message = clean(String(msg), MAX_MESSAGE_CHARS);
      const extra: [string, string | number | boolean | null][] = [];
      for (const [k, v] of Object.entries(fields ?? {})) {
        if (v === undefined) continue;
        // A field cannot pose as the line's own time, level or message.
        const key = RESERVED.has(k) ? `field_${k}` : capText(k, 64);
        if (typeof v !== 'string') extra.push([key, v]);
        else extra.push([key, isCredentialName(k) && v !== '' ? MASK : clean(v, MAX_FIELD_CHARS)]);
      }
      let line: string;
      if (format === 'json') {
        // JSON escapes C0 controls itself; C1 controls and line separators are escaped too, for terminals.
        line = JSON.stringify({ time, level, msg: message, ...Object.fromEntries(extra) }).replace(
          /[\u007f-\u009f\u2028\u2029]/g,
          (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
        );
      } else {
        const rest = extra.map(([k, v]) => ` ${escapeControls(k)}=${escapeControls(String(v))}`).join('');
        line = `${time} ${level.toUpperCase().padEnd(5)} ${escapeControls(message)}${rest}`;
      }
      sink(line);
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
