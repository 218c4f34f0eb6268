// Retry and circuit-breaker policies (cockatiel) for one dependency, with the seed's 🔄 RETRY log lines.

import {
  circuitBreaker,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  handleWhen,
  isBrokenCircuitError,
  IterableBackoff,
  retry,
  wrap,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import { describeError, hasCode, isRetryable, type ErrorCode } from '../errors.js';
import type { Logger } from '../log.js';

/** A call refused because the dependency's circuit is open; retryable once it half-opens. */
class CircuitOpenError extends Error {
  override readonly name = 'CircuitOpenError';
  readonly retryable = true;
  readonly code = 'circuit-open' satisfies ErrorCode;
}

/** Guard for {@link CircuitOpenError}, also for errors that crossed a thread as data. */
export function isCircuitOpenError(e: unknown): boolean {
  return hasCode(e, 'circuit-open');
}

/** How one dependency is retried and when its circuit opens. */
export interface ResilienceOptions {
  /** Dependency name for logs and events, e.g. `AYO`. */
  name: string;
  /** Attempts per call, the first included. */
  maxAttempts: number;
  /** Explicit delays before each retry (the seed's 3 s, 6 s, 12 s); else exponential from `baseDelayMs`. */
  delaysMs?: readonly number[];
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Which retryable failures count towards opening the circuit (default: all). */
  breakOn?: (e: Error) => boolean;
  /** Consecutive retryable failures that open the circuit, and how long it stays open; absent: never opens. */
  breaker?: { threshold: number; halfOpenAfterMs: number };
}

/** The state of a circuit as the rest of the service names it. */
export type CircuitName = 'closed' | 'open' | 'half-open' | 'isolated';

const CIRCUIT_NAMES: Record<CircuitState, CircuitName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

/** A dependency's policies; `execute` runs one call through retry and breaker. */
export interface Resilience {
  /** Runs `fn` through retry and breaker; aborting `signal` cancels the call and any pending retry delay. */
  execute<T>(label: string, fn: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T>;
  circuit(): CircuitName;
  onCircuitChange(listener: (state: CircuitName) => void): void;
}

/** Builds the policies of one dependency. Retries only retryable errors and never an open circuit. */
export function createResilience(options: ResilienceOptions, logger: Logger): Resilience {
  const backoff = options.delaysMs
    ? new IterableBackoff(options.delaysMs)
    : new ExponentialBackoff({ initialDelay: options.baseDelayMs ?? 1000, maxDelay: options.maxDelayMs ?? 30_000 });
  const retryPolicy = retry(
    handleWhen((e) => isRetryable(e) && !isBrokenCircuitError(e)),
    { maxAttempts: Math.max(0, options.maxAttempts - 1), backoff },
  );
  const counts = options.breakOn ?? (() => true);
  const breaker: CircuitBreakerPolicy = circuitBreaker(
    handleWhen((e) => isRetryable(e) && !isBrokenCircuitError(e) && counts(e)),
    {
      halfOpenAfter: options.breaker?.halfOpenAfterMs ?? 30_000,
      // Without a breaker option the circuit never opens (work that depends on no remote service).
      breaker: new ConsecutiveBreaker(options.breaker?.threshold ?? Number.MAX_SAFE_INTEGER),
    },
  );
  const listeners: ((s: CircuitName) => void)[] = [];
  breaker.onStateChange((state) => {
    const name = CIRCUIT_NAMES[state];
    if (name === 'open') logger.warn(`⚡ CIRCUIT: ${options.name} circuit opened after repeated failures`);
    if (name === 'closed') logger.info(`⚡ CIRCUIT: ${options.name} circuit closed again`);
    for (const l of listeners) {
      try {
        l(name);
      } catch {
        /* a listener cannot break the policy */
      }
    }
  });
  const policy = wrap(retryPolicy, breaker);

  return {
    async execute<T>(label: string, fn: (signal: AbortSignal) => Promise<T>, outer?: AbortSignal): Promise<T> {
      let attempt = 0;
      let lastFailure: unknown;
      try {
        const value = await policy.execute(async ({ signal }) => {
          attempt++;
          try {
            return await fn(signal);
          } catch (e) {
            lastFailure = e;
            if (attempt < options.maxAttempts && isRetryable(e) && !isBrokenCircuitError(e) && !signal.aborted) {
              logger.warn(`🔄 RETRY: Will retry error: ${describeError(e)}`, { call: label, attempt });
            }
            throw e;
          }
        }, outer);
        if (attempt > 1) logger.info(`🔄 RETRY: ${label} ✅ Berhasil setelah ${attempt - 1} kali retry`);
        return value;
      } catch (e) {
        if (isBrokenCircuitError(e)) {
          // Refused before any call: the dependency was not tried. Refused on a retry (the circuit opened on this
          // call's own failures): the call failed, with its own last error.
          if (attempt === 0)
            throw new CircuitOpenError(
              `${options.name} circuit is open after repeated failures; not calling it for now`,
              { cause: e },
            );
          if (!outer?.aborted) logger.warn(`🔄 RETRY: ${label} ❌ Gagal setelah ${attempt} percobaan`);
          throw lastFailure;
        }
        if (attempt > 1 && !outer?.aborted) logger.warn(`🔄 RETRY: ${label} ❌ Gagal setelah ${attempt} percobaan`);
        throw e;
      }
    },
    circuit: () => CIRCUIT_NAMES[breaker.state],
    onCircuitChange: (l) => void listeners.push(l),
  };
}
