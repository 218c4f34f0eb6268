// The service's error vocabulary: every error carries a stable `code` and its retryability, checked with guards
// (instanceof fails across threads). Guards, metric labels and HTTP statuses read the code, never the message.
// An error's text leaves the service only through describeError or toErrorData, both redacted (src/redact.ts):
// that is what the log, the database (sync runs, jobs, videos, actors' last errors) and the API receive.

import { capText } from './log.js';
import { redact } from './redact.js';

/** Stable codes of the service's failures, each with what it means; each adapter (AYO, S3, ffmpeg) classifies its own. */
const ERROR_CODES = {
  'no-footage': 'a clip window that no recorded segment overlaps',
  cancelled: 'the work was cancelled (a cancelled booking, a shutdown)',
  'ffmpeg-missing': 'ffmpeg or ffprobe is not installed where configured',
  'ffmpeg-failed': 'ffmpeg ran and failed',
  stall: 'a camera or a process stopped making progress',
  unreachable: 'the remote side could not be reached at all (refused, reset, DNS)',
  timeout: 'the remote side did not answer in time',
  'circuit-open': "not called: the dependency's circuit is open",
  'partner-rejected': 'AYO refused the request (4xx, an error flag)',
  'partner-failed': 'AYO failed (5xx)',
  'bad-answer': 'an answer that is not what the contract says',
  'store-failed': 'the object store refused or failed',
  'file-missing': 'a local file the work needs is gone',
  'not-found': 'what the caller asked for does not exist',
  unavailable: 'the part of the service that would answer is not running now',
  invalid: "the caller's input is invalid",
  'gave-up': 'given up after too many restarts or attempts',
  transient: 'any other failure worth another attempt',
  permanent: 'any other failure that repeats until something is fixed',
  internal: 'a failure nobody classified',
} as const;

/** A stable code of the service's failures (see ERROR_CODES for what each means). */
export type ErrorCode = keyof typeof ERROR_CODES;

const isErrorCode = (code: unknown): code is ErrorCode => typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);

/** Options of the service's errors. */
export interface ErrorOptions {
  cause?: unknown;
  code?: ErrorCode;
}

/** A failure that may succeed if tried again later (5xx, timeouts, resets, an open circuit). */
export class RetryableError extends Error {
  override readonly name = 'RetryableError';
  readonly retryable = true;
  readonly code: ErrorCode;
  constructor(message: string, options: ErrorOptions = {}) {
    super(message, options);
    this.code = options.code ?? 'transient';
  }
}

/** A failure that repeats until something is fixed (4xx, a bad configuration, a malformed record). */
export class PermanentError extends Error {
  override readonly name = 'PermanentError';
  readonly retryable = false;
  readonly code: ErrorCode;
  constructor(message: string, options: ErrorOptions = {}) {
    super(message, options);
    this.code = options.code ?? 'permanent';
  }
}

/** Something the caller asked for does not exist (an HTTP API maps it to 404). */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  readonly retryable = false;
  readonly code = 'not-found' satisfies ErrorCode;
}

/** An error as plain data, safe to post between threads or to store. */
export interface ErrorData {
  name: string;
  message: string;
  retryable: boolean;
  code: ErrorCode;
}

/** Errno codes of network failures that a later attempt may not meet. */
const RETRYABLE_ERRNO = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

/** HTTP statuses that are worth another attempt; every other 4xx is permanent. */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

function errnoOf(e: unknown): string | undefined {
  for (let cur: unknown = e, depth = 0; cur && depth < 5; depth++) {
    const code = (cur as { code?: unknown }).code;
    // Our own codes classify; an errno (ECONNRESET, UND_ERR_SOCKET) says what the system saw.
    if (typeof code === 'string' && !isErrorCode(code)) return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Whether `e` deserves another attempt: its own `retryable` flag, else a timeout, abort or network errno. */
export function isRetryable(e: unknown): boolean {
  if (e && typeof e === 'object' && 'retryable' in e && typeof (e as ErrorData).retryable === 'boolean') {
    return (e as ErrorData).retryable;
  }
  const name = (e as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return true;
  const code = errnoOf(e);
  // A database lock held by another connection (a backup, an operator's sqlite3) passes: try again later.
  return (
    code !== undefined &&
    (RETRYABLE_ERRNO.has(code) || code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
  );
}

/**
 * Whether `e` says the remote side could not be reached at all (refused, reset, DNS, timeout), as opposed to an
 * answer it gave. Work that fails this way waits for the link without spending its attempts.
 */
export function isUnreachable(e: unknown): boolean {
  for (let cur: unknown = e, depth = 0; cur && depth < 6; depth++) {
    const c = cur as { name?: unknown; code?: unknown; status?: unknown; $metadata?: { httpStatusCode?: number } };
    if (typeof c.status === 'number' || typeof c.$metadata?.httpStatusCode === 'number') return false;
    if (c.name === 'TimeoutError' || c.name === 'CircuitOpenError') return true;
    if (typeof c.code === 'string' && RETRYABLE_ERRNO.has(c.code)) return true;
    cur = (cur as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * The code of anything thrown: its own `code` when it is one of ours, else what its name or errno says (a timeout,
 * an unreachable host, an open circuit), else `internal`.
 */
export function errorCode(e: unknown): ErrorCode {
  const own = (e as { code?: unknown } | null)?.code;
  if (isErrorCode(own)) return own;
  const name = (e as { name?: unknown } | null)?.name;
  if (name === 'CircuitOpenError') return 'circuit-open';
  if (name === 'TimeoutError') return 'timeout';
  if (isUnreachable(e)) return 'unreachable';
  return 'internal';
}

/** Whether `e` carries `code` (also for errors that crossed a thread as data). */
export function hasCode(e: unknown, code: ErrorCode): boolean {
  return errorCode(e) === code;
}

/** Converts anything thrown into plain data. */
export function toErrorData(e: unknown): ErrorData {
  if (e instanceof Error) return { name: e.name, message: e.message, retryable: isRetryable(e), code: errorCode(e) };
  // An error that crossed a thread as a plain object (Node's worker 'error' event): its fields, not "[object Object]".
  const o = e as { name?: unknown; message?: unknown; code?: unknown } | null;
  if (o && typeof o === 'object' && (typeof o.message === 'string' || typeof o.code === 'string')) {
    const message = typeof o.message === 'string' ? o.message : `failed with ${String(o.code)}`;
    const name = typeof o.name === 'string' ? o.name : 'Error';
    return { name, message, retryable: isRetryable(e), code: errorCode(e) };
  }
  return { name: 'Error', message: String(e), retryable: false, code: 'internal' };
}

/** An error rebuilt from its data on this side of a thread: guards see the same name, code and retryability. */
export class RemoteError extends Error {
  override readonly name: string;
  readonly retryable: boolean;
  readonly code: ErrorCode;
  constructor(data: ErrorData) {
    super(data.message);
    this.name = data.name;
    this.retryable = data.retryable;
    this.code = data.code;
  }
}

/**
 * A one-line description of an error for logs and stored reasons: its message and, when it adds something, its
 * cause's; redacted and capped, so it is safe to log, store and serve.
 */
export function describeError(e: unknown): string {
  return capText(redact(rawDescription(e)), MAX_ERROR_CHARS);
}

/** The longest error text stored or shown: an answer AYO echoes can be any size. */
const MAX_ERROR_CHARS = 2_000;

function rawDescription(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = e.cause instanceof Error ? e.cause : undefined;
  const code = errnoOf(e);
  const extra = cause && !e.message.includes(cause.message) ? `: ${cause.message}` : '';
  return `${e.message}${extra}${code && !e.message.includes(code) && !extra.includes(code) ? ` (${code})` : ''}`;
}
