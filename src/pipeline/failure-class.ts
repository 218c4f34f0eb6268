// How a failed attempt failed, as the queue records it: whether the dependency answered with a failure (5xx), did not
// answer in time, could not be reached, or refused for good. A recovery brings forward only the first two.

import type { FailureClass } from '../db/index.js';
import { errorCode, isRetryable } from '../errors.js';

/** The failure class of anything an attempt threw (read from its code and retryability, never its message). */
export function failureClassOf(e: unknown): FailureClass {
  const code = errorCode(e);
  if (code === 'timeout') return 'timeout';
  if (code === 'unreachable' || code === 'circuit-open') return 'unreachable';
  if (!isRetryable(e)) return 'rejected';
  if (code === 'partner-failed' || code === 'store-failed' || code === 'bad-answer' || code === 'transient')
    return 'server-error';
  return 'other';
}

/** Whether a job that failed this way waits for its dependency to answer again (5xx, timeouts), not a refusal. */
export function isDependencyFailure(c: FailureClass | null): boolean {
  return c === 'server-error' || c === 'timeout';
}
