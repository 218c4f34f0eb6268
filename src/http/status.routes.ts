// GET /api/status: what a dashboard needs to orient itself: the venue's time zone and today, sync freshness, and
// the recording disks (a disk that is down is named with its reason).

import { defineEventHandler, type Router } from 'h3';
import type { SegmentsRepo, SyncRunsRepo } from '../db/index.js';
import { diskDto } from '../recording/storage-report.js';
import { localDateOf } from '../util/venue-time.js';
import { readQuery } from './query.js';

/** Registers GET /api/status. */
export function registerStatusRoute(
  router: Router,
  deps: { syncRuns: SyncRunsRepo; segments: SegmentsRepo; timeZone: string; demo: boolean },
): void {
  router.get(
    '/api/status',
    defineEventHandler((event) => {
      readQuery(event, []);
      const now = new Date();
      const latest = deps.syncRuns.latest();
      const ok = deps.syncRuns.latestSuccessful();
      return {
        status: 'success',
        data: {
          venueTimezone: deps.timeZone,
          today: localDateOf(now, deps.timeZone),
          now: now.toISOString(),
          demo: deps.demo,
          lastSyncAt: latest?.finishedAt ?? null,
          lastSyncError:
            latest?.error ?? (latest?.failedDates.length ? `${latest.failedDates.length} date(s) failed` : null),
          lastSuccessfulSyncAt: ok?.finishedAt ?? null,
          // As the disk monitor saw them at its last check (empty before it ran).
          recordingDisks: deps.segments.disks().map(diskDto),
        },
      };
    }),
  );
}
