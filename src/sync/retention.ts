// Daily deletion of bookings (and sync run records) older than BOOKING_RETENTION_DAYS.

import { createBookingsRepo, createSyncRunsRepo, type Db } from '../db/index.js';
import type { Logger } from '../log.js';
import { addDays, localDateOf } from '../util/venue-time.js';

/** Deletes what is past retention; returns the number of bookings deleted. */
export function applyBookingRetention(
  db: Db,
  opts: { retentionDays: number; timeZone: string; logger: Logger; now?: Date },
): number {
  const now = opts.now ?? new Date();
  const cutoff = addDays(localDateOf(now, opts.timeZone), -opts.retentionDays);
  const deleted = createBookingsRepo(db).deleteOlderThan(cutoff);
  createSyncRunsRepo(db).pruneBefore(new Date(now.getTime() - opts.retentionDays * 86_400_000).toISOString());
  if (deleted > 0) opts.logger.info(`🧹 RETENTION: Deleted ${deleted} bookings dated before ${cutoff}`);
  return deleted;
}
