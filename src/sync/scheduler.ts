// Runs the booking sync at start and then every interval (measured from the end of a run, so runs never
// overlap), and the retention once per venue-local day.

import { describeError } from '../errors.js';
import type { Logger } from '../log.js';
import type { BookingSync } from './booking-sync.js';

/** Dependencies of {@link createSyncScheduler}. */
export interface SyncSchedulerDeps {
  sync: BookingSync;
  intervalMs: number;
  logger: Logger;
  /** Called before each run; runs the daily retention when the venue date changed. */
  maintenance?: () => void | Promise<void>;
}

/** Start/stop of the periodic sync. */
export interface SyncScheduler {
  start(): void;
  stop(): Promise<void>;
}

/** Creates the scheduler; nothing runs until `start()`. */
export function createSyncScheduler(deps: SyncSchedulerDeps): SyncScheduler {
  let timer: NodeJS.Timeout | undefined;
  let stopped = true;

  const tick = async () => {
    timer = undefined;
    try {
      await deps.maintenance?.();
      await deps.sync.run('interval');
    } catch (e) {
      deps.logger.error(`📅 BOOKING: Sync run failed: ${describeError(e)}`);
    }
    if (!stopped) timer = setTimeout(() => void tick(), deps.intervalMs);
  };

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      timer = setTimeout(() => void tick(), 0);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await deps.sync.stop();
    },
  };
}
