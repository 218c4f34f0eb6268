// The buttons' serial line: keeps the port open through its child process (serial-child.ts), hands every chunk read
// to the caller, and when the port cannot be opened or is lost (the Arduino unplugged, its USB reset) waits and tries
// again with backoff, for as long as it runs. It never throws: a broken line is a state, reported through `onStatus`.

import type { ButtonLineStatus } from '../actors/button.messages.js';
import type { Logger } from '../log.js';
import { restartDelay } from '../supervisor/index.js';
import { startSerialChild, type SerialChild } from './serial-child.js';

/** Options of {@link openSerialLine}. */
export interface SerialLineOptions {
  path: string;
  baudRate: number;
  logger: Logger;
  /** Every chunk read from the open port. */
  onData(chunk: Buffer): void;
  /** Every change of the line's state (also each failed attempt: its error and next attempt change). */
  onStatus(status: ButtonLineStatus): void;
  /** First and longest wait between attempts (default 250 ms doubling to 5 s, ±20%). */
  retryMinMs?: number;
  retryMaxMs?: number;
}

/** A line held open: its current state, and `close()` (stops retrying, closes the port). */
export interface SerialLine {
  status(): ButtonLineStatus;
  close(): Promise<void>;
}

/** A line open this long counts as working: its next loss starts the backoff over. */
const STABLE_MS = 10_000;

/** Opens the line at `path` and keeps it open. Example: `openSerialLine({ path, baudRate, logger, onData, onStatus })`. */
export function openSerialLine(opts: SerialLineOptions): SerialLine {
  const backoff = { initialMs: opts.retryMinMs ?? 250, maxMs: opts.retryMaxMs ?? 5_000, jitter: 0.2 };
  let child: SerialChild | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let openedAt: number | undefined;
  let failures = 0;
  let status: ButtonLineStatus = {
    state: 'connecting',
    path: opts.path,
    since: new Date().toISOString(),
    lastError: null,
    nextAttemptAt: null,
    failedAttempts: 0,
  };
  const set = (next: Omit<ButtonLineStatus, 'path' | 'since' | 'failedAttempts'>) => {
    const since = next.state === status.state ? status.since : new Date().toISOString();
    status = { ...next, path: opts.path, since, failedAttempts: next.state === 'open' ? 0 : failures };
    opts.onStatus(status);
  };

  const connect = () => {
    timer = undefined;
    if (closed) return;
    if (status.state !== 'connecting') set({ state: 'connecting', lastError: status.lastError, nextAttemptAt: null });
    const c: SerialChild = startSerialChild(opts.path, opts.baudRate, {
      onOpen() {
        if (child !== c) return;
        // The backoff starts over only once the line has stayed open a while (lost() checks): a device that opens
        // and drops at once must not be reopened, and logged, several times a second.
        openedAt = Date.now();
        opts.logger.info(`🔘 BUTTONS: serial line ${opts.path} open at ${opts.baudRate} baud`);
        set({ state: 'open', lastError: null, nextAttemptAt: null });
      },
      onData: (chunk) => {
        if (child === c) opts.onData(chunk);
      },
      onEnd: (reason) => lost(c, reason),
    });
    child = c;
  };

  /** The line's child `c` ended (the port did not open, or was lost): try again after the backoff. */
  const lost = (c: SerialChild, reason: string) => {
    if (c !== child || closed) return;
    child = undefined;
    const wasOpen = openedAt !== undefined;
    if (wasOpen && Date.now() - openedAt! >= STABLE_MS) failures = 0;
    openedAt = undefined;
    const delay = restartDelay(failures++, backoff);
    // One line when the line goes and one when the reason changes, not one per attempt while it stays unplugged.
    if (wasOpen) opts.logger.warn(`🔘 BUTTONS: serial line ${opts.path} lost (${reason}); reconnecting`);
    else if (reason !== status.lastError)
      opts.logger.warn(`🔘 BUTTONS: cannot open serial line ${opts.path} (${reason}); retrying with backoff`);
    set({ state: 'waiting', lastError: reason, nextAttemptAt: new Date(Date.now() + delay).toISOString() });
    timer = setTimeout(connect, delay);
  };

  opts.onStatus(status);
  connect();
  return {
    status: () => status,
    async close() {
      closed = true;
      clearTimeout(timer);
      const c = child;
      child = undefined;
      await c?.stop();
    },
  };
}
