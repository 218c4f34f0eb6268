// A held SQLite lock (an operator's sqlite3 session, a backup, a long write elsewhere) is routine, not a crash:
// database work that meets SQLITE_BUSY or SQLITE_LOCKED waits with backoff and tries again, logging once per episode.

import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../log.js';

/** True for better-sqlite3's "database is locked/busy" errors (SQLITE_BUSY*, SQLITE_LOCKED*). */
export function isBusyError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/** Options of {@link retryWhileBusy}. */
export interface BusyRetryOptions {
  /** What the work is, for the log line (e.g. `'recorder cam1: index a segment'`). */
  what: string;
  logger: Pick<Logger, 'warn' | 'info'>;
  /** Ends the waiting: the last busy error is thrown. */
  signal?: AbortSignal;
  /** First wait (default 100 ms), doubled up to maxDelayMs (default 5 s). */
  initialDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * Runs `work` until it does not fail with a busy error; any other error is thrown at once. The first busy error of an
 * episode logs a warning, the success that ends it logs how long it lasted; nothing is logged in between.
 */
export async function retryWhileBusy<T>(work: () => T | Promise<T>, options: BusyRetryOptions): Promise<T> {
  let delay = options.initialDelayMs ?? 100;
  const max = options.maxDelayMs ?? 5_000;
  let since: number | undefined;
  for (;;) {
    try {
      const result = await work();
      if (since !== undefined)
        options.logger.info(`🗄️ DB: ${options.what}: the database lock was released after ${Date.now() - since} ms`);
      return result;
    } catch (e) {
      if (!isBusyError(e) || options.signal?.aborted) throw e;
      if (since === undefined) {
        since = Date.now();
        options.logger.warn(`🗄️ DB: ${options.what}: the database is locked by another connection; waiting for it`);
      }
      try {
        await sleep(delay, undefined, { signal: options.signal });
      } catch {
        throw e;
      }
      delay = Math.min(max, delay * 2);
    }
  }
}
