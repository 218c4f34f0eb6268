// The service's error vocabulary: retryability lives on the error, checked with guards (instanceof fails across threads).

/** A failure that may succeed if tried again later (5xx, timeouts, resets, an open circuit). */
export class RetryableError extends Error {
  override readonly name = 'RetryableError';
  readonly retryable = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A failure that repeats until something is fixed (4xx, a bad configuration, a malformed record). */
export class PermanentError extends Error {
  override readonly name = 'PermanentError';
  readonly retryable = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Something the caller asked for does not exist (an HTTP API maps it to 404). */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  readonly retryable = false;
}

/** The caller asked again too soon (an HTTP API maps it to 429). */
export class TooManyRequestsError extends Error {
  override readonly name = 'TooManyRequestsError';
  readonly retryable = false;
  constructor(message: string, readonly retryAfterSec: number) {
    super(message);
  }
}

/** An error as plain data, safe to post between threads or to store. */
export interface ErrorData {
  name: string;
  message: string;
  retryable: boolean;
}

/** Errno codes of network failures that a later attempt may not meet. */
const RETRYABLE_ERRNO = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN',
  'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CLOSED',
]);

/** HTTP statuses that are worth another attempt; every other 4xx is permanent. */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

function errnoOf(e: unknown): string | undefined {
  for (let cur: unknown = e, depth = 0; cur && depth < 5; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') return code;
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
  return code !== undefined && RETRYABLE_ERRNO.has(code);
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

/** Converts anything thrown into plain data. */
export function toErrorData(e: unknown): ErrorData {
  if (e instanceof Error) return { name: e.name, message: e.message, retryable: isRetryable(e) };
  return { name: 'Error', message: String(e), retryable: false };
}

/** A one-line description of an error for logs: its message and, when it adds something, its cause's. */
export function describeError(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = e.cause instanceof Error ? e.cause : undefined;
  const code = errnoOf(e);
  const extra = cause && !e.message.includes(cause.message) ? `: ${cause.message}` : '';
  return `${e.message}${extra}${code && !e.message.includes(code) && !extra.includes(code) ? ` (${code})` : ''}`;
}
