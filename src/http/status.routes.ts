// GET /api/status: what a dashboard needs to orient itself: the venue's time zone and today, sync freshness.

import { defineEventHandler, type Router } from 'h3';
import type { SyncRunsRepo } from '../db/index.js';
import { localDateOf } from '../util/venue-time.js';
import { readQuery } from './query.js';

/** Registers GET /api/status. */
export function registerStatusRoute(
  router: Router,
  deps: { syncRuns: SyncRunsRepo; timeZone: string; demo: boolean },
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
        },
      };
    }),
  );
}
