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
      if (since !== undefined) options.logger.info(lockReleased(options.what, since));
      return result;
    } catch (e) {
      if (!isBusyError(e) || options.signal?.aborted) throw e;
      if (since === undefined) {
        since = Date.now();
        options.logger.warn(lockMet(options.what));
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

const lockMet = (what: string, waiting = 'waiting for it') =>
  `🗄️ DB: ${what}: the database is locked by another connection; ${waiting}`;
const lockReleased = (what: string, since: number, resumed?: string) =>
  `🗄️ DB: ${what}: the database lock was released after ${Date.now() - since} ms${resumed ? `; ${resumed}` : ''}`;

/** What {@link busyEpisodes}' `run` answers while the lock is held or its backoff lasts. */
export const BUSY = Symbol('busy');

/**
 * Episodes of a held lock for synchronous work that its caller tries again on its own (a poll, a pump): `run` runs
 * the work unless the backoff since the lock was met still lasts, and answers {@link BUSY} while the lock holds. One
 * warning when the lock is met and one line when it goes, as {@link retryWhileBusy} logs. Other errors are thrown.
 */
export function busyEpisodes(
  what: string,
  logger: Pick<Logger, 'warn' | 'info'>,
  options: {
    initialDelayMs?: number;
    maxDelayMs?: number;
    /** What the lines say the caller does meanwhile and after (default: `waiting for it`, nothing). */
    waiting?: string;
    resumed?: string;
  } = {},
) {
  const first = options.initialDelayMs ?? 200;
  const max = options.maxDelayMs ?? 5_000;
  let since: number | null = null;
  let until = 0;
  let delay = first;
  return {
    run<T>(work: () => T): T | typeof BUSY {
      if (since !== null && Date.now() < until) return BUSY;
      try {
        const result = work();
        if (since !== null) logger.info(lockReleased(what, since, options.resumed));
        since = null;
        delay = first;
        return result;
      } catch (e) {
        if (!isBusyError(e)) throw e;
        if (since === null) {
          since = Date.now();
          logger.warn(lockMet(what, options.waiting));
        }
        until = Date.now() + delay;
        delay = Math.min(max, delay * 2);
        return BUSY;
      }
    },
  };
}
